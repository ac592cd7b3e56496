import { z } from 'zod';
import { strictObject } from './common';
import { isTemplated } from './analysisRules';

/*
 * The metric providers of an Argo Rollouts AnalysisTemplate. The backend's
 * engine runs `web` and `prometheus` itself; the other providers of Argo
 * Rollouts are recognised so that a template using them gets a clear
 * "not supported" rather than "unknown field".
 */

/** A field this suite reads no further than to say it is not supported. */
export function notSupported(message: string) {
  return z.unknown().superRefine((_, ctx) => {
    ctx.addIssue({ code: 'custom', message });
  });
}

const header = strictObject({ key: z.string().min(1), value: z.string() });

/** A URL with a scheme and a host, or one `{{args.…}}` completes. */
const url = z.string().superRefine((value, ctx) => {
  if (isTemplated(value)) return;
  try {
    const parsed = new URL(value);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return;
  } catch {
    // reported below
  }
  ctx.addIssue({
    code: 'custom',
    message: 'must be an http or https URL such as http://prometheus:9090',
  });
});

export const webMetric = strictObject({
  method: z.enum(['GET', 'POST', 'PUT']).optional(),
  url: url,
  headers: z.array(header).optional(),
  body: z.string().optional(),
  // Any JSON, sent as the request body with Content-Type application/json.
  jsonBody: z.unknown().optional(),
  timeoutSeconds: z.number().int().optional(),
  jsonPath: z.string().optional(),
  insecure: z.boolean().optional(),
  authentication: notSupported(
    'is not supported here; pass credentials in headers from an argument (valueFrom.secretKeyRef)',
  ).optional(),
}).superRefine((web, ctx) => {
  // Rollouts' web provider refuses these at measurement time.
  const hasBody = Boolean(web.body) || web.jsonBody !== undefined;
  if (web.body && web.jsonBody !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['jsonBody'],
      message: 'use either body or jsonBody, not both',
    });
  } else if (hasBody && (web.method ?? 'GET') === 'GET') {
    ctx.addIssue({
      code: 'custom',
      path: ['method'],
      message: 'must be POST or PUT when body or jsonBody is set',
    });
  }
});

export const prometheusMetric = strictObject({
  address: url,
  query: z.string().min(1),
  timeout: z.number().int().min(0).optional(),
  insecure: z.boolean().optional(),
  headers: z.array(header).optional(),
  authentication: strictObject({
    basicAuth: strictObject({
      username: z.string().optional(),
      password: z.string().optional(),
    }).optional(),
    sigv4: notSupported('SigV4 signing is not supported here').optional(),
    oauth2: notSupported('OAuth2 is not supported here').optional(),
  }).optional(),
  rangeQuery: notSupported(
    'range queries are not supported here; use an instant query',
  ).optional(),
});

/** Argo Rollouts' providers that this suite does not run. */
const OTHER_PROVIDERS = [
  'job',
  'datadog',
  'newRelic',
  'wavefront',
  'kayenta',
  'cloudWatch',
  'graphite',
  'influxdb',
  'skywalking',
  'plugin',
] as const;

const otherProviders = Object.fromEntries(
  OTHER_PROVIDERS.map(name => [
    name,
    notSupported(
      `the ${name} provider is not supported: only web and prometheus metrics run here`,
    ).optional(),
  ]),
) as Record<(typeof OTHER_PROVIDERS)[number], z.ZodOptional<z.ZodUnknown>>;

export const metricProvider = strictObject({
  web: webMetric.optional(),
  prometheus: prometheusMetric.optional(),
  ...otherProviders,
}).superRefine((provider, ctx) => {
  const named = Object.entries(provider).filter(([, v]) => v !== undefined);
  if (named.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: 'no provider specified: set web or prometheus',
    });
  } else if (named.length > 1) {
    ctx.addIssue({
      code: 'custom',
      message: `multiple providers specified (${named
        .map(([k]) => k)
        .join(', ')}); a metric has exactly one`,
    });
  }
});

export type WebMetric = z.output<typeof webMetric>;
export type PrometheusMetric = z.output<typeof prometheusMetric>;
