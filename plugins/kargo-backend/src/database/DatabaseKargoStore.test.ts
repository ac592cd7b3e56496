import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseKargoStore } from './DatabaseKargoStore';
import type { KargoStore, ResourceKey } from './KargoStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('DatabaseKargoStore on %s', id => {
  let store: KargoStore;

  beforeEach(async () => {
    const knex = await databases.init(id);
    store = await DatabaseKargoStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
  });

  const stage = (name: string, project = 'demo'): ResourceKey => ({
    kind: 'Stage',
    project,
    name,
  });
  const freight = (name: string, project = 'demo'): ResourceKey => ({
    kind: 'Freight',
    project,
    name,
  });

  it('stores and answers a resource, starting at resourceVersion 1', async () => {
    await store.createResource(stage('dev'), {
      metadata: { labels: { team: 'a' } },
      spec: { requestedFreight: [] },
    });
    const got = await store.getResource(stage('dev'));
    expect(got).toMatchObject({
      kind: 'Stage',
      project: 'demo',
      name: 'dev',
      resourceVersion: 1,
      generation: 1,
      metadata: { labels: { team: 'a' } },
      spec: { requestedFreight: [] },
      status: {},
    });
    expect(await store.getResource(stage('dev', 'other'))).toBeUndefined();
  });

  it('answers the existing ones of many keys across kinds and projects', async () => {
    await store.createResource(stage('dev'), { metadata: {}, spec: {} });
    await store.createResource(stage('dev', 'other'), {
      metadata: {},
      spec: {},
    });
    await store.createResource(freight('f1'), { metadata: {}, spec: {} });
    const names = Array.from({ length: 1200 }, (_, i) => `s${i}`);
    const found = await store.getResources([
      stage('dev'),
      stage('dev', 'other'),
      stage('missing'),
      freight('f1'),
      freight('dev'),
      ...names.map(n => stage(n)),
    ]);
    expect(found.map(r => `${r.kind}/${r.project}/${r.name}`).sort()).toEqual([
      'Freight/demo/f1',
      'Stage/demo/dev',
      'Stage/other/dev',
    ]);
  });

  it('refuses a second resource with the same kind, project and name', async () => {
    await store.createResource(stage('dev'), { metadata: {}, spec: {} });
    await expect(
      store.createResource(stage('dev'), { metadata: {}, spec: { x: 1 } }),
    ).rejects.toThrow(ConflictError);
    await store.createResource(stage('dev', 'other'), {
      metadata: {},
      spec: {},
    });
    expect((await store.getResource(stage('dev')))!.spec).toEqual({});
  });

  it('keeps Freight aliases unique per project only', async () => {
    await store.createResource(freight('a'), {
      metadata: {},
      spec: {},
      alias: 'calm-fox',
    });
    await expect(
      store.createResource(freight('b'), {
        metadata: {},
        spec: {},
        alias: 'calm-fox',
      }),
    ).rejects.toThrow(ConflictError);
    await store.createResource(freight('b', 'other'), {
      metadata: {},
      spec: {},
      alias: 'calm-fox',
    });
    expect((await store.getFreight('demo', 'calm-fox'))!.name).toBe('a');
    expect((await store.getFreight('other', 'calm-fox'))!.name).toBe('b');
    expect((await store.getFreight('demo', 'a'))!.name).toBe('a');
  });

  it('bumps resourceVersion on every write and generation only when content changes', async () => {
    await store.createResource(stage('dev'), { metadata: {}, spec: { a: 1 } });
    const labelled = await store.updateResource(stage('dev'), {
      metadata: { labels: { x: 'y' } },
      spec: { a: 1 },
    });
    expect(labelled).toMatchObject({ resourceVersion: 2, generation: 1 });
    const changed = await store.updateResource(
      stage('dev'),
      { metadata: {}, spec: { a: 2 } },
      { expectedResourceVersion: 2 },
    );
    expect(changed).toMatchObject({
      resourceVersion: 3,
      generation: 2,
      spec: { a: 2 },
    });
    const status = await store.updateStatus(stage('dev'), { phase: 'Ready' });
    expect(status).toMatchObject({
      resourceVersion: 4,
      generation: 2,
      spec: { a: 2 },
      status: { phase: 'Ready' },
    });
  });

  it('answers a stale resourceVersion with a conflict and changes nothing', async () => {
    await store.createResource(stage('dev'), { metadata: {}, spec: { a: 1 } });
    await store.updateResource(stage('dev'), { metadata: {}, spec: { a: 2 } });
    await expect(
      store.updateResource(
        stage('dev'),
        { metadata: {}, spec: { a: 3 } },
        { expectedResourceVersion: 1 },
      ),
    ).rejects.toThrow(/was modified/);
    expect(await store.getResource(stage('dev'))).toMatchObject({
      resourceVersion: 2,
      spec: { a: 2 },
    });
  });

  it('lets exactly one of two concurrent updates of the same version win', async () => {
    await store.createResource(stage('dev'), { metadata: {}, spec: { a: 0 } });
    const results = await Promise.allSettled(
      [1, 2].map(a =>
        store.updateResource(
          stage('dev'),
          { metadata: {}, spec: { a } },
          { expectedResourceVersion: 1 },
        ),
      ),
    );
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter(r => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(
      ConflictError,
    );
    expect((await store.getResource(stage('dev')))!.resourceVersion).toBe(2);
  });

  it('loses none of many concurrent read-modify-write status updates made in transactions', async () => {
    await store.createResource(freight('f1'), { metadata: {}, spec: {} });
    // Twelve Stages' Promotions record at once that f1 is in their Stage,
    // each in its own transaction that also does other work.
    const stages = Array.from({ length: 12 }, (_, i) => `s${i}`);
    await Promise.all(
      stages.map(name =>
        store.transaction(async tx => {
          await tx.updateStatusWith(freight('f1'), current => ({
            ...current.status,
            currentlyIn: {
              ...(current.status.currentlyIn as object),
              [name]: { since: 'now' },
            },
          }));
          await new Promise(r => setTimeout(r, 5));
        }),
      ),
    );
    const f1 = await store.getResource(freight('f1'));
    expect(Object.keys(f1!.status.currentlyIn as object).sort()).toEqual(
      [...stages].sort(),
    );
    expect(f1!.resourceVersion).toBe(1 + stages.length);
  });

  it('pages Freight newest first by discoveredAt, not by insertion order', async () => {
    // Inserted in an order unrelated to their discovery times.
    const discovered = { f1: 5000, f2: 1000, f3: 9000, f4: 3000, f5: 7000 };
    for (const [name, sortAt] of Object.entries(discovered)) {
      await store.createResource(freight(name), {
        metadata: {},
        spec: {},
        origin: name === 'f3' ? 'other-wh' : 'wh',
        sortAt,
      });
    }
    const names: string[] = [];
    let after;
    for (let page = 0; page < 10; page++) {
      const result = await store.listResources({
        kind: 'Freight',
        project: 'demo',
        order: 'newest',
        limit: 2,
        after,
      });
      names.push(...result.items.map(i => i.name));
      if (!result.next) break;
      after = result.next;
    }
    expect(names).toEqual(['f3', 'f5', 'f1', 'f4', 'f2']);

    const fromWh = await store.listResources({
      kind: 'Freight',
      project: 'demo',
      origins: ['wh'],
      order: 'newest',
    });
    expect(fromWh.items.map(i => i.name)).toEqual(['f5', 'f1', 'f4', 'f2']);
    expect(fromWh.next).toBeUndefined();
  });

  it('filters Promotions by Stage and lists names in order', async () => {
    await store.createResource(
      { kind: 'Promotion', project: 'demo', name: 'p1' },
      { metadata: {}, spec: {}, stage: 'dev', sortAt: 1 },
    );
    await store.createResource(
      { kind: 'Promotion', project: 'demo', name: 'p2' },
      { metadata: {}, spec: {}, stage: 'prod', sortAt: 2 },
    );
    const forDev = await store.listResources({
      kind: 'Promotion',
      project: 'demo',
      stages: ['dev'],
      order: 'newest',
    });
    expect(forDev.items.map(p => p.name)).toEqual(['p1']);

    for (const name of ['b', 'c', 'a']) {
      await store.createResource(stage(name), { metadata: {}, spec: {} });
    }
    const page1 = await store.listResources({
      kind: 'Stage',
      project: 'demo',
      order: 'name',
      limit: 2,
    });
    expect(page1.items.map(s => s.name)).toEqual(['a', 'b']);
    const page2 = await store.listResources({
      kind: 'Stage',
      project: 'demo',
      order: 'name',
      limit: 2,
      after: page1.next,
    });
    expect(page2.items.map(s => s.name)).toEqual(['c']);
    expect(page2.next).toBeUndefined();
    expect(await store.countResources('Stage', 'demo')).toBe(3);
  });

  it('deletes a project and everything in it, and nothing else', async () => {
    await store.createResource(
      { kind: 'Project', project: 'demo', name: 'demo' },
      { metadata: {}, spec: {} },
    );
    await store.createResource(stage('dev'), { metadata: {}, spec: {} });
    await store.createResource(stage('dev', 'other'), {
      metadata: {},
      spec: {},
    });
    expect(await store.deleteProject('demo')).toBe(2);
    expect(await store.getResource(stage('dev'))).toBeUndefined();
    expect(await store.getResource(stage('dev', 'other'))).toBeDefined();
  });

  it('writes nothing when a transaction fails part-way', async () => {
    await expect(
      store.transaction(async tx => {
        await tx.createResource(stage('a'), { metadata: {}, spec: {} });
        await tx.createResource(stage('b'), { metadata: {}, spec: {} });
        await tx.createResource(stage('a'), { metadata: {}, spec: {} });
      }),
    ).rejects.toThrow(ConflictError);
    expect(await store.countResources('Stage', 'demo')).toBe(0);
  });
});
