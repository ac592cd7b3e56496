import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  formatIssues,
  parseManifests,
  validateManifest,
} from '@kargo-backstage/plugin-kargo-common';
import { readFile } from 'node:fs/promises';
import {
  initiatorOf,
  kargoCaller,
  KargoActionOptions,
  stepsExample,
} from './kargoApi';

/**
 * `kargo:manifests:apply`: creates or updates Kargo manifests (a project, its
 * Warehouses and Stages, ...) in the portal's Kargo backend, as the user who
 * runs the template, so their permissions apply. All or nothing.
 */
export function createApplyManifestsAction(options: KargoActionOptions) {
  const asInitiator = kargoCaller(options);
  return createTemplateAction({
    id: 'kargo:manifests:apply',
    description:
      'Creates or updates Kargo manifests (Project, Warehouse, Stage, ...) in the Kargo backend, as the user running the template.',
    supportsDryRun: true,
    examples: [
      stepsExample('Apply the pipeline written into the workspace', {
        id: 'pipeline',
        action: 'kargo:manifests:apply',
        input: { path: 'kargo/pipeline.yaml' },
      }),
    ],
    schema: {
      input: {
        path: z =>
          z
            .string()
            .optional()
            .describe('Workspace path of a YAML or JSON file of manifests'),
        manifests: z =>
          z
            .string()
            .optional()
            .describe('Manifests as YAML or JSON text (instead of path)'),
        mode: z =>
          z
            .enum(['create', 'upsert'])
            .default('upsert')
            .describe('create fails if a resource exists; upsert updates it'),
      },
      output: {
        resources: z =>
          z
            .array(z.string())
            .describe('Applied resources, as Kind/namespace/name'),
      },
    },
    async handler(ctx) {
      const { path, manifests, mode } = ctx.input;
      if (Boolean(path) === Boolean(manifests)) {
        throw new Error('Give exactly one of input.path or input.manifests');
      }
      const text = path
        ? await readFile(resolveSafeChildPath(ctx.workspacePath, path), 'utf8')
        : manifests!;
      if (ctx.isDryRun) {
        // What the backend would check first, without asking it.
        const planned = validateLocally(text, path);
        ctx.logger.info(
          `Dry run: would ${
            mode === 'create' ? 'create' : 'create or update'
          } ${planned.join(', ')} as ${initiatorOf(ctx)}`,
        );
        ctx.output('resources', planned);
        return;
      }
      const { results } = await asInitiator(ctx, (client, request) =>
        client.applyManifests(text, { mode: mode ?? 'upsert' }, request),
      );
      const resources = results.map(r => {
        const m = (r.createdResourceManifest ?? r.updatedResourceManifest)!;
        const id = [m.metadata.namespace, m.metadata.name]
          .filter(Boolean)
          .join('/');
        ctx.logger.info(
          `${r.createdResourceManifest ? 'Created' : 'Updated'} ${
            m.kind
          } ${id}`,
        );
        return `${m.kind}/${id}`;
      });
      ctx.output('resources', resources);
    },
  });
}

/**
 * Parses and validates the manifests as the backend's first check does
 * (schemas and webhook rules that need no stored state); answers them as
 * Kind/namespace/name, or throws naming the document and the problem.
 */
function validateLocally(text: string, path: string | undefined): string[] {
  const docs = parseManifests(text, path);
  return docs.map((doc, index) => {
    const result = validateManifest(doc);
    if (!result.ok) {
      throw new Error(
        `Document ${index + 1} is not a valid Kargo manifest: ${formatIssues(
          result.issues,
        )}`,
      );
    }
    const { kind, metadata } = result.resource as {
      kind: string;
      metadata: { name: string; namespace?: string };
    };
    return [kind, metadata.namespace, metadata.name].filter(Boolean).join('/');
  });
}
