import { z } from 'zod';
import { KARGO_API_VERSION, ROLLOUTS_API_VERSION } from '../constants';
import { apiVersionOf, isKargoKind, KARGO_KINDS, KargoKind } from './kinds';
import {
  ManifestIssue,
  manifestErrorMap,
  ROOT_PATH,
  toManifestIssues,
} from './issues';
import { KargoResource, manifestSchemas } from './schemas';

export type ValidateManifestResult =
  | { ok: true; resource: KargoResource }
  | { ok: false; issues: ManifestIssue[] };

const fail = (path: string, message: string): ValidateManifestResult => ({
  ok: false,
  issues: [{ path, message }],
});

const API_VERSIONS = [KARGO_API_VERSION, ROLLOUTS_API_VERSION];

/**
 * Validates one manifest as Kargo would on `kubectl apply`: the CRD schema
 * (strict fields, enums, patterns, limits, CEL rules) plus the rules of
 * Kargo's admission webhooks that need no cluster state. Argo Rollouts'
 * AnalysisTemplates (argoproj.io/v1alpha1) are checked against their CRD
 * and the rules Rollouts applies when a run starts. On success the resource
 * carries the defaults and no `status`.
 */
export function validateManifest(doc: unknown): ValidateManifestResult {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    return fail(ROOT_PATH, 'must be an object');
  }
  const { apiVersion, kind } = doc as Record<string, unknown>;
  if (isKargoKind(kind) && apiVersion !== apiVersionOf(kind)) {
    return fail('apiVersion', `must be ${apiVersionOf(kind)}`);
  }
  if (!API_VERSIONS.includes(apiVersion as string)) {
    return fail('apiVersion', `must be ${KARGO_API_VERSION}`);
  }
  if (kind === undefined || kind === null) return fail('kind', 'required');
  if (!isKargoKind(kind)) {
    const expected = KARGO_KINDS.filter(k => apiVersionOf(k) === apiVersion);
    return fail(
      'kind',
      `unknown kind ${JSON.stringify(kind)}; expected one of ${expected.join(
        ', ',
      )}`,
    );
  }
  const schema: z.ZodType = (manifestSchemas as Record<KargoKind, z.ZodType>)[
    kind
  ];
  const result = schema.safeParse(doc, { error: manifestErrorMap });
  if (result.success) {
    return { ok: true, resource: result.data as KargoResource };
  }
  return { ok: false, issues: toManifestIssues(result.error) };
}
