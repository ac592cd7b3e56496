import { ConflictError } from '@backstage/errors';
import { Knex } from 'knex';
import {
  LocalServer,
  sendJson,
  startLocalServer,
} from '../promotions/steps/http/__testUtils__/localServer';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import {
  createStageKit,
  freightDoc,
  Gate,
  PROJECT,
  projectDocs,
  StageKit,
  stageDoc,
  USER,
  webTemplateDoc,
  within,
} from './__testUtils__/stageKit';
import type { VerifiedCollection } from './verification';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** A Stage `prod` taking what `dev` verified. */
const prod = stageDoc('prod', { requested: [{ stages: ['dev'] }] });

describe.each(databases.eachSupportedId())(
  'Stage health and verification on %s',
  id => {
    let knex: Knex;
    let kit: StageKit;
    let server: LocalServer;
    /** What the verification endpoint answers as `ok`. */
    let healthy: boolean;

    beforeAll(async () => {
      server = await startLocalServer((_req, res) =>
        sendJson(res, 200, { ok: healthy }),
      );
    });
    afterAll(() => server.close());
    beforeEach(async () => {
      healthy = true;
      server.requests.length = 0;
      knex = await databases.init(id);
      kit = await createStageKit(knex);
    });
    afterEach(() => kit?.close());

    /** `dev` verified by the `smoke` AnalysisTemplate against the server. */
    const verifiedDev = (
      metric: { count?: number; interval?: string } = {},
    ) => [
      webTemplateDoc('smoke', metric),
      stageDoc('dev', {
        requested: [{ direct: true }],
        verification: {
          analysisTemplates: [{ name: 'smoke' }],
          args: [{ name: 'url', value: `${server.url}/health` }],
        },
      }),
    ];

    const history = async (stage: string) =>
      (await kit.current(stage))?.verificationHistory ?? [];

    it('is Unknown with no Freight, while promoting, and after a failed or errored Promotion; Healthy with no checks', async () => {
      await kit.apply(
        ...projectDocs(),
        stageDoc('dev', { requested: [{ direct: true }] }),
        freightDoc(1),
        freightDoc(2),
        freightDoc(3),
      );
      await kit.harness.settle();
      expect((await kit.stage('dev')).status.health).toEqual({
        status: 'Unknown',
        issues: ['the Stage has no Freight yet'],
      });
      expect(await kit.condition('dev', 'Healthy')).toMatchObject({
        status: 'Unknown',
        reason: 'NoFreight',
      });
      expect(await kit.condition('dev', 'Verified')).toMatchObject({
        status: 'Unknown',
        reason: 'NoFreight',
      });

      // While promoting.
      const door = new Gate();
      kit.script.gates.set('app-1', door);
      const first = await kit.promote('dev', 'app-1');
      await within(door.reached, 'the Promotion of app-1 to start');
      await kit.harness.stageEngine.tick();
      await kit.harness.stageEngine.idle();
      const promoting = await kit.stage('dev');
      expect(promoting.status.currentPromotion).toMatchObject({
        name: first.name,
      });
      expect(promoting.status.health).toMatchObject({ status: 'Unknown' });
      expect(await kit.condition('dev', 'Healthy')).toMatchObject({
        status: 'Unknown',
        reason: 'Promoting',
      });
      door.open();
      await kit.harness.settle();

      // Succeeded, no check registered: Healthy, and verified at once.
      expect((await kit.promotion(first.name)).status.phase).toBe('Succeeded');
      expect((await kit.stage('dev')).status.health).toEqual({
        status: 'Healthy',
      });
      expect(await kit.condition('dev', 'Healthy')).toMatchObject({
        status: 'True',
        reason: 'Healthy',
      });
      expect(await kit.condition('dev', 'Verified')).toMatchObject({
        status: 'True',
      });
      expect(await kit.verifiedIn('app-1')).toEqual(['dev']);

      // A business failure: Unknown, the Stage keeps its Freight.
      kit.script.failing.add('app-2');
      const second = await kit.promote('dev', 'app-2');
      await kit.harness.settle();
      expect((await kit.promotion(second.name)).status.phase).toBe('Failed');
      expect((await kit.stage('dev')).status.health).toMatchObject({
        status: 'Unknown',
      });
      expect(await kit.condition('dev', 'Healthy')).toMatchObject({
        status: 'Unknown',
        reason: 'LastPromotionFailed',
      });
      expect(await kit.currentItems('dev')).toEqual({
        'Warehouse/app': 'app-1',
      });
      expect(await kit.verifiedIn('app-2')).toEqual([]);

      // An error (the step throws): Unknown as well.
      kit.script.erroring.add('app-3');
      const third = await kit.promote('dev', 'app-3');
      await kit.harness.settle();
      expect((await kit.promotion(third.name)).status.phase).toBe('Errored');
      expect(await kit.condition('dev', 'Healthy')).toMatchObject({
        status: 'Unknown',
        reason: 'LastPromotionErrored',
      });
      expect(await kit.currentItems('dev')).toEqual({
        'Warehouse/app': 'app-1',
      });
    });

    it('is the worst of the registered checks, re-checked about every second until settled; Freight is verified only once healthy', async () => {
      kit.checker.states.set('web', 'Healthy');
      kit.checker.states.set('db', 'Progressing');
      await kit.apply(
        ...projectDocs(),
        stageDoc('dev', {
          requested: [{ direct: true }],
          steps: [
            { uses: 'deploy', as: 'web', config: { app: 'web' } },
            { uses: 'deploy', as: 'db', config: { app: 'db' } },
          ],
        }),
        prod,
        freightDoc(1),
      );
      await kit.promote('dev', 'app-1');
      await kit.harness.settle();

      const progressing = await kit.stage('dev');
      expect(progressing.status.health).toEqual({
        status: 'Progressing',
        issues: ['db is Progressing'],
        output: {
          checks: [
            { app: 'web', status: 'Healthy' },
            { app: 'db', status: 'Progressing' },
          ],
        },
        config: {
          checks: [
            { uses: 'fake', config: { app: 'web' } },
            { uses: 'fake', config: { app: 'db' } },
          ],
        },
      });
      expect(await kit.condition('dev', 'Healthy')).toMatchObject({
        status: 'Unknown',
        reason: 'Progressing',
        message: 'db is Progressing',
      });
      // Not healthy: no verification yet, and the Freight is not verified.
      expect(await history('dev')).toEqual([]);
      expect(await kit.condition('dev', 'Verified')).toMatchObject({
        status: 'Unknown',
        reason: 'WaitingForVerification',
      });
      expect(await kit.verifiedIn('app-1')).toEqual([]);
      expect(await kit.availableTo('prod')).toEqual({
        names: [],
        unavailable: [
          expect.objectContaining({
            name: 'app-1',
            reason: 'not verified in "dev"',
          }),
        ],
      });
      // Looked at again in about a second.
      const after = await kit.recheckAfter('dev');
      expect(after).toBeGreaterThan(0);
      expect(after).toBeLessThanOrEqual(1000);

      // Worse: the worst wins.
      kit.checker.states.set('db', 'Unhealthy');
      await kit.dueNow('dev');
      await kit.tick();
      expect((await kit.stage('dev')).status.health).toMatchObject({
        status: 'Unhealthy',
        issues: ['db is Unhealthy'],
      });
      expect(await kit.condition('dev', 'Healthy')).toMatchObject({
        status: 'False',
        reason: 'Unhealthy',
      });
      expect(await kit.verifiedIn('app-1')).toEqual([]);
      expect(await kit.recheckAfter('dev')).toBeLessThanOrEqual(1000);

      // Healthy again: found by the one-second poll itself (nothing touches
      // the Stage), then verified, and available downstream.
      const checks = kit.checker.calls;
      kit.checker.states.set('db', 'Healthy');
      const started = Date.now();
      await kit.until(
        async () => (await kit.health('dev')) === 'Healthy',
        'dev to be found Healthy',
        5000,
      );
      expect(Date.now() - started).toBeLessThan(3000);
      expect(kit.checker.calls).toBeGreaterThan(checks);
      expect(await kit.condition('dev', 'Healthy')).toMatchObject({
        status: 'True',
      });
      const [verification] = await history('dev');
      expect(verification).toMatchObject({
        phase: 'Successful',
        startTime: expect.any(String),
        finishTime: expect.any(String),
      });
      expect(verification.analysisRun).toBeUndefined();
      expect(await kit.condition('dev', 'Verified')).toMatchObject({
        status: 'True',
        reason: 'Verified',
      });
      expect(await kit.verifiedIn('app-1')).toEqual(['dev']);
      expect((await kit.availableTo('prod')).names).toEqual(['app-1']);
      // Settled: only looked at now and then.
      expect(await kit.recheckAfter('dev')).toBeGreaterThan(30_000);
    });

    it('a successful Promotion resets the Healthy and Verified conditions with the Freight, before any reconciliation', async () => {
      kit.checker.states.set('web', 'Healthy');
      await kit.apply(
        ...projectDocs(),
        stageDoc('dev', { requested: [{ direct: true }], app: 'web' }),
        freightDoc(1),
        freightDoc(2),
      );
      await kit.promote('dev', 'app-1');
      await kit.harness.settle();
      expect(await kit.condition('dev', 'Healthy')).toMatchObject({
        status: 'True',
      });
      expect(await kit.condition('dev', 'Verified')).toMatchObject({
        status: 'True',
      });

      // app-2 lands; the Stage's reconciliation (started at once, as in the
      // plugin) is held inside its health check: nothing about app-2 is
      // known, and the conditions must not say app-1's verdicts (Kargo
      // resets them with the Freight history).
      let release!: () => void;
      const held = new Promise<void>(resolve => {
        release = resolve;
      });
      const check = kit.checker.check.bind(kit.checker);
      const spy = jest
        .spyOn(kit.checker, 'check')
        .mockImplementation(async context => {
          await held;
          return check(context);
        });
      kit.checker.states.set('web', 'Progressing');
      await kit.promote('dev', 'app-2');
      await kit.harness.engine.tick();
      await kit.harness.engine.idle();
      expect(await kit.currentItems('dev')).toEqual({
        'Warehouse/app': 'app-2',
      });
      expect((await kit.stage('dev')).status.health).toBeUndefined();
      expect(await kit.condition('dev', 'Healthy')).toMatchObject({
        status: 'Unknown',
        reason: 'WaitingForHealthCheck',
      });
      expect(await kit.condition('dev', 'Verified')).toMatchObject({
        status: 'Unknown',
        reason: 'WaitingForVerification',
      });
      release();
      await kit.harness.stageEngine.idle();
      spy.mockRestore();
    });

    it('a check nobody installed leaves the Stage Unknown, its Freight unverified', async () => {
      await kit.apply(
        ...projectDocs(),
        stageDoc('dev', {
          requested: [{ direct: true }],
          steps: [
            {
              uses: 'deploy',
              config: { app: 'web', checker: 'not-installed' },
            },
          ],
        }),
        freightDoc(1),
      );
      await kit.promote('dev', 'app-1');
      await kit.harness.settle();
      expect((await kit.stage('dev')).status.health).toMatchObject({
        status: 'Unknown',
        issues: ['no health checker "not-installed" is installed'],
      });
      expect(await history('dev')).toEqual([]);
      expect(await kit.verifiedIn('app-1')).toEqual([]);
    });

    it('verifies with an AnalysisTemplate: Successful makes the Freight verified and available downstream', async () => {
      await kit.apply(...projectDocs(), ...verifiedDev(), prod, freightDoc(1));
      await kit.promote('dev', 'app-1');
      await kit.harness.settle();

      const current = (await kit.current('dev')) as VerifiedCollection;
      const [verification] = current.verificationHistory!;
      expect(verification).toMatchObject({
        id: expect.any(String),
        phase: 'Successful',
        startTime: expect.any(String),
        finishTime: expect.any(String),
        analysisRun: {
          namespace: PROJECT,
          name: expect.stringMatching(
            new RegExp(`^dev\\.[0-9a-z]{26}\\.${current.id.slice(0, 7)}$`),
          ),
          phase: 'Successful',
        },
      });
      expect(server.requests.map(r => r.url)).toEqual(['/health']);
      const run = await kit.runs.get(PROJECT, verification.analysisRun!.name);
      expect(run?.status.phase).toBe('Successful');
      expect(run?.metadata.labels).toMatchObject({
        'kargo.akuity.io/stage': 'dev',
        'kargo.akuity.io/freight-collection': current.id,
      });
      expect(await kit.condition('dev', 'Verified')).toMatchObject({
        status: 'True',
      });
      expect(await kit.verifiedIn('app-1')).toEqual(['dev']);
      expect((await kit.availableTo('prod')).names).toEqual(['app-1']);
    });

    it('a failed verification leaves the Freight unverified until a re-verify succeeds', async () => {
      healthy = false;
      await kit.apply(...projectDocs(), ...verifiedDev(), prod, freightDoc(1));
      await expect(
        kit.stages.reverify(PROJECT, 'dev', USER),
      ).rejects.toBeInstanceOf(ConflictError);
      await kit.promote('dev', 'app-1');
      await kit.harness.settle();

      const [failed] = await history('dev');
      expect(failed).toMatchObject({
        phase: 'Failed',
        analysisRun: { phase: 'Failed' },
      });
      expect(await kit.condition('dev', 'Verified')).toMatchObject({
        status: 'False',
        reason: 'VerificationFailed',
      });
      expect(await kit.verifiedIn('app-1')).toEqual([]);
      const forProd = await kit.availableTo('prod');
      expect(forProd.names).toEqual([]);
      expect(forProd.unavailable).toEqual([
        expect.objectContaining({
          name: 'app-1',
          reason: 'not verified in "dev"',
        }),
      ]);
      await expect(
        kit.harness.service.create(PROJECT, 'prod', { freight: 'app-1' }, USER),
      ).rejects.toThrow(/not available/);
      // Nothing runs it again by itself.
      await kit.harness.stageQueue.touch([{ project: PROJECT, name: 'dev' }]);
      await kit.harness.settle();
      expect(await history('dev')).toHaveLength(1);

      healthy = true;
      await kit.stages.reverify(PROJECT, 'dev', 'user:default/bob');
      await kit.harness.settle();
      const [again, before] = await history('dev');
      expect(before).toEqual(failed);
      expect(again).toMatchObject({
        actor: 'user:default/bob',
        phase: 'Successful',
      });
      expect(again.id).not.toBe(failed.id);
      expect(again.analysisRun!.name).not.toBe(failed.analysisRun!.name);
      expect(await kit.condition('dev', 'Verified')).toMatchObject({
        status: 'True',
      });
      expect(await kit.verifiedIn('app-1')).toEqual(['dev']);
      expect((await kit.availableTo('prod')).names).toEqual(['app-1']);
      // The request is handled once.
      await kit.harness.stageQueue.touch([{ project: PROJECT, name: 'dev' }]);
      await kit.harness.settle();
      expect(await history('dev')).toHaveLength(2);
    });

    it('aborts a running verification through the StageService', async () => {
      // Measured now, then again only in an hour: Running meanwhile.
      await kit.apply(
        ...projectDocs(),
        ...verifiedDev({ count: 2, interval: '1h' }),
        freightDoc(1),
        freightDoc(2),
      );
      await expect(
        kit.stages.abortVerification(PROJECT, 'dev', USER),
      ).rejects.toBeInstanceOf(ConflictError);
      await kit.promote('dev', 'app-1');
      await kit.harness.settle();
      const [running] = await history('dev');
      expect(running).toMatchObject({ phase: 'Running' });
      expect(await kit.condition('dev', 'Verified')).toMatchObject({
        status: 'Unknown',
        reason: 'VerificationRunning',
      });
      await expect(
        kit.stages.reverify(PROJECT, 'dev', USER),
      ).rejects.toBeInstanceOf(ConflictError);

      await kit.stages.abortVerification(PROJECT, 'dev', 'user:default/bob');
      await kit.harness.settle();
      const [aborted] = await history('dev');
      expect(aborted).toMatchObject({
        id: running.id,
        actor: 'user:default/bob',
        phase: 'Failed',
        message: 'Verification aborted by user',
        finishTime: expect.any(String),
      });
      const run = await kit.runs.get(PROJECT, running.analysisRun!.name);
      expect(run?.status.phase).toBe('Aborted');
      expect(await kit.condition('dev', 'Verified')).toMatchObject({
        status: 'False',
      });
      expect(await kit.verifiedIn('app-1')).toEqual([]);

      // A failed verification does not hold the next Promotion back.
      const next = await kit.promote('dev', 'app-2');
      await kit.harness.engine.tick();
      await kit.harness.engine.idle();
      expect((await kit.promotion(next.name)).status.phase).toBe('Succeeded');
    });

    it('holds the next Promotion of the Stage while the verification runs, and starts it after', async () => {
      // Two measurements a second apart: Running for about a second.
      await kit.apply(
        ...projectDocs(),
        ...verifiedDev({ count: 2, interval: '1s' }),
        freightDoc(1),
        freightDoc(2),
      );
      await kit.promote('dev', 'app-1');
      await kit.harness.settle();
      expect(await history('dev')).toEqual([
        expect.objectContaining({ phase: 'Running' }),
      ]);

      const next = await kit.promote('dev', 'app-2');
      await kit.harness.engine.tick();
      await kit.harness.engine.idle();
      const waiting = await kit.promotion(next.name);
      expect(waiting.status).toMatchObject({
        phase: 'Pending',
        message:
          'waiting: the verification of the current Freight is still running',
      });
      expect(kit.script.runs.map(r => r.freight)).toEqual(['app-1']);

      const done = await kit.until(async () => {
        const p = await kit.promotion(next.name);
        return p.status.phase === 'Succeeded' && p;
      }, 'the queued Promotion to run');
      const stage = await kit.stage('dev');
      const previous = (stage.status.freightHistory as VerifiedCollection[])[1];
      expect(previous.items['Warehouse/app'].name).toBe('app-1');
      const [verification] = previous.verificationHistory!;
      expect(verification.phase).toBe('Successful');
      const run = await kit.runs.get(PROJECT, verification.analysisRun!.name);
      expect(run?.status.metricResults[0]).toMatchObject({ count: 2 });
      expect(Date.parse(String(done.status.startedAt))).toBeGreaterThanOrEqual(
        Date.parse(verification.finishTime!),
      );
      expect(await kit.verifiedIn('app-1')).toEqual(['dev']);
    });
  },
);
