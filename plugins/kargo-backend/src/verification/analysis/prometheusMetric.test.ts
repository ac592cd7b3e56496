import {
  LocalServer,
  sendJson,
  startLocalServer,
} from '../../promotions/steps/http/__testUtils__/localServer';
import {
  advanceAt,
  newRun,
  T0,
  templateSpec,
} from './__testUtils__/runHarness';

/** What the fake Prometheus answers a query with. */
type Answer = { status?: number; body: unknown };

const vector = (...values: string[]) => ({
  status: 'success',
  data: {
    resultType: 'vector',
    result: values.map((v, i) => ({
      metric: { pod: `p${i}` },
      value: [1893456000, v],
    })),
  },
});

describe('prometheus metrics against a fake Prometheus', () => {
  let prometheus: LocalServer;
  let answer: Answer;
  let refusePost = false;

  beforeEach(async () => {
    refusePost = false;
    answer = { body: vector('0.97') };
    prometheus = await startLocalServer((req, res) => {
      if (!req.url?.startsWith('/prom/api/v1/query')) {
        sendJson(res, 404, {});
      } else if (refusePost && req.method === 'POST') {
        res.writeHead(405).end();
      } else {
        sendJson(res, answer.status ?? 200, answer.body);
      }
    });
  });

  afterEach(() => prometheus.close());

  /** The query the fake received (form body, or query string). */
  const queryOf = (i: number) => {
    const r = prometheus.requests[i];
    const params = new URLSearchParams(
      r.method === 'POST' ? r.body : r.url.split('?')[1],
    );
    return params.get('query');
  };

  const metric = (extra: Record<string, unknown>, query = 'up') => ({
    name: 'errors',
    consecutiveErrorLimit: 0,
    provider: {
      prometheus: { address: `${prometheus.url}/prom/`, query },
    },
    ...extra,
  });

  it('judges a vector as the array of its sample values', async () => {
    answer = { body: vector('0.97', '0.99') };
    const [step] = await advanceAt(
      newRun(
        [
          templateSpec(
            [
              metric(
                {
                  successCondition:
                    'all(result, # >= 0.95) && len(result) == 2',
                },
                'sum(rate(http_ok{app="{{args.app}}"}[5m]))',
              ),
            ],
            [{ name: 'app' }],
          ),
        ],
        [{ name: 'app', value: 'guestbook' }],
      ),
      [T0],
    );
    expect(step.run.status.phase).toBe('Successful');
    const [result] = step.run.status.metricResults;
    expect(result.measurements[0].value).toBe('[0.97,0.99]');
    expect(result.metadata).toEqual({
      ResolvedPrometheusQuery: 'sum(rate(http_ok{app="guestbook"}[5m]))',
    });
    expect(prometheus.requests[0]).toMatchObject({
      method: 'POST',
      url: '/prom/api/v1/query',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(queryOf(0)).toBe('sum(rate(http_ok{app="guestbook"}[5m]))');
  });

  it('judges a scalar as a number, and falls back to GET when POST is refused', async () => {
    refusePost = true;
    answer = {
      body: {
        status: 'success',
        data: { resultType: 'scalar', result: [1893456000, '1e-7'] },
      },
    };
    const withAuth = metric({ failureCondition: 'result > 0.001' });
    Object.assign(withAuth.provider.prometheus, {
      headers: [{ key: 'X-Scope-OrgID', value: 'tenant-a' }],
      authentication: { basicAuth: { username: 'u', password: 'p' } },
    });
    const [step] = await advanceAt(newRun([templateSpec([withAuth])]), [T0]);
    expect(step.run.status.phase).toBe('Successful');
    expect(step.run.status.metricResults[0].measurements[0].value).toBe(
      '0.0000001',
    );
    expect(prometheus.requests.map(r => r.method)).toEqual(['POST', 'GET']);
    expect(prometheus.requests[1].headers).toMatchObject({
      'x-scope-orgid': 'tenant-a',
      authorization: `Basic ${Buffer.from('u:p').toString('base64')}`,
    });
    expect(queryOf(1)).toBe('up');
  });

  it('reads NaN samples, which isNaN can fail on', async () => {
    answer = { body: vector('NaN') };
    const [step] = await advanceAt(
      newRun([
        templateSpec([
          metric({
            successCondition: 'result[0] < 0.1',
            failureCondition: 'isNaN(result[0]) || result[0] >= 0.1',
          }),
        ]),
      ]),
      [T0],
    );
    expect(step.run.status.phase).toBe('Failed');
    expect(step.run.status.metricResults[0].measurements[0].value).toBe(
      '[NaN]',
    );
  });

  it('says when a query returned no data at all', async () => {
    answer = { body: vector() };
    const [step] = await advanceAt(
      newRun([templateSpec([metric({ successCondition: 'result[0] > 1' })])]),
      [T0],
    );
    expect(step.run.status.metricResults[0].measurements[0]).toMatchObject({
      phase: 'Error',
      message:
        'could not evaluate successCondition "result[0] > 1": metric result is nil or empty: no data returned from the metric provider',
    });
  });

  it("reports Prometheus' own error answers", async () => {
    answer = {
      status: 400,
      body: {
        status: 'error',
        errorType: 'bad_data',
        error: 'parse error at char 4',
      },
    };
    const [step] = await advanceAt(
      newRun([templateSpec([metric({}, 'sum(')])]),
      [T0],
    );
    expect(step.run.status).toMatchObject({
      phase: 'Error',
      message:
        'Metric "errors" assessed Error due to consecutiveErrors (1) > consecutiveErrorLimit (0): "Error Message: bad_data: parse error at char 4"',
    });
  });

  it('refuses result types Rollouts does not judge', async () => {
    answer = {
      body: {
        status: 'success',
        data: { resultType: 'string', result: [0, 'x'] },
      },
    };
    const [step] = await advanceAt(newRun([templateSpec([metric({})])]), [T0]);
    expect(step.run.status.metricResults[0].measurements[0].message).toBe(
      'Prometheus metric type not supported',
    );
  });
});
