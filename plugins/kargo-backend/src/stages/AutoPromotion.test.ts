import type { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import { CREATE_ACTOR_ANNOTATION } from '../promotions/PromotionCreator';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import {
  createStageKit,
  freightDoc,
  Gate,
  PROJECT,
  projectConfigDoc,
  projectDocs,
  StageKit,
  stageDoc,
  USER,
  within,
} from './__testUtils__/stageKit';
import { AUTO_PROMOTION_ACTOR, autoPromote } from './autoPromotion';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const enableAll = projectConfigDoc([
  { stageSelector: { name: 'glob:*' }, autoPromotionEnabled: true },
]);

const actorOf = (p: { metadata: JsonObject }) =>
  (p.metadata.annotations as JsonObject | undefined)?.[CREATE_ACTOR_ANNOTATION];

describe.each(databases.eachSupportedId())('auto-promotion on %s', id => {
  let knex: Knex;
  let kit: StageKit;

  beforeEach(async () => {
    knex = await databases.init(id);
    kit = await createStageKit(knex);
  });
  afterEach(() => kit?.close());

  /** The Stage's Promotions, oldest first: Freight, phase and creator. */
  const promotions = async (stage: string) =>
    (await kit.promotionsOf(stage)).reverse().map(p => ({
      freight: p.spec.freight,
      phase: p.status.phase,
      actor: actorOf(p),
    }));

  /** A user's Promotion, run to its end. */
  const promotedBy = async (stage: string, freight: string) => {
    const p = await kit.promote(stage, freight);
    await kit.harness.settle();
    expect((await kit.promotion(p.name)).status.phase).toBe('Succeeded');
    return p;
  };

  const touchAndSettle = async (...stages: string[]) => {
    await kit.harness.stageQueue.touch(
      stages.map(name => ({ project: PROJECT, name })),
    );
    await kit.harness.settle();
  };

  it('is enabled only by the first matching ProjectConfig policy, and the Stage status mirrors it', async () => {
    const direct = (name: string, labels?: Record<string, string>) =>
      stageDoc(name, { requested: [{ direct: true }], labels });
    const names = [
      'dev',
      'dev2',
      'qa-east',
      'prod-1',
      'prod-x',
      'canary',
      'frozen-1',
      'misc',
      'legacy',
      'staging',
    ];
    await kit.apply(
      ...projectDocs(),
      direct('dev'),
      direct('dev2'),
      direct('qa-east'),
      direct('prod-1'),
      direct('prod-x'),
      direct('canary', { tier: 'canary' }),
      direct('frozen-1', { auto: 'yes' }),
      direct('misc', { auto: 'yes' }),
      direct('legacy'),
      direct('staging'),
    );
    await kit.harness.settle();
    const enabled = async () => {
      const out: Record<string, unknown> = {};
      for (const name of names) {
        out[name] = (await kit.stage(name)).status.autoPromotionEnabled;
      }
      return out;
    };
    // No ProjectConfig: nowhere.
    expect(Object.values(await enabled())).toEqual(names.map(() => false));

    const policies = [
      { stageSelector: { name: 'dev' }, autoPromotionEnabled: true },
      { stageSelector: { name: 'glob:qa-*' }, autoPromotionEnabled: true },
      {
        stageSelector: { name: 'regex:^prod-[0-9]+$' },
        autoPromotionEnabled: true,
      },
      {
        stageSelector: { matchLabels: { tier: 'canary' } },
        autoPromotionEnabled: true,
      },
      { stageSelector: { name: 'glob:frozen-*' }, autoPromotionEnabled: false },
      {
        stageSelector: { name: 'glob:*', matchLabels: { auto: 'yes' } },
        autoPromotionEnabled: true,
      },
      { stage: 'legacy', autoPromotionEnabled: true },
    ];
    await kit.apply(projectConfigDoc(policies));
    await kit.harness.settle();
    const expected = {
      dev: true,
      dev2: false, // an exact name is not a prefix
      'qa-east': true,
      'prod-1': true,
      'prod-x': false,
      canary: true,
      'frozen-1': false, // the first match wins
      misc: true, // name and labels
      legacy: true, // the deprecated `stage` field
      staging: false,
    };
    expect(await enabled()).toEqual(expected);

    // New Freight is promoted exactly where it is enabled, by the controller.
    await kit.apply(freightDoc(1));
    await kit.harness.settle();
    for (const name of names) {
      expect(await promotions(name)).toEqual(
        expected[name as keyof typeof expected]
          ? [
              {
                freight: 'app-1',
                phase: 'Succeeded',
                actor: AUTO_PROMOTION_ACTOR,
              },
            ]
          : [],
      );
    }

    // Changing the policy changes the status.
    await kit.apply(projectConfigDoc(policies.slice(1)));
    await kit.harness.settle();
    expect((await kit.stage('dev')).status.autoPromotionEnabled).toBe(false);
    expect((await kit.stage('qa-east')).status.autoPromotionEnabled).toBe(true);
  });

  it('promotes new Freight into a direct Stage, and Freight verified upstream downstream', async () => {
    kit.checker.states.set('web', 'Progressing');
    await kit.apply(
      ...projectDocs(),
      enableAll,
      stageDoc('dev', { requested: [{ direct: true }], app: 'web' }),
      stageDoc('prod', { requested: [{ stages: ['dev'] }] }),
      stageDoc('gate', { requested: [{ stages: ['dev'] }], steps: null }),
      stageDoc('edge', { requested: [{ stages: ['gate'] }] }),
    );
    await kit.harness.settle();
    expect(await promotions('dev')).toEqual([]);

    await kit.apply(freightDoc(1));
    await kit.harness.settle();
    const [auto] = await kit.promotionsOf('dev');
    expect(auto.spec.freight).toBe('app-1');
    expect(auto.status.phase).toBe('Succeeded');
    expect(actorOf(auto)).toBe('controller:kargo');
    // Not verified in dev while it is not healthy: prod waits.
    expect(await kit.verifiedIn('app-1')).toEqual([]);
    expect(await promotions('prod')).toEqual([]);
    expect(await promotions('edge')).toEqual([]);

    kit.checker.states.set('web', 'Healthy');
    const reached = async (stage: string) =>
      (await kit.promotionsOf(stage)).some(p => p.status.phase === 'Succeeded');
    await kit.until(
      async () => (await reached('prod')) && (await reached('edge')),
      'app-1 to reach prod, and edge through the control-flow Stage',
      5000,
    );
    for (const stage of ['prod', 'edge']) {
      expect(await promotions(stage)).toEqual([
        { freight: 'app-1', phase: 'Succeeded', actor: AUTO_PROMOTION_ACTOR },
      ]);
    }

    // The newest available Freight is the candidate.
    await kit.apply(freightDoc(2), freightDoc(3));
    await kit.harness.settle();
    expect((await promotions('dev')).map(p => p.freight)).toEqual([
      'app-1',
      'app-3',
    ]);
    expect(await kit.currentItems('dev')).toEqual({ 'Warehouse/app': 'app-3' });
  });

  it('promotes downstream once the required soak passed, without being told', async () => {
    await kit.apply(
      ...projectDocs(),
      enableAll,
      stageDoc('dev', { requested: [{ direct: true }] }),
      stageDoc('prod', {
        requested: [{ stages: ['dev'], requiredSoakTime: '2s' }],
      }),
      freightDoc(1),
    );
    await kit.harness.settle();
    expect(await kit.verifiedIn('app-1')).toEqual(['dev']);
    expect(await promotions('prod')).toEqual([]);
    const [{ availableAt }] = (await kit.availableTo('prod')).unavailable;
    // Due again exactly when the soak ends.
    expect((await kit.schedule('prod')).dueAt).toBe(Date.parse(availableAt!));

    await kit.until(
      async () =>
        (
          await kit.promotionsOf('prod')
        ).some(p => p.status.phase === 'Succeeded'),
      'app-1 to reach prod after soaking',
      6000,
    );
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(availableAt!));
    expect(await promotions('prod')).toEqual([
      { freight: 'app-1', phase: 'Succeeded', actor: AUTO_PROMOTION_ACTOR },
    ]);
  });

  it('creates one Promotion per candidate, and does not retry Freight whose last Promotion failed', async () => {
    await kit.apply(
      ...projectDocs(),
      enableAll,
      stageDoc('dev', { requested: [{ direct: true }] }),
    );
    const door = new Gate();
    kit.script.gates.set('app-1', door);
    await kit.apply(freightDoc(1));
    await kit.harness.stageEngine.tick();
    await kit.harness.stageEngine.idle();
    await within(door.reached, 'the auto-promotion of app-1 to start');
    // Reconciled again and again while it runs: still one Promotion.
    for (let i = 0; i < 3; i++) {
      await kit.harness.stageQueue.touch([{ project: PROJECT, name: 'dev' }]);
      await kit.harness.stageEngine.tick();
      await kit.harness.stageEngine.idle();
    }
    expect(await kit.promotionsOf('dev')).toHaveLength(1);
    kit.script.failing.add('app-1');
    door.open();
    await kit.harness.settle();
    expect(await promotions('dev')).toEqual([
      { freight: 'app-1', phase: 'Failed', actor: AUTO_PROMOTION_ACTOR },
    ]);

    // Whatever makes it look again, and even once the cause is gone.
    kit.script.failing.delete('app-1');
    await touchAndSettle('dev');
    await touchAndSettle('dev');
    expect(await promotions('dev')).toHaveLength(1);

    // New Freight is promoted; a user may still retry the failed one.
    await kit.apply(freightDoc(2));
    await kit.harness.settle();
    expect(await promotions('dev')).toEqual([
      { freight: 'app-1', phase: 'Failed', actor: AUTO_PROMOTION_ACTOR },
      { freight: 'app-2', phase: 'Succeeded', actor: AUTO_PROMOTION_ACTOR },
    ]);
  });

  it('does not promote again Freight whose Promotion succeeded while the Stage was being reconciled', async () => {
    await kit.apply(
      ...projectDocs(),
      enableAll,
      stageDoc('dev', { requested: [{ direct: true }] }),
    );
    await kit.harness.settle();
    const door = new Gate();
    kit.script.gates.set('app-1', door);
    await kit.apply(freightDoc(1));
    await kit.harness.stageEngine.tick();
    await kit.harness.stageEngine.idle();
    await within(door.reached, 'the auto-promotion of app-1 to start');
    // A reconciliation reads the Stage now…
    const snapshot = await kit.stage('dev');
    // …the Promotion succeeds meanwhile…
    door.open();
    await kit.harness.engine.idle();
    expect(await promotions('dev')).toEqual([
      { freight: 'app-1', phase: 'Succeeded', actor: AUTO_PROMOTION_ACTOR },
    ]);
    // …and auto-promotion runs on what it read.
    await autoPromote({
      store: kit.store,
      stage: snapshot,
      promote: (p, st, r, a) => kit.harness.service.create(p, st, r, a),
      now: Date.now(),
    });
    expect(await kit.promotionsOf('dev')).toHaveLength(1);
  });

  it('a user’s Promotion of older Freight holds the origin until the candidate is promoted', async () => {
    await kit.apply(
      ...projectDocs(),
      stageDoc('dev', { requested: [{ direct: true }] }),
      freightDoc(1),
      freightDoc(2),
    );
    await kit.harness.settle();
    await kit.apply(enableAll);
    await kit.harness.settle();
    expect(await kit.currentItems('dev')).toEqual({ 'Warehouse/app': 'app-2' });
    expect((await kit.stage('dev')).status.autoPromotionHolds).toBeUndefined();

    // Back to app-1 by hand: held there.
    const back = await kit.promote('dev', 'app-1');
    await kit.harness.settle();
    expect((await kit.stage('dev')).status.autoPromotionHolds).toEqual({
      'Warehouse/app': {
        freightName: 'app-1',
        origin: { kind: 'Warehouse', name: 'app' },
        promotionName: back.name,
        actor: USER,
        createdAt: expect.any(String),
      },
    });
    await touchAndSettle('dev');
    expect(await kit.currentItems('dev')).toEqual({ 'Warehouse/app': 'app-1' });

    // Newer Freight is not promoted while held.
    await kit.apply(freightDoc(3));
    await kit.harness.settle();
    expect(await kit.currentItems('dev')).toEqual({ 'Warehouse/app': 'app-1' });
    expect((await promotions('dev')).map(p => p.freight)).toEqual([
      'app-2',
      'app-1',
    ]);

    // Promoting the candidate releases the hold.
    await kit.promote('dev', 'app-3');
    await kit.harness.settle();
    expect((await kit.stage('dev')).status.autoPromotionHolds).toBeUndefined();
    await kit.apply(freightDoc(4));
    await kit.harness.settle();
    expect(await kit.currentItems('dev')).toEqual({ 'Warehouse/app': 'app-4' });
    expect(await promotions('dev')).toEqual([
      { freight: 'app-2', phase: 'Succeeded', actor: AUTO_PROMOTION_ACTOR },
      { freight: 'app-1', phase: 'Succeeded', actor: USER },
      { freight: 'app-3', phase: 'Succeeded', actor: USER },
      { freight: 'app-4', phase: 'Succeeded', actor: AUTO_PROMOTION_ACTOR },
    ]);

    // Held again, then auto-promotion is turned off: the hold goes with it.
    await kit.promote('dev', 'app-1');
    await kit.harness.settle();
    expect((await kit.stage('dev')).status.autoPromotionHolds).toBeDefined();
    await kit.apply(projectConfigDoc([]));
    await kit.harness.settle();
    const off = await kit.stage('dev');
    expect(off.status.autoPromotionEnabled).toBe(false);
    expect(off.status.autoPromotionHolds).toBeUndefined();
    // Turned on again: a fresh start, the candidate is promoted.
    await kit.apply(enableAll);
    await kit.harness.settle();
    expect((await kit.stage('dev')).status.autoPromotionHolds).toBeUndefined();
    expect(await kit.currentItems('dev')).toEqual({ 'Warehouse/app': 'app-4' });
  });

  it('establishes no hold from Promotions made while auto-promotion was off', async () => {
    await kit.apply(
      ...projectDocs(),
      stageDoc('dev', { requested: [{ direct: true }] }),
      freightDoc(1),
      freightDoc(2),
    );
    await promotedBy('dev', 'app-1');
    expect((await kit.stage('dev')).status.autoPromotionEnabled).toBe(false);
    await kit.apply(enableAll);
    await kit.harness.settle();
    const dev = await kit.stage('dev');
    expect(dev.status.autoPromotionEnabled).toBe(true);
    expect(dev.status.autoPromotionHolds).toBeUndefined();
    expect(await kit.currentItems('dev')).toEqual({ 'Warehouse/app': 'app-2' });
  });
});
