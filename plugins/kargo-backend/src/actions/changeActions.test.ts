import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import {
  eventually,
  testStepsModule,
} from '../service/__testUtils__/routeTestKit';
import { startKargoBackend } from '../service/__testUtils__/startKargoBackend';
import { invokeAs, PIPELINE_YAML } from './__testUtils__/actionTestKit';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** The demo pipeline and `gated`, whose Promotions wait for alice. */
const MANIFESTS = `${PIPELINE_YAML}---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: gated, namespace: demo }
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
            minApprovals: 1
            approvers: { users: [user:default/alice] }
        - uses: noop
`;

describe.each(databases.eachSupportedId())(
  'promote, approve and review actions on %s',
  databaseId => {
    const api = '/api/kargo/v1beta1/projects/demo';

    async function start(deny: string[] = []) {
      return startKargoBackend({
        knex: await databases.init(databaseId),
        manifests: MANIFESTS,
        deny,
        modules: [testStepsModule()],
      });
    }

    it('promote-freight creates a Promotion as the caller (by alias), visible through the API and audited', async () => {
      const { server, actions, audits, auditMeta, asked } = await start();
      asked.length = 0;
      const out = await invokeAs(actions, 'alice', 'promote-freight', {
        project: 'demo',
        stage: 'dev',
        freight: 'f1-alias',
      });
      expect(out).toMatchObject({ phase: 'Pending', freight: 'f1' });
      expect(asked).toEqual(['kargo.stage.promote']);
      expect(audits.at(-1)).toEqual({
        eventId: 'promotion-create',
        outcome: 'success',
      });
      // No HTTP request to name the caller: the event does.
      expect(auditMeta.at(-1)).toEqual({
        project: 'demo',
        stage: 'dev',
        request: { freightAlias: 'f1-alias' },
        actor: 'user:default/alice',
        action: 'promote-freight',
      });
      const promotion = await eventually(
        server,
        api,
        `/promotions/${out.promotion}`,
        p => p.status?.phase === 'Succeeded',
      );
      expect(promotion.spec).toMatchObject({ stage: 'dev', freight: 'f1' });
      expect(
        promotion.metadata.annotations['kargo.akuity.io/create-actor'],
      ).toBe('user:default/alice');
    });

    it('promote-freight without kargo.stage.promote is refused, audited, and creates nothing', async () => {
      const { server, actions, audits } = await start(['kargo.stage.promote']);
      await expect(
        invokeAs(actions, 'alice', 'promote-freight', {
          project: 'demo',
          stage: 'dev',
          freight: 'f1',
        }),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message:
          'You are not allowed to do this to Stage "demo:dev" (kargo.stage.promote)',
      });
      expect(audits.at(-1)).toEqual({
        eventId: 'promotion-create',
        outcome: 'fail',
      });
      const listed = await request(server).get(`${api}/promotions`);
      expect(listed.body.items).toEqual([]);
    });

    it('promote-freight is refused like the promote route into a frozen Stage and with rejected Freight', async () => {
      const { server, actions } = await start();
      const both = async () => {
        const route = await request(server)
          .post(`${api}/stages/dev/promotions`)
          .send({ freight: 'f1' });
        const action = await invokeAs(actions, 'alice', 'promote-freight', {
          project: 'demo',
          stage: 'dev',
          freight: 'f1',
        }).catch(e => e);
        expect(action).toBeInstanceOf(Error);
        expect([action.name, action.message]).toEqual([
          route.body.error.name,
          route.body.error.message,
        ]);
        return action;
      };

      await request(server)
        .put(`${api}/stages/dev/freeze`)
        .send({ reason: 'incident INC-7' })
        .expect(200);
      const frozen = await both();
      expect(frozen.name).toBe('ConflictError');
      expect(frozen.message).toMatch(/is frozen by .*: incident INC-7$/);
      await request(server).delete(`${api}/stages/dev/freeze`).expect(200);

      await request(server)
        .post(`${api}/freight/f1/reject?stage=dev`)
        .send({ reason: 'CVE-2026-1' })
        .expect(200);
      expect((await both()).message).toMatch(/CVE-2026-1/);
      const listed = await request(server).get(`${api}/promotions`);
      expect(listed.body.items).toEqual([]);
    });

    it('approve-freight approves for a Stage as the caller, again without change, and then it can be promoted there', async () => {
      const { server, actions, audits, asked } = await start();
      asked.length = 0;
      const input = { project: 'demo', freight: 'f1', stage: 'prod' };
      const first = await invokeAs(actions, 'alice', 'approve-freight', input);
      expect(first).toMatchObject({
        freight: 'f1',
        stage: 'prod',
        approvedBy: 'user:default/alice',
      });
      expect(asked).toEqual(['kargo.freight.approve', 'kargo.stage.promote']);
      expect(audits).toContainEqual({
        eventId: 'freight-approve',
        outcome: 'success',
      });
      expect(await invokeAs(actions, 'bob', 'approve-freight', input)).toEqual(
        first,
      );
      const freight = await request(server).get(`${api}/freight/f1`);
      expect(freight.body.status.approvedFor.prod.approvedBy).toBe(
        'user:default/alice',
      );
      // Not verified in dev, yet promotable to prod now.
      const promoted = await invokeAs(actions, 'alice', 'promote-freight', {
        project: 'demo',
        stage: 'prod',
        freight: 'f1',
      });
      expect(promoted.freight).toBe('f1');
    });

    it('approve-freight without kargo.freight.approve is refused and changes nothing', async () => {
      const { server, actions, audits } = await start([
        'kargo.freight.approve',
      ]);
      await expect(
        invokeAs(actions, 'alice', 'approve-freight', {
          project: 'demo',
          freight: 'f1',
          stage: 'prod',
        }),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message:
          'You are not allowed to do this to Stage "demo:prod" (kargo.freight.approve)',
      });
      expect(audits.at(-1)).toEqual({
        eventId: 'freight-approve',
        outcome: 'fail',
      });
      const freight = await request(server).get(`${api}/freight/f1`);
      expect(freight.body.status.approvedFor).toBeUndefined();
    });

    describe('approve-promotion', () => {
      /** A Promotion of `gated` requested by bob, once it waits. */
      async function waiting(server: any) {
        const created = await request(server)
          .post(`${api}/stages/gated/promotions`)
          .set('Authorization', mockCredentials.user.header('user:default/bob'))
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

      it('approves a waiting Promotion as the calling user, which then runs on', async () => {
        const { server, actions, audits } = await start();
        const name = await waiting(server);
        // bob is not among the step's approvers.
        await expect(
          invokeAs(actions, 'bob', 'approve-promotion', {
            project: 'demo',
            promotion: name,
          }),
        ).rejects.toMatchObject({ name: 'NotAllowedError' });
        const out = await invokeAs(actions, 'alice', 'approve-promotion', {
          project: 'demo',
          promotion: name,
          comment: 'fine by me',
        });
        expect(out).toEqual({
          promotion: name,
          step: 'cab',
          reviewer: 'user:default/alice',
          decision: 'Approved',
        });
        expect(audits).toContainEqual({
          eventId: 'promotion-approve',
          outcome: 'success',
        });
        await eventually(
          server,
          api,
          `/promotions/${name}`,
          p => p.status?.phase === 'Succeeded',
        );
      });

      it('is refused without kargo.promotion.review', async () => {
        const { server, actions, audits } = await start([
          'kargo.promotion.review',
        ]);
        const name = await waiting(server);
        await expect(
          invokeAs(actions, 'alice', 'approve-promotion', {
            project: 'demo',
            promotion: name,
          }),
        ).rejects.toMatchObject({
          name: 'NotAllowedError',
          message:
            'You are not allowed to do this to Stage "demo:gated" (kargo.promotion.review)',
        });
        expect(audits.at(-1)).toEqual({
          eventId: 'promotion-approve',
          outcome: 'fail',
        });
      });
    });
  },
);
