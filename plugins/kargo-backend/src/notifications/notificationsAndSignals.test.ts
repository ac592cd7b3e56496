import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  type NotificationSendOptions,
  notificationService,
} from '@backstage/plugin-notifications-node';
import {
  type SignalPayload,
  signalsServiceRef,
} from '@backstage/plugin-signals-node';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import {
  type LocalServer,
  sendJson,
  startLocalServer,
} from '../promotions/steps/http/__testUtils__/localServer';
import {
  DEMO_PROJECT_YAML,
  testStepsModule,
} from '../service/__testUtils__/routeTestKit';
import { startKargoBackend } from '../service/__testUtils__/startKargoBackend';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** The component linked to project `demo`, owned by team-a. */
const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'demo-service',
    namespace: 'default',
    annotations: { 'kargo.akuity.io/project': 'demo' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'group:team-a' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
};

const stage = (name: string, steps: string, extra = '') => `---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: ${name}, namespace: demo }
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: { direct: true }
  promotionTemplate: { spec: { steps: ${steps} } }
${extra}`;

const FREIGHT = `---
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: { namespace: demo, name: f1, labels: { kargo.akuity.io/alias: wise-otter } }
alias: wise-otter
origin: { kind: Warehouse, name: app }
images: [{ repoURL: registry.example.com/app, tag: "1.0.0", digest: "sha256:${'a'.repeat(
  64,
)}" }]
`;

/** Polls (bounded: 10 s) until `find` returns something. */
async function waitFor<T>(what: string, find: () => T | undefined) {
  for (let i = 0; i < 200; i++) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error(`never happened: ${what}`);
}

