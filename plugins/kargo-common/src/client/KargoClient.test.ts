import { KargoClient } from './KargoClient';

/** A client whose fetch records each request and answers `answer`. */
function clientAnswering(answer: unknown, status = 200) {
  const fetch = jest.fn(
    async (_url: string, _init?: RequestInit) =>
      new Response(JSON.stringify(answer), {
        status,
        headers: { 'Content-Type': 'application/json' },
      }),
  );
  const client = new KargoClient({
    discoveryApi: { getBaseUrl: async () => 'http://backstage/api/kargo' },
    fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
  });
  const sent = () => {
    const [url, init] = fetch.mock.calls[fetch.mock.calls.length - 1];
    return {
      url,
      method: init?.method,
      contentType: (init?.headers as Record<string, string>)?.['Content-Type'],
      body:
        init?.body === undefined ? undefined : JSON.parse(String(init.body)),
    };
  };
  return { client, sent };
}

const base = 'http://backstage/api/kargo/v1beta1/projects';

describe('KargoClient actions', () => {
  it.each([
    [
      'promote by name',
      (c: KargoClient) => c.promote('demo', 'dev', { freight: 'abc' }),
      `${base}/demo/stages/dev/promotions`,
      { freight: 'abc' },
    ],
    [
      'promote by alias',
      (c: KargoClient) =>
        c.promote('demo', 'dev', { freightAlias: 'calm-fox' }),
      `${base}/demo/stages/dev/promotions`,
      { freightAlias: 'calm-fox' },
    ],
    [
      'promote downstream',
      (c: KargoClient) =>
        c.promoteDownstream('demo', 'dev', { freight: 'abc' }),
      `${base}/demo/stages/dev/promotions/downstream`,
      { freight: 'abc' },
    ],
    [
      'approve',
      (c: KargoClient) => c.approveFreight('demo', 'abc', 'prod'),
      `${base}/demo/freight/abc/approve?stage=prod`,
      undefined,
    ],
    [
      'abort a Promotion',
      (c: KargoClient) => c.abortPromotion('demo', 'dev.01h.abc'),
      `${base}/demo/promotions/dev.01h.abc/abort`,
      undefined,
    ],
    [
      'retry a Promotion',
      (c: KargoClient) => c.retryPromotion('demo', 'dev.01h.abc'),
      `${base}/demo/promotions/dev.01h.abc/retry`,
      undefined,
    ],
    [
      'refresh a Warehouse',
      (c: KargoClient) => c.refreshWarehouse('demo', 'guestbook'),
      `${base}/demo/warehouses/guestbook/refresh`,
      undefined,
    ],
    [
      'refresh a Stage',
      (c: KargoClient) => c.refreshStage('demo', 'dev'),
      `${base}/demo/stages/dev/refresh`,
      undefined,
    ],
    [
      're-verify a Stage',
      (c: KargoClient) => c.reverifyStage('demo', 'dev'),
      `${base}/demo/stages/dev/verification`,
      undefined,
    ],
    [
      'abort verification',
      (c: KargoClient) => c.abortVerification('demo', 'dev'),
      `${base}/demo/stages/dev/verification/abort`,
      undefined,
    ],
  ])('%s: POSTs to its route', async (_name, call, url, body) => {
    const { client, sent } = clientAnswering({});
    await call(client);
    expect(sent()).toEqual({
      url,
      method: 'POST',
      contentType: body ? 'application/json' : undefined,
      body,
    });
  });

  it('encodes names in paths and the query', async () => {
    const { client, sent } = clientAnswering({});
    await client.approveFreight('my demo', 'a/b', 'prod & co');
    expect(sent().url).toBe(
      `${base}/my%20demo/freight/a%2Fb/approve?stage=prod+%26+co`,
    );
  });

  it("throws the server's error when it refuses", async () => {
    const { client } = clientAnswering(
      {
        error: {
          name: 'InputError',
          message: 'Freight is not available to this Stage',
        },
        request: { method: 'POST', url: '/x' },
        response: { statusCode: 400 },
      },
      400,
    );
    await expect(
      client.promote('demo', 'prod', { freight: 'abc' }),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      body: {
        error: { message: 'Freight is not available to this Stage' },
      },
    });
  });
});

