import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import {
  DEMO_PROJECT_YAML,
  eventually,
  testStepsModule,
} from './__testUtils__/routeTestKit';
import { startKargoBackend } from './__testUtils__/startKargoBackend';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** Released by the test: a Promotion of the `hold` Stage runs until then. */
let release: () => void = () => {};
let held = new Promise<void>(r => (release = r));

/** `noop` does nothing (no Git); `hold` waits for the test. */
const stepsModule = testStepsModule({
  name: 'hold',
  run: async () => {
    await held;
    return { status: 'Succeeded' };
  },
});

const ical = (t: number) =>
  `${new Date(t).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;

const freight = (name: string, tag: string) => `
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: { namespace: demo, name: ${name} }
origin: { kind: Warehouse, name: app }
images: [{ repoURL: registry.example.com/app, tag: "${tag}", digest: "sha256:${name
  .repeat(64)
  .slice(0, 64)}" }]
`;

/** dev auto-promotes; prod does not; `slow` waits for the test; windows as given. */
const manifests = (windows = '[]') => `${DEMO_PROJECT_YAML}---
apiVersion: kargo.akuity.io/v1alpha1
kind: ProjectConfig
metadata: { name: demo, namespace: demo }
spec:
  promotionPolicies: [{ stageSelector: { name: dev }, autoPromotionEnabled: true }]
  promotionWindows: ${windows}
${['dev', 'prod', 'slow']
  .map(
    stage => `---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: ${stage}, namespace: demo, labels: { tier: ${stage} } }
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: { direct: true }
  promotionTemplate: { spec: { steps: [{ uses: ${
    stage === 'slow' ? 'hold' : 'noop'
  } }] } }
`,
  )
  .join('')}`;

describe.each(databases.eachSupportedId())(
  'freezes and promotion windows on %s',
  databaseId => {
    const api = '/api/kargo/v1beta1/projects/demo';

    async function start(yaml: string, deny: string[] = []) {
      return startKargoBackend({
        knex: await databases.init(databaseId),
        manifests: yaml,
        deny,
        modules: [stepsModule],
      });
    }

    /** Polls (bounded) until `check` holds on the answer of `path`. */

    const promote = (server: any, stage: string, name = 'f1') =>
      request(server)
        .post(`${api}/stages/${stage}/promotions`)
        .send({ freight: name });

    /**
     * Two Promotions to `slow`: the first runs and waits in its step until
     * the test calls release(); the second queues behind it.
     */
    async function queueBehindHeldPromotion() {
      held = new Promise<void>(r => (release = r));
      const { server } = await start(
        `${manifests()}---${freight('f1', '1.0.0')}---${freight(
          'f2',
          '1.0.1',
        )}`,
      );
      const first = (await promote(server, 'slow', 'f1')).body.metadata.name;
      const second = (await promote(server, 'slow', 'f2')).body.metadata.name;
      await eventually(
        server,
        api,
        `/promotions/${first}`,
        p => p.status?.phase === 'Running',
      );
      return { server, first, second };
    }

    it('freezes a Stage with a reason: promotions are refused, shown on the Stage, audited, and allowed again once lifted', async () => {
      const { server, audits } = await start(
        `${manifests()}---${freight('f1', '1.0.0')}`,
      );
      const noReason = await request(server)
        .put(`${api}/stages/prod/freeze`)
        .send({});
      expect(noReason.status).toBe(400);
      expect(noReason.body.error.message).toMatch(/^reason: required/);

      const frozen = await request(server)
        .put(`${api}/stages/prod/freeze`)
        .send({ reason: 'incident INC-42: payments down' });
      expect(frozen.status).toBe(200);
      expect(frozen.body).toMatchObject({
        project: 'demo',
        stage: 'prod',
        reason: 'incident INC-42: payments down',
        actor: 'user:default/mock',
      });

      const refused = await promote(server, 'prod');
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toMatch(
        /^Promotions to Stage "demo\/prod" are not allowed now: Stage "prod" is frozen by user:default\/mock since .*: incident INC-42: payments down$/,
      );
      // Other Stages are not frozen.
      expect((await promote(server, 'dev')).status).toBe(201);

      const shown = await eventually(
        server,
        api,
        '/stages/prod',
        s => s.status?.freeze?.reason === 'incident INC-42: payments down',
      );
      expect(shown.status.freeze.actor).toBe('user:default/mock');
      expect(shown.status.freezes).toEqual([
        expect.objectContaining({
          stage: 'prod',
          reason: shown.status.freeze.reason,
        }),
      ]);
      expect((await request(server).get(`${api}/freezes`)).body.items).toEqual([
        expect.objectContaining({ stage: 'prod' }),
      ]);

      const lifted = await request(server).delete(`${api}/stages/prod/freeze`);
      expect(lifted.status).toBe(200);
      await eventually(server, api, '/stages/prod', s => !s.status?.freeze);
      expect((await promote(server, 'prod')).status).toBe(201);
      expect(
        (await request(server).delete(`${api}/stages/prod/freeze`)).status,
      ).toBe(404);
      expect(audits.filter(a => /freeze/.test(a.eventId))).toEqual([
        { eventId: 'freeze', outcome: 'fail' },
        { eventId: 'freeze', outcome: 'success' },
        { eventId: 'unfreeze', outcome: 'success' },
        { eventId: 'unfreeze', outcome: 'fail' },
      ]);
    });

    it('holds a queued Promotion while its project is frozen and runs it once the freeze lifts', async () => {
      const { server, first, second } = await queueBehindHeldPromotion();
      await request(server)
        .put(`${api}/freeze`)
        .send({ reason: 'end-of-year freeze' })
        .expect(200);
      release();
      await eventually(
        server,
        api,
        `/promotions/${first}`,
        p => p.status?.phase === 'Succeeded',
      );
      // Admitted before the freeze, it does not start while it lasts.
      const waiting = await eventually(
        server,
        api,
        `/promotions/${second}`,
        p => /project "demo" is frozen/.test(p.status?.message ?? ''),
      );
      expect(waiting.status.phase).toBe('Pending');
      // And nothing new is admitted, to any Stage of the project.
      const refused = await promote(server, 'dev');
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain(
        'project "demo" is frozen by user:default/mock',
      );

      await request(server).delete(`${api}/freeze`).expect(200);
      await eventually(
        server,
        api,
        `/promotions/${second}`,
        p => p.status?.phase === 'Succeeded',
      );
    });

    it('needs kargo.freeze.manage to freeze or lift a freeze', async () => {
      const { server } = await start(manifests(), ['kargo.freeze.manage']);
      const denied = await request(server)
        .put(`${api}/freeze`)
        .send({ reason: 'x' });
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toContain('kargo.freeze.manage');
      expect((await request(server).delete(`${api}/freeze`)).status).toBe(403);
    });

    it('refuses Promotions during an active Deny window, shows when it opens, and keeps auto-promotion from running', async () => {
      const now = Date.now();
      const windows = `
    - name: change-freeze
      kind: Deny
      dtstart: "${ical(now - 3_600_000)}"
      dtend: "${ical(now + 3_600_000)}"`;
      const { server } = await start(
        `${manifests(windows)}---${freight('f1', '1.0.0')}`,
      );
      const refused = await promote(server, 'prod');
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toMatch(
        /the promotion window schedule is closed: the Deny promotion window "change-freeze" is active until .*; it opens at /,
      );
      const dev = await eventually(
        server,
        api,
        '/stages/dev',
        s => s.status?.promotionWindowStatus?.closed === true,
      );
      expect(dev.status.promotionWindowStatus).toEqual({
        closed: true,
        reason: expect.stringContaining('"change-freeze"'),
        nextOpen: new Date(
          Math.floor((now + 3_600_000) / 1000) * 1000,
        ).toISOString(),
      });
      // dev auto-promotes, but not while the window is closed.
      await new Promise(r => setTimeout(r, 500));
      expect(
        (await request(server).get(`${api}/promotions`)).body.items,
      ).toEqual([]);
    });

    it('applies only the windows whose selectors match, from ProjectConfig and ClusterConfig', async () => {
      const now = Date.now();
      const active = `dtstart: "${ical(now - 60_000)}"
      dtend: "${ical(now + 3_600_000)}"`;
      const windows = `
    - name: prod-only
      kind: Deny
      stageSelector: { matchLabels: { tier: prod } }
      ${active}`;
      const { server } = await start(
        `${manifests(windows)}---${freight('f1', '1.0.0')}`,
      );
      expect((await promote(server, 'prod')).status).toBe(409);
      await eventually(server, api, '/promotions', l => l.items?.length === 1);
      // A cluster-wide window for other projects leaves this one alone.
      await request(server)
        .post('/api/kargo/v1beta1/resources')
        .set('Content-Type', 'application/yaml')
        .send(
          `apiVersion: kargo.akuity.io/v1alpha1
kind: ClusterConfig
metadata: { name: cluster }
spec:
  promotionWindows:
    - name: elsewhere
      kind: Deny
      projectSelector: { name: "glob:shop-*" }
      ${active}
    - name: everywhere-dev
      kind: Deny
      stageSelector: { name: dev }
      ${active}`,
        )
        .expect(201);
      const refused = await promote(server, 'dev', 'f1');
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain('"everywhere-dev"');
    });

    it('refuses a window it could not evaluate, naming the field', async () => {
      const { server } = await start(manifests());
      const bad = await request(server)
        .put('/api/kargo/v1beta1/resources')
        .set('Content-Type', 'application/yaml')
        .send(
          manifests(`
    - name: broken
      kind: Allow
      rrule: FREQ=WEEKLY;BYDAY=MO
      dtstart: "TZID=Europe/Berlin:20260105T090000"`),
        );
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain(
        'spec.promotionWindows[0].dtend: required',
      );
    });

    const reject = (server: any, freightName: string, stage?: string) =>
      request(server)
        .post(`${api}/freight/${freightName}/reject`)
        .query(stage ? { stage } : {})
        .send({ reason: 'CVE-2026-0001 in libfoo' });

    it('rejects Freight for a Stage: refused there even when approved, offered as unavailable with the reason, and promotable again once lifted', async () => {
      const { server, audits } = await start(
        `${manifests()}---${freight('f1', '1.0.0')}`,
      );
      const rejected = await reject(server, 'f1', 'prod');
      expect(rejected.status).toBe(200);
      expect(rejected.body.status.rejectedFor.prod).toMatchObject({
        rejectedBy: 'user:default/mock',
        reason: 'CVE-2026-0001 in libfoo',
      });
      await request(server)
        .post(`${api}/freight/f1/approve`)
        .query({ stage: 'prod' })
        .expect(200);
      const refused = await promote(server, 'prod');
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toMatch(
        /^freight: Freight "[a-z]+-[a-z]+" cannot be promoted to Stage "prod": it was rejected for this Stage by user:default\/mock: CVE-2026-0001 in libfoo$/,
      );
      const offered = await request(server)
        .get(`${api}/freight`)
        .query({ stage: 'prod' });
      expect(offered.body.items).toEqual([]);
      expect(offered.body.unavailable).toEqual([
        expect.objectContaining({
          name: 'f1',
          reason:
            'it was rejected for this Stage by user:default/mock: CVE-2026-0001 in libfoo',
        }),
      ]);
      // Other Stages may still take it.
      expect((await promote(server, 'slow')).status).toBe(201);
      release();

      await request(server)
        .delete(`${api}/freight/f1/reject`)
        .query({ stage: 'prod' })
        .expect(200);
      expect((await promote(server, 'prod')).status).toBe(201);
      expect(
        (
          await request(server)
            .delete(`${api}/freight/f1/reject`)
            .query({ stage: 'prod' })
        ).status,
      ).toBe(404);
      expect(
        audits
          .filter(a => a.eventId.startsWith('freight-'))
          .map(a => `${a.eventId} ${a.outcome}`),
      ).toEqual([
        'freight-reject success',
        'freight-approve success',
        'freight-unreject success',
        'freight-unreject fail',
      ]);
    });

    it('fails a queued Promotion of Freight rejected while it waited', async () => {
      const { server, second } = await queueBehindHeldPromotion();
      await reject(server, 'f2').expect(200);
      release();
      const failed = await eventually(server, api, `/promotions/${second}`, p =>
        ['Failed', 'Succeeded'].includes(p.status?.phase),
      );
      expect(failed.status.phase).toBe('Failed');
      expect(failed.status.message).toMatch(
        /^Freight "[a-z]+-[a-z]+" was rejected for the whole project by user:default\/mock: CVE-2026-0001 in libfoo$/,
      );
    });

    it('keeps auto-promotion off Freight rejected for the Stage', async () => {
      const { server } = await start(
        `${manifests()}---${freight('f1', '1.0.0')}`,
      );
      // dev takes f1 by itself; then, while dev is frozen, f2 arrives and
      // is rejected for dev before anything could take it.
      await eventually(
        server,
        api,
        '/stages/dev',
        s => s.status?.lastPromotion?.freight?.name === 'f1',
      );
      await request(server)
        .put(`${api}/stages/dev/freeze`)
        .send({ reason: 'hold on' })
        .expect(200);
      await request(server)
        .post('/api/kargo/v1beta1/resources')
        .set('Content-Type', 'application/yaml')
        .send(freight('f2', '1.0.1'))
        .expect(201);
      await reject(server, 'f2', 'dev').expect(200);
      await request(server).delete(`${api}/stages/dev/freeze`).expect(200);
      await eventually(server, api, '/stages/dev', s => !s.status?.freeze);
      await new Promise(r => setTimeout(r, 1000));
      const toDev = (await request(server).get(`${api}/promotions`)).body.items
        .filter((p: any) => p.spec.stage === 'dev')
        .map((p: any) => p.spec.freight);
      expect(toDev).toEqual(['f1']);
    });

    it('needs kargo.freeze.manage to reject Freight for a whole project, and the approve permission for one Stage', async () => {
      const { server } = await start(
        `${manifests()}---${freight('f1', '1.0.0')}`,
        ['kargo.freeze.manage', 'kargo.freight.approve'],
      );
      const project = await reject(server, 'f1');
      expect(project.status).toBe(403);
      expect(project.body.error.message).toContain('kargo.freeze.manage');
      const stage = await reject(server, 'f1', 'prod');
      expect(stage.status).toBe(403);
      expect(stage.body.error.message).toContain('kargo.freight.approve');
    });
  },
);
