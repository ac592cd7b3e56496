import { z } from 'zod';
import { checkDnsLabel } from '../k8sNames';
// The same URL normalization Freight naming uses (a port of Kargo's pkg/urls).
import {
  normalizeChartRepoURL,
  normalizeGitURL,
  normalizeImageRepoURL,
} from '../../freight/urls';
import {
  crdDuration,
  dropNulls,
  goRegex,
  goRegexList,
  goZeroAsUnset,
  jsonObject,
  pathSelectorList,
  reportDuplicates,
  rfc3339,
  semverConstraint,
  strictObject,
} from './common';
import { resourceSchema } from './resource';

/*
 * Warehouse. The CRD keeps subscriptions as free-form JSON; their shape and
 * rules come from Kargo's subscription JSON schemas, its subscribers'
 * defaulting and validation, and the Warehouse admission webhook.
 */

/** discoveryLimit: 1..100, default 20; Go's zero value 0 also means "default". */
const discoveryLimit = goZeroAsUnset(
  z.number().int().min(1).max(100).default(20),
  0,
);

// Kargo's own patterns for repository URLs.
const IMAGE_REPO_RE =
  /^(\w+([.-]\w+)*(:[\d]+)?\/)?(\w+([.-]\w+)*)(\/\w+([.-]\w+)*)*$/;
const GIT_URL_RE =
  /(?:^(ssh|https?):\/\/(?:([\w-]+)(:(.+))?@)?([\w-]+(?:\.[\w-]+)*)(?::(\d{1,5}))?(\/.*)$)|(?:^([\w-]+)@([\w+]+(?:\.[\w-]+)*):(\/?.*))/;
const HELM_REPO_RE = /^(((https?)|(oci)):\/\/)([\w\d.-]+)(:[\d]+)?(\/.*)*$/;
const BRANCH_RE = /^[a-zA-Z0-9]([a-zA-Z0-9._/-]*[a-zA-Z0-9_-])?$/;

const imageStrategies = ['SemVer', 'Lexical', 'NewestBuild', 'Digest'] as const;
const commitStrategies = [
  'NewestFromBranch',
  'SemVer',
  'Lexical',
  'NewestTag',
] as const;

export const imageSubscription = strictObject({
  repoURL: z.string().regex(IMAGE_REPO_RE, {
    error: 'must be an image repository such as ghcr.io/example/app (no tag)',
  }),
  imageSelectionStrategy: goZeroAsUnset(
    z.enum(imageStrategies).default('SemVer'),
    '',
  ),
  strictSemvers: z.boolean().default(true),
  constraint: z.string().optional(),
  /** Deprecated (discovery fails when set since Kargo v1.11). */
  allowTags: goRegex.optional(),
  allowTagsRegexes: goRegexList.optional(),
  /** Deprecated (discovery fails when set since Kargo v1.11). */
  ignoreTags: z.array(z.string()).optional(),
  ignoreTagsRegexes: goRegexList.optional(),
  platform: z
    .string()
    .regex(/^[^/]+\/[^/]+(\/.+)?$/, {
      error: 'must be <os>/<arch> or <os>/<arch>/<variant>',
    })
    .optional(),
  insecureSkipTLSVerify: z.boolean().optional(),
  discoveryLimit,
  cacheByTag: z.boolean().optional(),
}).superRefine((sub, ctx) => {
  // Image subscriber rules: Digest needs the mutable tag to watch; for
  // SemVer the constraint is a semver range.
  if (sub.imageSelectionStrategy === 'Digest' && !sub.constraint) {
    ctx.addIssue({
      code: 'custom',
      path: ['constraint'],
      message: 'required when imageSelectionStrategy is Digest',
    });
  }
  if (sub.imageSelectionStrategy === 'SemVer' && sub.constraint) {
    const result = semverConstraint.safeParse(sub.constraint);
    if (!result.success) {
      ctx.addIssue({
        code: 'custom',
        path: ['constraint'],
        message: result.error.issues[0].message,
      });
    }
  }
});

export const gitSubscription = strictObject({
  repoURL: z.string().regex(GIT_URL_RE, {
    error:
      'must be a Git repository URL such as https://github.com/example/repo.git',
  }),
  commitSelectionStrategy: goZeroAsUnset(
    z.enum(commitStrategies).default('NewestFromBranch'),
    '',
  ),
  branch: z
    .string()
    .max(255)
    .regex(BRANCH_RE, {
      error: 'must be a valid branch name',
    })
    .optional(),
  strictSemvers: z.boolean().default(true),
  semverConstraint: semverConstraint.optional(),
  /** Deprecated in favour of allowTagsRegexes. */
  allowTags: goRegex.optional(),
  allowTagsRegexes: goRegexList.optional(),
  /** Deprecated in favour of ignoreTagsRegexes. */
  ignoreTags: z.array(z.string()).optional(),
  ignoreTagsRegexes: goRegexList.optional(),
  expressionFilter: z.string().optional(),
  insecureSkipTLSVerify: z.boolean().optional(),
  blobless: z.boolean().optional(),
  includePaths: pathSelectorList.optional(),
  excludePaths: pathSelectorList.optional(),
  discoveryLimit,
  since: rfc3339.optional(),
});

