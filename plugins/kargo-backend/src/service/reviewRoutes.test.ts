import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
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

/** Catalog memberships, as Backstage's userInfo answers them. */
const GROUPS: Record<string, string[]> = {
  'user:default/bob': ['group:default/cab'],
  'user:default/carol': ['group:default/cab'],
};

const userInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: any) {
      const ref = credentials.principal.userEntityRef as string;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(GROUPS[ref] ?? [])],
      };
    },
  }),
});

const MANIFESTS = `${DEMO_PROJECT_YAML}---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: prod, namespace: demo }
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: { direct: true }
  promotionTemplate:
    spec:
      steps:
        - uses: wait-for-approval
          as: cab
          config:
            minApprovals: 2
            approvers:
              users: [user:default/alice]
              groups: [group:default/cab]
            forbidRequester: true
            message: Change \${{ ctx.stage }} to \${{ ctx.targetFreight.name }}?
        - uses: noop
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: { namespace: demo, name: f1 }
origin: { kind: Warehouse, name: app }
images: [{ repoURL: registry.example.com/app, tag: "1.0.0", digest: "sha256:${'a'.repeat(
  64,
)}" }]
`;

describe.each(databases.eachSupportedId())(
  'approval gates (wait-for-approval) on %s',
  databaseId => {
    const api = '/api/kargo/v1beta1/projects/demo';
    const as = (who: string) =>
      mockCredentials.user.header(`user:default/${who}`);

    async function start(deny: string[] = []) {
      return startKargoBackend({
        knex: await databases.init(databaseId),
        manifests: MANIFESTS,
        deny,
        modules: [testStepsModule(), userInfo],
      });
    }

    /** A Promotion requested by `requester`, once it waits for approval. */
    async function waitingPromotion(server: any, requester = 'requester') {
      const created = await request(server)
        .post(`${api}/stages/prod/promotions`)
        .set('Authorization', as(requester))
        .send({ freight: 'f1' });
      expect(created.status).toBe(201);
      const name = created.body.metadata.name as string;
      await eventually(server, api, `/promotions/${name}`, p =>
        /waiting for approval/.test(
          p.status?.stepExecutionMetadata?.[0]?.message ?? '',
        ),
      );
      return name;
    }

    const review = (
      server: any,
      name: string,
      who: string,
      path: 'approve' | 'reject',
      body: object = {},
    ) =>
      request(server)
        .post(`${api}/promotions/${name}/${path}`)
        .set('Authorization', as(who))
        .send(body);

    it('waits for two distinct approvers, refusing the requester and people not named, then runs on', async () => {
      const { server, audits } = await start();
      const name = await waitingPromotion(server);

      const steps = await request(server).get(
        `${api}/promotions/${name}/steps`,
      );
      expect(steps.body.items[0]).toMatchObject({
        alias: 'cab',
        uses: 'wait-for-approval',
        status: 'Running',
        output: {
          minApprovals: 2,
          approvers: {
            users: ['user:default/alice'],
            groups: ['group:default/cab'],
          },
          forbidRequester: true,
          requestedBy: 'user:default/requester',
          message: 'Change prod to f1?',
          approvedBy: [],
        },
      });

      const own = await review(server, name, 'requester', 'approve');
      expect(own.status).toBe(403);
      expect(own.body.error.message).toBe(
        'user:default/requester requested this Promotion and may not approve or reject it (forbidRequester)',
      );
      const stranger = await review(server, name, 'mallory', 'approve');
      expect(stranger.status).toBe(403);
      expect(stranger.body.error.message).toBe(
        'user:default/mallory is not an approver of this step (approvers: user:default/alice, members of group:default/cab)',
      );

      const alice = await review(server, name, 'alice', 'approve', {
        comment: 'looks good',
      });
      expect(alice.status).toBe(200);
      expect(alice.body).toMatchObject({
        reviewer: 'user:default/alice',
        decision: 'Approved',
        comment: 'looks good',
        step: 'cab',
      });
      expect((await review(server, name, 'alice', 'approve')).status).toBe(409);
      // One approval of two: still waiting.
      await eventually(server, api, `/promotions/${name}`, p =>
        /1 of 2/.test(p.status?.stepExecutionMetadata?.[0]?.message ?? ''),
      );
      expect(
        (await request(server).get(`${api}/promotions/${name}`)).body.status
          .phase,
      ).toBe('Running');

      expect((await review(server, name, 'bob', 'approve')).status).toBe(200);
      const done = await eventually(
        server,
        api,
        `/promotions/${name}`,
        p => p.status?.phase === 'Succeeded',
      );
      expect(done.status.stepExecutionMetadata[0].status).toBe('Succeeded');
      // Nothing is waiting any more.
      expect((await review(server, name, 'carol', 'approve')).status).toBe(409);
      expect(
        audits
          .filter(a => a.eventId === 'promotion-approve')
          .map(a => a.outcome),
      ).toEqual(['fail', 'fail', 'success', 'fail', 'success', 'fail']);
    });

    it('fails the Promotion on one rejection, with the reviewer and the reason', async () => {
      const { server } = await start();
      const name = await waitingPromotion(server);
      const noReason = await review(server, name, 'carol', 'reject');
      expect(noReason.status).toBe(400);
      expect(noReason.body.error.message).toMatch(/^reason: required/);
      expect(
        (
          await review(server, name, 'carol', 'reject', {
            reason: 'CAB meets on Thursday',
          })
        ).status,
      ).toBe(200);
      const failed = await eventually(
        server,
        api,
        `/promotions/${name}`,
        p => p.status?.phase === 'Failed',
      );
      expect(failed.status.message).toContain(
        'rejected by user:default/carol: CAB meets on Thursday',
      );
    });

    it('needs kargo.promotion.review on the Stage', async () => {
      const deny: string[] = [];
      const { server } = await start(deny);
      const name = await waitingPromotion(server);
      deny.push('kargo.promotion.review');
      const refused = await review(server, name, 'alice', 'approve');
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toBe(
        'You are not allowed to do this to Stage "demo:prod" (kargo.promotion.review)',
      );
    });

    it('answers who promoted, reviewed, approved, rejected and froze what for a Stage, newest first', async () => {
      const { server } = await start();
      const name = await waitingPromotion(server);
      await review(server, name, 'alice', 'approve', { comment: 'ok' });
      await review(server, name, 'carol', 'reject', { reason: 'not today' });
      await eventually(
        server,
        api,
        `/promotions/${name}`,
        p => p.status?.phase === 'Failed',
      );
      await request(server)
        .post(`${api}/freight/f1/reject`)
        .query({ stage: 'prod' })
        .set('Authorization', as('alice'))
        .send({ reason: 'CVE' })
        .expect(200);
      await request(server)
        .put(`${api}/stages/prod/freeze`)
        .set('Authorization', as('bob'))
        .send({ reason: 'incident' })
        .expect(200);

      const trail = await request(server)
        .get(`${api}/stages/prod/audit`)
        .set('Authorization', as('mallory'));
      expect(trail.status).toBe(200);
      expect(
        trail.body.items.map((e: any) =>
          [e.action, e.actor, e.outcome ?? e.detail ?? ''].join(' '),
        ),
      ).toEqual([
        'froze user:default/bob Stage: incident',
        'rejected-freight user:default/alice CVE',
        'rejected-promotion user:default/carol not today',
        'approved-promotion user:default/alice ok',
        'promoted user:default/requester Failed',
      ]);
      expect(
        (await request(server).get(`${api}/stages/nope/audit`)).status,
      ).toBe(404);
      const { server: denied } = await start(['kargo.project.read']);
      expect(
        (await request(denied).get(`${api}/stages/prod/audit`)).status,
      ).toBe(403);
    });
  },
);
