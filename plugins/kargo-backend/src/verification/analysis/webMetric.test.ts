import {
  LocalServer,
  sendJson,
  startLocalServer,
} from '../../promotions/steps/http/__testUtils__/localServer';
import { EgressPolicy } from '../../promotions/steps/http/egressPolicy';
import {
  advanceAt,
  advanceUntilDone,
  newRun,
  realProviders,
  T0,
  templateSpec,
  webMetric,
} from './__testUtils__/runHarness';

const MINUTE = 60_000;

describe('web metrics against a local endpoint', () => {
  let server: LocalServer;
  /** What the endpoint answers next, one entry per request (the last repeats). */
  let answers: Array<{ status: number; body: unknown }>;

  beforeEach(async () => {
    answers = [{ status: 200, body: { data: { ok: true } } }];
    server = await startLocalServer((req, res) => {
      const index = Math.min(server.requests.length, answers.length) - 1;
      const { status, body } = answers[index];
      if (req.url === '/hang') return; // never answers
      if (req.url === '/text') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('OK');
        return;
      }
      if (typeof body === 'string') {
        res.writeHead(status, { 'Content-Type': 'text/plain' });
        res.end(body);
      } else sendJson(res, status, body);
    });
  });

  afterEach(() => server.close());

  const okIs = (ok: unknown) => ({ status: 200, body: { data: { ok } } });

  it('succeeds when successCondition holds on the jsonPath value', async () => {
    const run = newRun([
      templateSpec([
        webMetric(
          `${server.url}/health`,
          { successCondition: 'result == true' },
          { jsonPath: '{$.data.ok}' },
        ),
      ]),
    ]);
    expect(run.status.phase).toBe('Pending');
    const [step] = await advanceAt(run, [T0]);
    expect(step.nextAt).toBeUndefined();
    expect(step.run.status).toMatchObject({
      phase: 'Successful',
      startedAt: new Date(T0).toISOString(),
      completedAt: new Date(T0).toISOString(),
      metricResults: [
        {
          name: 'health',
          phase: 'Successful',
          count: 1,
          successful: 1,
          measurements: [{ phase: 'Successful', value: 'true' }],
        },
      ],
    });
    expect(run.status.phase).toBe('Pending'); // the input is not changed
  });

  it('fails when successCondition does not hold, naming the broken limit', async () => {
    answers = [okIs(false)];
    const [step] = await advanceAt(
      newRun([
        templateSpec([
          webMetric(
            server.url,
            { successCondition: 'result.ok' },
            { jsonPath: '{.data}' },
          ),
        ]),
      ]),
      [T0],
    );
    expect(step.run.status.phase).toBe('Failed');
    expect(step.run.status.message).toBe(
      'Metric "health" assessed Failed due to failed (1) > failureLimit (0)',
    );
    expect(step.run.status.metricResults[0].measurements[0].value).toBe(
      '{"ok":false}',
    );
  });

  it('is Inconclusive when neither condition holds', async () => {
    answers = [{ status: 200, body: { latency: 5 } }];
    const [step] = await advanceAt(
      newRun([
        templateSpec([
          webMetric(
            server.url,
            {
              successCondition: 'result.latency < 1',
              failureCondition: 'result.latency > 10',
            },
            {},
          ),
        ]),
      ]),
      [T0],
    );
    expect(step.run.status).toMatchObject({
      phase: 'Inconclusive',
      message:
        'Metric "health" assessed Inconclusive due to inconclusive (1) > inconclusiveLimit (0)',
      runSummary: { count: 1, inconclusive: 1 },
    });
  });

  it('retries errors every 10s until consecutiveErrorLimit is passed', async () => {
    answers = [{ status: 503, body: 'down' }];
    const run = newRun([
      templateSpec([webMetric(server.url, { consecutiveErrorLimit: 2 })]),
    ]);
    const { run: done, times } = await advanceUntilDone(run);
    expect(times).toEqual([T0, T0 + 10_000, T0 + 20_000]);
    expect(server.requests).toHaveLength(3);
    expect(done.status.phase).toBe('Error');
    expect(done.status.message).toBe(
      'Metric "health" assessed Error due to consecutiveErrors (3) > consecutiveErrorLimit (2): "Error Message: received non 2xx response code: 503"',
    );
    expect(done.status.metricResults[0]).toMatchObject({
      error: 3,
      consecutiveError: 3,
      count: 0,
    });
  });

  it('allows four consecutive errors by default, and a success resets the streak', async () => {
    answers = [...Array(4).fill({ status: 500, body: 'x' }), okIs(true)];
    const { run: done } = await advanceUntilDone(
      newRun([templateSpec([webMetric(server.url)])]),
    );
    expect(done.status.phase).toBe('Successful');
    expect(done.status.metricResults[0]).toMatchObject({
      error: 4,
      consecutiveError: 0,
      count: 1,
    });

    server.requests.length = 0;
    answers = [{ status: 500, body: 'x' }];
    const { run: failed } = await advanceUntilDone(
      newRun([templateSpec([webMetric(server.url)])]),
    );
    expect(server.requests).toHaveLength(5);
    expect(failed.status.phase).toBe('Error');
  });

  it('measures count times, interval apart, only when due', async () => {
    const run = newRun([
      templateSpec([
        webMetric(server.url, {
          count: 3,
          interval: '1m',
          successCondition: 'result.data.ok',
        }),
      ]),
    ]);
    const steps = await advanceAt(run, [
      T0,
      T0 + 30_000, // not due yet: nothing is measured
      T0 + MINUTE,
      T0 + 2 * MINUTE,
    ]);
    expect(steps.map(s => s.nextAt)).toEqual([
      T0 + MINUTE,
      T0 + MINUTE,
      T0 + 2 * MINUTE,
      undefined,
    ]);
    expect(steps.map(s => s.run.status.phase)).toEqual([
      'Running',
      'Running',
      'Running',
      'Successful',
    ]);
    expect(server.requests).toHaveLength(3);
    expect(
      steps[3].run.status.metricResults[0].measurements.map(m => m.startedAt),
    ).toEqual(
      [T0, T0 + MINUTE, T0 + 2 * MINUTE].map(t => new Date(t).toISOString()),
    );
  });

  it('tolerates failures up to failureLimit, then fails without measuring further', async () => {
    answers = [okIs(false), okIs(true), okIs(false)];
    const { run: done, times } = await advanceUntilDone(
      newRun([
        templateSpec([
          webMetric(server.url, {
            count: 5,
            interval: '30s',
            failureLimit: 1,
            successCondition: 'result.data.ok == true',
          }),
        ]),
      ]),
    );
    expect(times).toHaveLength(3);
    expect(done.status.phase).toBe('Failed');
    expect(done.status.metricResults[0]).toMatchObject({
      count: 3,
      failed: 2,
      successful: 1,
    });
  });

  it('evaluates a filtering jsonPath, and a text body as a string', async () => {
    answers = [
      {
        status: 200,
        body: {
          items: [
            { name: 'a', v: 1 },
            { name: 'b', v: 7 },
          ],
        },
      },
    ];
    const [step] = await advanceAt(
      newRun([
        templateSpec([
          webMetric(
            server.url,
            { successCondition: 'result == 7' },
            { jsonPath: '{.items[?(@.name=="b")].v}' },
          ),
          webMetric(
            `${server.url}/text`,
            { name: 'text', successCondition: 'result == "OK"' },
            { jsonPath: '{.ignored}' },
          ),
        ]),
      ]),
      [T0],
    );
    expect(step.run.status.phase).toBe('Successful');
    expect(
      step.run.status.metricResults.map(r => r.measurements[0].value),
    ).toEqual(['7', 'OK']);
  });

  it('reports a jsonPath that finds nothing as an error measurement', async () => {
    const [step] = await advanceAt(
      newRun([
        templateSpec([
          webMetric(
            server.url,
            { consecutiveErrorLimit: 0 },
            {
              jsonPath: '{.data.missing}',
            },
          ),
        ]),
      ]),
      [T0],
    );
    expect(step.run.status.metricResults[0].measurements[0]).toMatchObject({
      phase: 'Error',
      message: 'Could not find JSONPath in body: missing is not found',
    });
    expect(step.run.status.phase).toBe('Error');
  });

  it('gives up after timeoutSeconds', async () => {
    const started = Date.now();
    const [step] = await advanceAt(
      newRun([
        templateSpec([
          webMetric(
            `${server.url}/hang`,
            { consecutiveErrorLimit: 0 },
            {
              timeoutSeconds: 1,
            },
          ),
        ]),
      ]),
      [T0],
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(step.run.status.metricResults[0].measurements[0].message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/hang timed out after 1s$/,
    );
  });

  it('sends method, headers and JSON body as configured', async () => {
    await advanceAt(
      newRun([
        templateSpec([
          webMetric(
            server.url,
            {},
            {
              method: 'POST',
              headers: [{ key: 'X-Check', value: 'yes' }],
              jsonBody: { probe: 1 },
            },
          ),
        ]),
      ]),
      [T0],
    );
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      body: '{"probe":1}',
      headers: { 'x-check': 'yes', 'content-type': 'application/json' },
    });
  });

  it('obeys the egress policy: a denied address is never contacted', async () => {
    const egress = new EgressPolicy({ deny: ['127.0.0.0/8'] });
    const [step] = await advanceAt(
      newRun([templateSpec([webMetric(server.url)])]),
      [T0],
      { providers: realProviders(egress) },
    );
    expect(server.requests).toHaveLength(0);
    expect(step.run.status.metricResults[0].measurements[0]).toMatchObject({
      phase: 'Error',
      message:
        'requests to 127.0.0.1 are denied by the egress policy: address 127.0.0.1 is denied',
    });
  });
});
