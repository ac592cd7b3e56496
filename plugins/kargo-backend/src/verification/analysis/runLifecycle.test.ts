import {
  LocalServer,
  sendJson,
  startLocalServer,
} from '../../promotions/steps/http/__testUtils__/localServer';
import type { SecretsProvider } from '../../secrets';
import {
  advanceAt,
  newRun,
  realProviders,
  T0,
  templateSpec,
  webMetric,
} from './__testUtils__/runHarness';
import { abortAnalysisRun, advanceAnalysisRun } from './index';
import type { MetricProvider } from './types';

const secrets: SecretsProvider = {
  get: async (project, name) =>
    project === 'demo' && name === 'probe' ? { token: 's3cr3t' } : undefined,
};

describe('an AnalysisRun from creation to its end', () => {
  let server: LocalServer;

  beforeEach(async () => {
    server = await startLocalServer((req, res) =>
      sendJson(res, 200, { path: req.url, ok: true }),
    );
  });

  afterEach(() => server.close());

  it("substitutes {{args.…}} from the Stage, the templates' defaults and secrets", async () => {
    const run = newRun(
      [
        templateSpec(
          [
            webMetric(
              '{{args.base}}/{{ args.path }}',
              { successCondition: 'result.ok' },
              {
                headers: [
                  { key: 'Authorization', value: 'Bearer {{args.token}}' },
                ],
              },
            ),
          ],
          [
            { name: 'base' },
            { name: 'path', value: 'default' },
            {
              name: 'token',
              valueFrom: { secretKeyRef: { name: 'probe', key: 'token' } },
            },
          ],
        ),
      ],
      [
        { name: 'base', value: server.url },
        { name: 'path', value: 'ready' },
        { name: 'undeclared', value: 'ignored' },
      ],
    );
    expect(run.spec.args).toEqual([
      { name: 'base', value: server.url },
      { name: 'path', value: 'ready' },
      {
        name: 'token',
        valueFrom: { secretKeyRef: { name: 'probe', key: 'token' } },
      },
    ]);
    const [step] = await advanceAt(run, [T0], {
      providers: realProviders(),
      secrets,
    });
    expect(step.run.status.phase).toBe('Successful');
    expect(server.requests[0].url).toBe('/ready');
    expect(server.requests[0].headers.authorization).toBe('Bearer s3cr3t');
    // The secret is read at each measurement, never stored in the run.
    expect(JSON.stringify(step.run)).not.toContain('s3cr3t');
  });

  it('masks secret values in measurement messages', async () => {
    const leaky: MetricProvider = {
      name: 'web',
      measure: async metric => {
        throw new Error(`cannot reach ${metric.provider.web!.url}`);
      },
    };
    const run = newRun([
      templateSpec(
        [webMetric('http://x/{{args.token}}', { consecutiveErrorLimit: 0 })],
        [
          {
            name: 'token',
            valueFrom: { secretKeyRef: { name: 'probe', key: 'token' } },
          },
        ],
      ),
    ]);
    const [step] = await advanceAt(run, [T0], {
      providers: [leaky],
      secrets,
    });
    expect(step.run.status.metricResults[0].measurements[0].message).toBe(
      'cannot reach http://x/*****',
    );
  });

  it('ends in Error, saying why, when an argument has no value', async () => {
    const missing = newRun([
      templateSpec([webMetric('{{args.url}}')], [{ name: 'url' }]),
    ]);
    expect(missing.status).toMatchObject({
      phase: 'Error',
      message: 'unresolved argument "url": neither value nor valueFrom is set',
    });
    expect(
      await advanceAnalysisRun(missing, {
        now: T0,
        providers: realProviders(),
      }),
    ).toEqual({ run: missing });

    const undeclared = newRun([templateSpec([webMetric('{{args.nope}}')])]);
    const [step] = await advanceAt(undeclared, [T0]);
    expect(step.run.status).toMatchObject({
      phase: 'Error',
      message:
        'Unable to resolve metric arguments: failed to resolve {{args.nope}}',
    });

    const noSecret = newRun([
      templateSpec(
        [webMetric(server.url)],
        [
          {
            name: 't',
            valueFrom: { secretKeyRef: { name: 'gone', key: 'k' } },
          },
        ],
      ),
    ]);
    const [secretStep] = await advanceAt(noSecret, [T0], {
      providers: realProviders(),
      secrets,
    });
    expect(secretStep.run.status.message).toBe(
      'Unable to resolve metric arguments: secrets "gone" not found',
    );
    expect(server.requests).toHaveLength(0);
  });

  it('refuses two templates with a metric of the same name', () => {
    const run = newRun([
      templateSpec([webMetric(server.url)]),
      templateSpec([webMetric(server.url)]),
    ]);
    expect(run.status).toMatchObject({
      phase: 'Error',
      message: 'duplicate metric name: "health"',
    });
  });

  it('waits for initialDelay before the first measurement', async () => {
    const run = newRun([
      templateSpec([webMetric(server.url, { initialDelay: '2m' })]),
    ]);
    const steps = await advanceAt(run, [T0, T0 + 60_000, T0 + 120_000]);
    expect(steps.map(s => s.nextAt)).toEqual([
      T0 + 120_000,
      T0 + 120_000,
      undefined,
    ]);
    expect(steps[1].run.status.phase).toBe('Running');
    expect(steps[2].run.status.phase).toBe('Successful');
    expect(server.requests).toHaveLength(1);
  });

  it('ends at once when one metric fails, winding down one that runs for ever', async () => {
    const run = newRun([
      templateSpec([
        webMetric(server.url, { name: 'forever', interval: '1m' }),
        webMetric(server.url, {
          name: 'strict',
          successCondition: 'result.ok == false',
        }),
      ]),
    ]);
    const [step] = await advanceAt(run, [T0]);
    expect(step.nextAt).toBeUndefined();
    expect(step.run.status.phase).toBe('Failed');
    expect(step.run.status.metricResults.map(r => r.phase)).toEqual([
      'Successful',
      'Failed',
    ]);
  });

  it('aborts: no more measurements, phase Aborted, and stays so', async () => {
    const run = newRun([
      templateSpec([webMetric(server.url, { interval: '1m' })]),
    ]);
    const [step] = await advanceAt(run, [T0]);
    expect(step).toMatchObject({
      nextAt: T0 + 60_000,
      run: { status: { phase: 'Running' } },
    });
    const aborted = abortAnalysisRun(step.run, T0 + 5_000);
    expect(aborted.spec.terminate).toBe(true);
    expect(aborted.status).toMatchObject({
      phase: 'Aborted',
      message: 'Run Terminated',
      completedAt: new Date(T0 + 5_000).toISOString(),
    });
    expect(step.run.status.phase).toBe('Running'); // not changed in place
    const later = await advanceAnalysisRun(aborted, {
      now: T0 + 120_000,
      providers: realProviders(),
    });
    expect(later).toEqual({ run: aborted });
    expect(server.requests).toHaveLength(1);
    expect(abortAnalysisRun(later.run, T0 + 200_000)).toBe(later.run);
  });

  it('keeps the newest 10 measurements of an endless metric', async () => {
    const run = newRun([
      templateSpec([webMetric(server.url, { interval: '10s' })]),
    ]);
    const times = Array.from({ length: 12 }, (_, i) => T0 + i * 10_000);
    const steps = await advanceAt(run, times);
    const [result] = steps[11].run.status.metricResults;
    expect(result.count).toBe(12);
    expect(result.measurements).toHaveLength(10);
    expect(result.measurements[0].startedAt).toBe(
      new Date(T0 + 20_000).toISOString(),
    );
  });

  it('rejects, changing nothing, when its signal aborts mid-measurement', async () => {
    let started!: () => void;
    const measuring = new Promise<void>(resolve => {
      started = resolve;
    });
    const hanging: MetricProvider = {
      name: 'web',
      measure: (_metric, { signal }) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason));
          started();
        }),
    };
    const controller = new AbortController();
    const run = newRun([templateSpec([webMetric(server.url)])]);
    const pending = advanceAnalysisRun(run, {
      now: T0,
      providers: [hanging],
      signal: controller.signal,
    });
    await measuring;
    controller.abort(new Error('shutting down'));
    await expect(pending).rejects.toThrow('shutting down');
    expect(run.status.phase).toBe('Pending');
  });
});