describe.each(databases.eachSupportedId())(
  'notifications and live signals through the real plugin on %s',
  databaseId => {
    let sent: NotificationSendOptions[];
    let signals: SignalPayload[];
    let verifier: LocalServer;

    beforeAll(async () => {
      verifier = await startLocalServer((_req, res) =>
        sendJson(res, 200, { ok: false }),
      );
    });
    afterAll(() => verifier.close());

    const capture = [
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({
          send: async (options: NotificationSendOptions) => {
            sent.push(options);
          },
        }),
      }),
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({
          publish: async (signal: SignalPayload<any>) => {
            signals.push(signal);
          },
        }),
      }),
    ];

    async function start(manifests: string, config?: object) {
      sent = [];
      signals = [];
      return startKargoBackend({
        knex: await databases.init(databaseId),
        manifests,
        modules: [testStepsModule(), ...capture],
        entities: [component],
        config: config as any,
      });
    }

    const promote = (server: any, to: string, as = 'alice') =>
      request(server)
        .post(`/api/kargo/v1beta1/projects/demo/stages/${to}/promotions`)
        .set('Authorization', mockCredentials.user.header(`user:default/${as}`))
        .send({ freight: 'f1' });

    /** The phase of a Promotion, once it is terminal. */
    async function ended(server: any, name: string): Promise<string> {
      for (let i = 0; i < 200; i++) {
        const { body } = await request(server).get(
          `/api/kargo/v1beta1/projects/demo/promotions/${name}`,
        );
        const phase = body.status?.phase;
        if (['Succeeded', 'Failed', 'Errored', 'Aborted'].includes(phase)) {
          return phase;
        }
        await new Promise(r => setTimeout(r, 50));
      }
      throw new Error(`Promotion ${name} never ended`);
    }

    it('tells the owners of the linked entity when a Promotion fails, and nobody when one succeeds', async () => {
      const { server } = await start(
        `${DEMO_PROJECT_YAML}${stage(
          'dev',
          '[{ uses: fail, config: { message: chart is broken } }]',
        )}${stage('ok', '[{ uses: noop }]')}${FREIGHT}`,
      );
      const failed = await promote(server, 'dev');
      const good = await promote(server, 'ok');
      expect([failed.status, good.status]).toEqual([201, 201]);
      expect(await ended(server, failed.body.metadata.name)).toBe('Failed');
      expect(await ended(server, good.body.metadata.name)).toBe('Succeeded');

      const notice = await waitFor('the failure notification', () =>
        sent.find(n => n.payload.title.startsWith('Promotion to demo/dev')),
      );
      expect(notice).toEqual({
        recipients: { type: 'entity', entityRef: ['group:default/team-a'] },
        payload: {
          title: 'Promotion to demo/dev failed',
          description:
            'Freight wise-otter (f1) — promoted by user:default/alice — failed: chart is broken',
          link: '/catalog/default/component/demo-service/kargo',
          severity: 'high',
          topic: 'kargo-promotion-failed',
          scope: `kargo:promotion:demo/${failed.body.metadata.name}`,
        },
      });
      expect(sent.map(n => n.payload.title)).toEqual([
        'Promotion to demo/dev failed',
      ]);
    });

    it('asks the approvers of a waiting Promotion (named users, groups and owners), not its requester', async () => {
      const { server } = await start(
        `${DEMO_PROJECT_YAML}${stage(
          'prod',
          `[{ uses: wait-for-approval, config: { minApprovals: 2, message: release train, approvers: { users: [user:default/bob, user:default/alice], groups: [group:default/sre], owners: true } } }]`,
        )}${FREIGHT}`,
      );
      const waiting = await promote(server, 'prod', 'alice');
      expect(waiting.status).toBe(201);
      const notice = await waitFor('the approval request', () => sent[0]);
      expect(notice).toEqual({
        recipients: {
          type: 'entity',
          entityRef: [
            'user:default/bob',
            'user:default/alice',
            'group:default/sre',
            'group:default/team-a',
          ],
          excludeEntityRef: 'user:default/alice',
        },
        payload: {
          title: 'Approval requested: Promotion to demo/prod',
          description:
            'user:default/alice asks for 2 approval(s) — release train',
          link: '/catalog/default/component/demo-service/kargo',
          severity: 'normal',
          topic: 'kargo-approval-requested',
          scope: `kargo:approval:demo/${waiting.body.metadata.name}`,
        },
      });
      expect(sent).toHaveLength(1);
    });

    it('tells the owners when the verification of the new Freight fails', async () => {
      const { server } = await start(
        `${DEMO_PROJECT_YAML}---
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: { name: smoke, namespace: demo }
spec:
  metrics:
    - name: smoke
      successCondition: result == true
      provider: { web: { url: "${verifier.url}/health", jsonPath: "{$.ok}" } }
${stage(
  'dev',
  '[{ uses: noop }]',
  '  verification: { analysisTemplates: [{ name: smoke }] }\n',
)}${FREIGHT}`,
      );
      const promotion = await promote(server, 'dev');
      expect(await ended(server, promotion.body.metadata.name)).toBe(
        'Succeeded',
      );
      const notice = await waitFor('the verification notification', () =>
        sent.find(n => n.payload.topic === 'kargo-verification-failed'),
      );
      expect(notice.recipients).toEqual({
        type: 'entity',
        entityRef: ['group:default/team-a'],
      });
      expect(notice.payload).toMatchObject({
        title: 'Verification in demo/dev failed',
        link: '/catalog/default/component/demo-service/kargo',
        severity: 'high',
      });
      expect(notice.payload.description).toMatch(
        /^Freight wise-otter \(f1\) — .*AnalysisRun /,
      );
      expect(verifier.requests.length).toBeGreaterThan(0);
    });

    it('sends nothing with kargo.notifications.enabled false', async () => {
      const { server } = await start(
        `${DEMO_PROJECT_YAML}${stage('dev', '[{ uses: fail }]')}${FREIGHT}`,
        { kargo: { notifications: { enabled: false } } },
      );
      const failed = await promote(server, 'dev');
      expect(await ended(server, failed.body.metadata.name)).toBe('Failed');
      // The signal of the same commit has gone out: the notification would have too.
      await waitFor('the signal of the failed Promotion', () =>
        signals.find(s => (s.message as any).kinds.includes('Promotion')),
      );
      expect(sent).toEqual([]);
    });

    it('signals open pages on kargo:project:<name> when a project changes, coalescing bursts', async () => {
      const { server } = await start(
        `${DEMO_PROJECT_YAML}${stage('dev', '[{ uses: noop }]')}${FREIGHT}`,
      );
      const applied = await waitFor('the signal of the applied manifests', () =>
        signals.find(s => s.channel === 'kargo:project:demo'),
      );
      expect(applied).toMatchObject({
        recipients: { type: 'broadcast' },
        channel: 'kargo:project:demo',
        message: { project: 'demo' },
      });
      expect((applied.message as any).kinds).toEqual(
        expect.arrayContaining(['Freight', 'Project', 'Stage', 'Warehouse']),
      );

      signals.length = 0;
      const promotion = await promote(server, 'dev');
      expect(await ended(server, promotion.body.metadata.name)).toBe(
        'Succeeded',
      );
      const promoted = await waitFor('a signal of the Promotion', () =>
        signals.find(s => (s.message as any).kinds.includes('Promotion')),
      );
      expect(promoted.channel).toBe('kargo:project:demo');
      // Creating, starting, running and finishing the Promotion and the
      // Stage's reconciliations write a dozen rows; pages get a few signals.
      await new Promise(r => setTimeout(r, 1500));
      expect(signals.length).toBeGreaterThan(0);
      expect(signals.length).toBeLessThan(8);
      expect(signals.every(s => s.channel === 'kargo:project:demo')).toBe(true);
    });
  },
);