export const chartSubscription = strictObject({
  repoURL: z.string().regex(HELM_REPO_RE, {
    error:
      'must be a Helm repository URL starting with https://, http:// or oci://',
  }),
  name: z.string().optional(),
  semverConstraint: semverConstraint.optional(),
  discoveryLimit,
  insecureSkipTLSVerify: z.boolean().optional(),
}).superRefine((sub, ctx) => {
  // Classic (HTTP) repositories host many charts, so the chart is named;
  // an OCI repository URL already points at one chart.
  if (/^https?:\/\//.test(sub.repoURL) && !sub.name) {
    ctx.addIssue({
      code: 'custom',
      path: ['name'],
      message: 'required when repoURL starts with http:// or https://',
    });
  }
  if (sub.repoURL.startsWith('oci://') && sub.name) {
    ctx.addIssue({
      code: 'custom',
      path: ['name'],
      message: 'must not be set when repoURL starts with oci://',
    });
  }
});

/** Any other key names a pluggable ("generic") subscription type. */
export const genericSubscription = strictObject({
  config: jsonObject.optional(),
  discoveryLimit,
});

const LEGACY_TYPES = ['image', 'git', 'chart'] as const;

/**
 * One subscription: an optional `name` plus exactly one key naming the type.
 */
export const subscription = z
  .preprocess(
    dropNulls,
    z
      .object({
        name: z.string().optional(),
        image: imageSubscription.optional(),
        git: gitSubscription.optional(),
        chart: chartSubscription.optional(),
      })
      .catchall(genericSubscription),
  )
  .superRefine((sub, ctx) => {
    const types = Object.keys(sub).filter(k => k !== 'name');
    if (types.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          types.length === 0
            ? 'must have exactly one of image, git, chart (or a generic subscription type)'
            : `must have exactly one of image, git, chart (or a generic subscription type), found ${types.join(
                ', ',
              )}`,
      });
    }
    const isGeneric = types.some(
      t => !(LEGACY_TYPES as readonly string[]).includes(t),
    );
    if (!sub.name) {
      // Generic subscriptions have no repository URL to identify them.
      if (isGeneric) {
        ctx.addIssue({
          code: 'custom',
          path: ['name'],
          message: 'required for subscriptions of this type',
        });
      }
      return;
    }
    const problem = checkDnsLabel(sub.name);
    if (problem)
      ctx.addIssue({ code: 'custom', path: ['name'], message: problem });
  });

export type WarehouseSubscription = z.output<typeof subscription>;

/** Identity used by Kargo to refuse two subscriptions to the same repository. */
function repoKey(sub: WarehouseSubscription): [string, string] | undefined {
  if (sub.image)
    return ['image', `image:${normalizeImageRepoURL(sub.image.repoURL)}`];
  if (sub.git) return ['git', `git:${normalizeGitURL(sub.git.repoURL)}`];
  if (sub.chart) {
    const base = `chart:${normalizeChartRepoURL(sub.chart.repoURL)}`;
    const isHttp = /^https?:\/\//.test(sub.chart.repoURL);
    return ['chart', isHttp ? `${base}:${sub.chart.name ?? ''}` : base];
  }
  return undefined;
}

const REPO_NOUN: Record<string, string> = {
  image: 'image repository',
  git: 'Git repository',
  chart: 'chart',
};

const subscriptions = z
  .array(subscription)
  .min(1)
  .superRefine((subs, ctx) => {
    reportDuplicates(
      ctx,
      subs,
      s => s.name || undefined,
      (i, first, name) => ({
        path: [i, 'name'],
        message: `subscription name "${name}" is already used by spec.subscriptions[${first}]`,
      }),
    );
    reportDuplicates(
      ctx,
      subs,
      s => repoKey(s)?.[1],
      (i, first) => {
        const type = repoKey(subs[i])![0];
        return {
          path: [i, type, 'repoURL'],
          message: `a subscription for this ${REPO_NOUN[type]} already exists at spec.subscriptions[${first}]`,
        };
      },
    );
  });

export const warehouseSpec = strictObject({
  shard: z.string().optional(),
  interval: crdDuration.default('5m0s'),
  freightCreationPolicy: z.enum(['Automatic', 'Manual']).default('Automatic'),
  subscriptions,
  freightCreationCriteria: strictObject({
    expression: z.string().optional(),
  }).optional(),
});

export const warehouseSchema = resourceSchema('Warehouse', {
  spec: warehouseSpec,
});

export type WarehouseResource = z.output<typeof warehouseSchema>;

/** An `image` subscription with Kargo's defaults applied. */
export type ImageSubscription = z.output<typeof imageSubscription>;
/** A `git` subscription with Kargo's defaults applied. */
export type GitSubscription = z.output<typeof gitSubscription>;
/** A `chart` subscription with Kargo's defaults applied. */
export type ChartSubscription = z.output<typeof chartSubscription>;