describe('KargoClient gates', () => {
  it.each([
    [
      'approve a Promotion with a comment',
      (c: KargoClient) =>
        c.approvePromotion('demo', 'prod.01h', { comment: ' ship it ' }),
      'POST',
      `${base}/demo/promotions/prod.01h/approve`,
      { comment: 'ship it' },
    ],
    [
      'approve a Promotion without a comment',
      (c: KargoClient) => c.approvePromotion('demo', 'prod.01h'),
      'POST',
      `${base}/demo/promotions/prod.01h/approve`,
      undefined,
    ],
    [
      'reject a Promotion',
      (c: KargoClient) => c.rejectPromotion('demo', 'prod.01h', 'not today'),
      'POST',
      `${base}/demo/promotions/prod.01h/reject`,
      { reason: 'not today' },
    ],
    [
      'freeze the project',
      (c: KargoClient) => c.freeze('demo', { reason: 'incident' }),
      'PUT',
      `${base}/demo/freeze`,
      { reason: 'incident' },
    ],
    [
      'freeze a Stage',
      (c: KargoClient) => c.freeze('demo', { stage: 'prod', reason: 'x' }),
      'PUT',
      `${base}/demo/stages/prod/freeze`,
      { reason: 'x' },
    ],
    [
      'unfreeze the project',
      (c: KargoClient) => c.unfreeze('demo'),
      'DELETE',
      `${base}/demo/freeze`,
      undefined,
    ],
    [
      'unfreeze a Stage',
      (c: KargoClient) => c.unfreeze('demo', { stage: 'prod' }),
      'DELETE',
      `${base}/demo/stages/prod/freeze`,
      undefined,
    ],
    [
      'list freezes',
      (c: KargoClient) => c.listFreezes('demo'),
      'GET',
      `${base}/demo/freezes`,
      undefined,
    ],
    [
      'reject Freight for a Stage',
      (c: KargoClient) =>
        c.rejectFreight('demo', 'abc', { stage: 'prod', reason: 'CVE' }),
      'POST',
      `${base}/demo/freight/abc/reject?stage=prod`,
      { reason: 'CVE' },
    ],
    [
      'reject Freight project-wide',
      (c: KargoClient) => c.rejectFreight('demo', 'abc', { reason: 'CVE' }),
      'POST',
      `${base}/demo/freight/abc/reject`,
      { reason: 'CVE' },
    ],
    [
      'lift a rejection for a Stage',
      (c: KargoClient) => c.unrejectFreight('demo', 'abc', { stage: 'prod' }),
      'DELETE',
      `${base}/demo/freight/abc/reject?stage=prod`,
      undefined,
    ],
  ])('%s', async (_name, call, method, url, body) => {
    const { client, sent } = clientAnswering({});
    await call(client);
    expect(sent()).toEqual({
      url,
      method,
      contentType: body ? 'application/json' : undefined,
      body,
    });
  });
});

describe('KargoClient reads', () => {
  it("asks for a Stage's Freight and answers its groups and unavailable", async () => {
    const answer = {
      apiVersion: 'kargo.akuity.io/v1alpha1',
      kind: 'FreightList',
      metadata: {},
      items: [],
      groups: { 'Warehouse/guestbook': { items: ['abc'] } },
      unavailable: [
        {
          name: 'def',
          origin: 'guestbook',
          reason: 'not verified in "dev"',
        },
      ],
    };
    const { client, sent } = clientAnswering(answer);
    const list = await client.listFreight('demo', {
      stage: 'staging',
      origins: ['guestbook', 'infra'],
      limit: 50,
    });
    expect(sent()).toMatchObject({
      url: `${base}/demo/freight?stage=staging&limit=50&origins=guestbook%2Cinfra`,
      method: 'GET',
    });
    expect(list.groups['Warehouse/guestbook'].items).toEqual(['abc']);
    expect(list.unavailable[0].reason).toBe('not verified in "dev"');
  });

  it('reads the steps of a Promotion', async () => {
    const { client, sent } = clientAnswering({ items: [] });
    await client.getPromotionSteps('demo', 'dev.01h.abc');
    expect(sent()).toMatchObject({
      url: `${base}/demo/promotions/dev.01h.abc/steps`,
      method: 'GET',
    });
  });

  it("reads a Stage's audit trail", async () => {
    const entry = {
      at: '2026-11-26T10:00:00.000Z',
      actor: 'user:default/ana',
      action: 'promoted',
      promotion: 'prod.01h',
      freight: 'abc',
      outcome: 'Succeeded',
    };
    const { client, sent } = clientAnswering({ items: [entry] });
    const trail = await client.getStageAudit('my demo', 'prod');
    expect(sent()).toMatchObject({
      url: `${base}/my%20demo/stages/prod/audit`,
      method: 'GET',
    });
    expect(trail.items).toEqual([entry]);
  });

  it('reads the AnalysisRun of a verification', async () => {
    const { client, sent } = clientAnswering({ kind: 'AnalysisRun' });
    await client.getAnalysisRun('demo', 'dev.01h.abc1234');
    expect(sent()).toMatchObject({
      url: `${base}/demo/analysis-runs/dev.01h.abc1234`,
      method: 'GET',
    });
  });
});
