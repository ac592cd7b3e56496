import { mockServices } from '@backstage/backend-test-utils';
import {
  computeFreightName,
  parseManifests,
} from '@kargo-backstage/plugin-kargo-common';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import {
  DatabaseDiscoveryQueue,
  DatabaseKargoStore,
  KargoStore,
} from '../database';
import { ManifestApplier } from '../manifests';
import { DiscoveredImages, DiscoveryError } from './discovery/types';
import {
  SubscriptionDiscoverers,
  WarehouseDiscoverer,
} from './WarehouseDiscoverer';
import { WarehouseReconciler } from './WarehouseReconciler';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const warehouseYaml = (name: string, extra = '') => `
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: ${name}, namespace: demo }
spec:
  interval: 10m${extra}
  subscriptions:
    - image: { repoURL: registry.example.com/${name} }
`;

const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

describe.each(databases.eachSupportedId())('WarehouseReconciler on %s', id => {
  let knex: Knex;
  let store: KargoStore;
  let applier: ManifestApplier;
  let now: number;
  let found: Record<string, DiscoveredImages['references'] | Error>;
  let calls: string[];

  const discoverers: SubscriptionDiscoverers = {
    image: async sub => {
      calls.push(sub.repoURL);
      const answer = found[sub.repoURL];
      if (answer instanceof Error) throw answer;
      return { repoURL: sub.repoURL, references: answer ?? [] };
    },
    git: async () => {
      throw new Error('not used');
    },
    chart: async () => {
      throw new Error('not used');
    },
  };

  const reconciler = (
    owner = 'a',
    overrides: Partial<SubscriptionDiscoverers> = {},
  ) =>
    new WarehouseReconciler({
      store,
      queue: new DatabaseDiscoveryQueue(knex, () => now),
      applier,
      discoverer: new WarehouseDiscoverer(
        { ...discoverers, ...overrides },
        () => undefined,
      ),
      credentials: { lookup: async () => undefined },
      criteria: () => true,
      logger: mockServices.logger.mock(),
      owner,
      minIntervalMs: 60_000,
      concurrency: 4,
      timeoutMs: 5_000,
      clock: () => now,
    });

  const run = async (r: WarehouseReconciler) => {
    await r.tick();
    await r.idle();
  };

  const warehouseStatus = async (name: string) =>
    (await store.getResource({ kind: 'Warehouse', project: 'demo', name }))!
      .status as any;

  beforeEach(async () => {
    knex = await databases.init(id);
    store = await DatabaseKargoStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    applier = new ManifestApplier(store);
    now = Date.parse('2026-11-26T12:00:00Z');
    found = {};
    calls = [];
    await applier.apply(
      parseManifests(
        `apiVersion: kargo.akuity.io/v1alpha1\nkind: Project\nmetadata: { name: demo }\n---\n${warehouseYaml(
          'app',
        )}`,
      ),
      'create',
    );
  });

  it('creates Freight named as Kargo names it from the newest revision, once', async () => {
    found['registry.example.com/app'] = [
      { tag: '1.2.0', digest: digest(2) },
      { tag: '1.1.0', digest: digest(1) },
    ];
    const r = reconciler();
    await run(r);

    const expected = computeFreightName({
      origin: { kind: 'Warehouse', name: 'app' },
      images: [
        {
          repoURL: 'registry.example.com/app',
          tag: '1.2.0',
          digest: digest(2),
        },
      ],
    });
    const freight = await store.getResource({
      kind: 'Freight',
      project: 'demo',
      name: expected,
    });
    expect(freight?.spec).toMatchObject({
      origin: { kind: 'Warehouse', name: 'app' },
      images: [
        {
          repoURL: 'registry.example.com/app',
          tag: '1.2.0',
          digest: digest(2),
        },
      ],
      discoveredAt: '2026-11-26T12:00:00.000Z',
    });
    expect(freight?.alias).toMatch(/^[a-z]+-[a-z]+$/);
    const status = await warehouseStatus('app');
    expect(status.lastFreightID).toBe(expected);
    expect(status.discoveredArtifacts.images[0].references).toHaveLength(2);
    expect(status.conditions[0]).toMatchObject({
      type: 'Ready',
      status: 'True',
      reason: 'NewFreight',
    });

    // Not due again before the interval (10m).
    now += 9 * 60_000;
    await run(r);
    expect(calls).toHaveLength(1);
    now += 60_000;
    await run(r);
    expect(calls).toHaveLength(2);
    expect((await warehouseStatus('app')).conditions[0].reason).toBe(
      'AlreadyExists',
    );
    expect(await store.countResources('Freight', 'demo')).toBe(1);
  });

  it('keeps the last good artifacts, says why, and retries sooner when discovery fails', async () => {
    found['registry.example.com/app'] = [{ tag: '1.0.0', digest: digest(1) }];
    const r = reconciler();
    await run(r);
    found['registry.example.com/app'] = new DiscoveryError(
      'Unauthorized',
      'registry.example.com answered 401 for app: check its credentials in kargo.credentials',
    );
    now += 10 * 60_000;
    await run(r);
    const status = await warehouseStatus('app');
    expect(status.conditions[0]).toMatchObject({
      type: 'Ready',
      status: 'False',
      reason: 'DiscoveryFailed',
      message:
        'spec.subscriptions[0] (image registry.example.com/app): registry.example.com answered 401 for app: check its credentials in kargo.credentials',
    });
    expect(status.discoveredArtifacts.images[0].references[0].tag).toBe(
      '1.0.0',
    );
    now += 15_000; // the first retry comes after 15 s, not 10 minutes
    await run(r);
    expect(calls).toHaveLength(3);
  });

  it('creates no Freight under freightCreationPolicy Manual or unmet criteria', async () => {
    await applier.apply(
      parseManifests(
        `${warehouseYaml(
          'manual',
          '\n  freightCreationPolicy: Manual',
        )}---${warehouseYaml(
          'picky',
          '\n  freightCreationCriteria: { expression: "false" }',
        )}`,
      ),
      'create',
    );
    found['registry.example.com/manual'] = [
      { tag: '1.0.0', digest: digest(3) },
    ];
    found['registry.example.com/picky'] = [{ tag: '1.0.0', digest: digest(4) }];
    const r = new WarehouseReconciler({
      ...(reconciler() as any).options,
      criteria: (expression: string) => expression !== 'false',
    });
    await run(r);
    expect((await warehouseStatus('manual')).conditions[0].reason).toBe(
      'ArtifactsDiscovered',
    );
    expect((await warehouseStatus('picky')).conditions).toEqual([
      expect.objectContaining({
        type: 'Ready',
        reason: 'CriteriaNotSatisfied',
      }),
      expect.objectContaining({
        type: 'FreightCreationCriteriaSatisfied',
        status: 'False',
      }),
    ]);
    const freight = await store.listResources({
      kind: 'Freight',
      project: 'demo',
      order: 'newest',
    });
    expect(freight.items.map(f => f.origin)).toEqual([]);
  });

  it('never discovers one Warehouse on two instances at once', async () => {
    for (let i = 0; i < 6; i++) {
      await applier.apply(parseManifests(warehouseYaml(`w${i}`)), 'create');
    }
    const active = new Map<string, number>();
    let overlaps = 0;
    const slow: Partial<SubscriptionDiscoverers> = {
      image: async sub => {
        active.set(sub.repoURL, (active.get(sub.repoURL) ?? 0) + 1);
        if (active.get(sub.repoURL)! > 1) overlaps++;
        await new Promise(resolve => setTimeout(resolve, 30));
        active.set(sub.repoURL, active.get(sub.repoURL)! - 1);
        calls.push(sub.repoURL);
        return { repoURL: sub.repoURL, references: [] };
      },
    };
    const a = reconciler('a', slow);
    const b = reconciler('b', slow);
    // Both instances tick repeatedly while the work is in flight.
    for (let round = 0; round < 10; round++) {
      await Promise.all([a.tick(), b.tick()]);
      await new Promise(resolve => setTimeout(resolve, 5));
    }
    await Promise.all([a.idle(), b.idle()]);
    expect(overlaps).toBe(0);
    expect(calls.sort()).toEqual(
      ['app', 'w0', 'w1', 'w2', 'w3', 'w4', 'w5'].map(
        n => `registry.example.com/${n}`,
      ),
    );
  });

  it('lets a hanging Warehouse time out without holding up the others', async () => {
    await applier.apply(parseManifests(warehouseYaml('stuck')), 'create');
    found['registry.example.com/app'] = [{ tag: '2.0.0', digest: digest(5) }];
    const r = new WarehouseReconciler({
      ...(
        reconciler('a', {
          image: async (sub, ctx) => {
            if (sub.repoURL.endsWith('/stuck')) {
              await new Promise((_, reject) =>
                ctx.signal!.addEventListener('abort', () =>
                  reject(
                    new DiscoveryError(
                      'Timeout',
                      'registry.example.com did not answer in time',
                    ),
                  ),
                ),
              );
            }
            return {
              repoURL: sub.repoURL,
              references: found[sub.repoURL] as any,
            };
          },
        }) as any
      ).options,
      timeoutMs: 300,
    });
    const started = Date.now();
    await r.tick();
    // The healthy Warehouse is done long before the stuck one times out.
    for (
      let i = 0;
      i < 100 && (await store.countResources('Freight', 'demo')) === 0;
      i++
    ) {
      await new Promise(resolve => setTimeout(resolve, 10));
    }
    expect(await store.countResources('Freight', 'demo')).toBe(1);
    await r.idle();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect((await warehouseStatus('stuck')).conditions[0]).toMatchObject({
      status: 'False',
      message:
        'spec.subscriptions[0] (image registry.example.com/stuck): registry.example.com did not answer in time',
    });
  });
});
