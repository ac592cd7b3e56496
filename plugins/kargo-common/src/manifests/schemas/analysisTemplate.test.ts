import { validateManifest } from '../validateManifest';
import { parseRolloutsDuration } from './analysisRules';

const ROLLOUTS = 'argoproj.io/v1alpha1';

const template = (
  metrics: unknown[],
  extra: Record<string, unknown> = {},
  kind = 'AnalysisTemplate',
) => ({
  apiVersion: ROLLOUTS,
  kind,
  metadata: { name: 'checks', namespace: 'demo' },
  spec: { metrics, ...extra },
});

const web = (extra: Record<string, unknown> = {}) => ({
  name: 'health',
  provider: { web: { url: 'http://app.example.com/health' } },
  ...extra,
});

const issuesOf = (doc: unknown) => {
  const result = validateManifest(doc);
  if (result.ok) throw new Error('expected the manifest to be rejected');
  return result.issues;
};

describe('AnalysisTemplate manifests', () => {
  it('accepts web and prometheus metrics with Rollouts field types', () => {
    const result = validateManifest(
      template(
        [
          web({
            count: '{{args.count}}',
            interval: '30s',
            failureLimit: 1,
            successCondition: 'result.ok == true',
          }),
          {
            name: 'errors',
            initialDelay: '1m',
            count: '3',
            interval: '1m30s',
            provider: {
              prometheus: {
                address: 'http://prometheus:9090',
                query: 'sum(rate(errors{app="{{args.app}}"}[5m]))',
                timeout: 10,
                authentication: { basicAuth: { username: 'u', password: 'p' } },
              },
            },
          },
        ],
        {
          args: [
            { name: 'app' },
            { name: 'count', value: '2' },
            {
              name: 'token',
              valueFrom: { secretKeyRef: { name: 's', key: 'k' } },
            },
          ],
          measurementRetention: [{ metricName: 'err.*', limit: 3 }],
        },
      ),
    );
    expect(result.ok).toBe(true);
  });

  it('keeps a ClusterAnalysisTemplate cluster-wide, dropping a namespace', () => {
    const result = validateManifest(
      template([web()], {}, 'ClusterAnalysisTemplate'),
    );
    expect(result.ok && result.resource.metadata).toEqual({ name: 'checks' });
  });

  it('requires the Rollouts apiVersion for Rollouts kinds and lists kinds per group', () => {
    expect(
      issuesOf({
        ...template([web()]),
        apiVersion: 'kargo.akuity.io/v1alpha1',
      }),
    ).toEqual([{ path: 'apiVersion', message: `must be ${ROLLOUTS}` }]);
    expect(issuesOf({ apiVersion: ROLLOUTS, kind: 'Rollout' })).toEqual([
      {
        path: 'kind',
        message:
          'unknown kind "Rollout"; expected one of AnalysisTemplate, ClusterAnalysisTemplate',
      },
    ]);
  });

  it('says plainly that only web and prometheus run here', () => {
    expect(
      issuesOf(template([{ name: 'job', provider: { job: { spec: {} } } }])),
    ).toEqual([
      {
        path: 'spec.metrics[0].provider.job',
        message:
          'the job provider is not supported: only web and prometheus metrics run here',
      },
    ]);
    expect(issuesOf(template([{ name: 'none', provider: {} }]))).toEqual([
      {
        path: 'spec.metrics[0].provider',
        message: 'no provider specified: set web or prometheus',
      },
    ]);
  });

  it("applies Rollouts' metric rules with the metric's path", () => {
    expect(
      issuesOf(
        template([
          web({ count: 3 }),
          web({ name: 'b', count: 2, interval: '1m', failureLimit: 3 }),
          web({ name: 'c', failureLimit: -2, interval: 'soon' }),
          web({ name: 'd', count: 'many' }),
        ]),
      ),
    ).toEqual([
      {
        path: 'spec.metrics[0].interval',
        message: 'interval must be specified when count > 1',
      },
      {
        path: 'spec.metrics[1].count',
        message:
          'count (2) must be >= failureLimit + consecutiveSuccessLimit (3 + 0) if both >= 0',
      },
      {
        path: 'spec.metrics[2].interval',
        message: 'must be a duration such as 30s, 5m or 1h30m',
      },
      {
        path: 'spec.metrics[2].failureLimit',
        message: 'failureLimit must be >= 0, or -1 to be disabled',
      },
      {
        path: 'spec.metrics[3].count',
        message: 'must be an integer, or a string holding one or {{args.name}}',
      },
    ]);
  });

  it('refuses what the engine would not honour, naming the field', () => {
    const issues = issuesOf(
      template(
        [
          web({ provider: { web: { url: 'x', method: 'POST', body: 'b' } } }),
          web({
            name: 'p',
            provider: {
              prometheus: { address: 'http://p', query: 'up', rangeQuery: {} },
            },
          }),
          web({ name: 'health' }),
        ],
        {
          dryRun: [{ metricName: '.*' }],
          args: [{ name: 'a', valueFrom: { fieldRef: { fieldPath: 'x' } } }],
        },
      ),
    );
    expect(issues.map(i => i.path)).toEqual([
      'spec.metrics[0].provider.web.url',
      'spec.metrics[1].provider.prometheus.rangeQuery',
      'spec.metrics[2].name',
      'spec.args[0].valueFrom.fieldRef',
      'spec.dryRun',
    ]);
    expect(issues[2].message).toBe(
      'duplicate metric name "health" (also spec.metrics[0])',
    );
  });

  it('refuses a body on a GET, as the web provider would', () => {
    expect(
      issuesOf(
        template([
          web({
            provider: { web: { url: 'http://a', jsonBody: { q: 1 } } },
          }),
        ]),
      ),
    ).toEqual([
      {
        path: 'spec.metrics[0].provider.web.method',
        message: 'must be POST or PUT when body or jsonBody is set',
      },
    ]);
  });

  it.each([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['0', 0],
    ['5', undefined],
    ['', undefined],
    ['1x', undefined],
  ])('reads the Go duration %j', (text, ms) => {
    expect(parseRolloutsDuration(text)).toBe(ms);
  });
});
