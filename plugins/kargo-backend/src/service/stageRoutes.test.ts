import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { eventually, testStepsModule } from './__testUtils__/routeTestKit';
import { startKargoBackend } from './__testUtils__/startKargoBackend';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const noopModule = testStepsModule();

/** A Stage with a noop step, or a control-flow Stage (no template). */
const stage = (name: string, sources: string, controlFlow = false) => `
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: ${name}, namespace: demo }
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: ${sources}
${
  controlFlow
    ? ''
    : '  promotionTemplate: { spec: { steps: [{ uses: noop }] } }'
}
`;

const MANIFESTS = `
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: { name: demo }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: app, namespace: demo }
spec:
  subscriptions: [{ image: { repoURL: registry.example.com/app } }]
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: other, namespace: demo }
spec:
  subscriptions: [{ image: { repoURL: registry.example.com/other } }]
---
${stage('dev', '{ direct: true }')}
---
${stage('qa', '{ stages: [dev] }')}
---
${stage('uat', '{ stages: [dev], requiredSoakTime: 1h }')}
---
${stage('gate', '{ stages: [dev] }', true)}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: { namespace: demo, name: f1 }
alias: first
origin: { kind: Warehouse, name: app }
images: [{ repoURL: registry.example.com/app, tag: "1.0.0", digest: "sha256:${'e'.repeat(
  64,
)}" }]
`;

/** A Stage verified by a `web` analysis against `url`, and its template. */
const verifiedStage = (url: string) => `
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: { name: smoke, namespace: demo }
spec:
  metrics:
    - name: smoke
      successCondition: result.ok == true
      provider: { web: { url: "${url}", jsonPath: "{$}" } }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: checked, namespace: demo }
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: { direct: true }
  promotionTemplate: { spec: { steps: [{ uses: noop }] } }
  verification: { analysisTemplates: [{ name: smoke }] }
`;

describe.each(databases.eachSupportedId())('Stage routes on %s', databaseId => {
  async function startServer(deny: string[] = [], extra = '', config = {}) {
    return startKargoBackend({
      knex: await databases.init(databaseId),
      manifests: `${MANIFESTS}---${extra}`,
      deny,
      modules: [noopModule],
      config,
    });
  }

  const api = '/api/kargo/v1beta1/projects/demo';

  /** Polls (bounded) until `check` passes on the answer of `path`. */

  const freightFor = (server: any, stageName: string) =>
    request(server).get(`${api}/freight`).query({ stage: stageName });

  it('approves Freight for a Stage: it becomes available there at once, recorded with who and when', async () => {
    const { server, audits } = await startServer();
    const before = await freightFor(server, 'qa');
    expect(before.body.items).toEqual([]);
    expect(before.body.unavailable).toEqual([
      {
        name: 'f1',
        alias: 'first',
        origin: 'app',
        reason: 'not verified in "dev"',
      },
    ]);

    const approved = await request(server)
      .post(`${api}/freight/first/approve`)
      .query({ stage: 'qa' });
    expect(approved.status).toBe(200);
    expect(approved.body.status.approvedFor.qa).toMatchObject({
      approvedBy: 'user:default/mock',
      approvedAt: expect.any(String),
    });
    const after = await freightFor(server, 'qa');
    expect(after.body.items.map((f: any) => f.metadata.name)).toEqual(['f1']);
    expect(after.body.groups).toEqual({ 'Warehouse/app': { items: ['f1'] } });
    expect(audits).toContainEqual({
      eventId: 'freight-approve',
      outcome: 'success',
    });
  });

  it('refuses approval without both the approve and the promote permission, for a Stage not taking the origin, and without ?stage', async () => {
    for (const denied of ['kargo.freight.approve', 'kargo.stage.promote']) {
      const { server, audits } = await startServer([denied]);
      const refused = await request(server)
        .post(`${api}/freight/f1/approve`)
        .query({ stage: 'qa' });
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toContain(denied);
      expect(audits).toContainEqual({
        eventId: 'freight-approve',
        outcome: 'fail',
      });
    }
    const { server } = await startServer();
    const other = await request(server)
      .post('/api/kargo/v1beta1/resources')
      .set('Content-Type', 'application/yaml')
      .send(
        stage('elsewhere', '{ direct: true }').replace(
          'name: app }',
          'name: other }',
        ),
      );
    expect(other.status).toBe(201);
    const wrongOrigin = await request(server)
      .post(`${api}/freight/f1/approve`)
      .query({ stage: 'elsewhere' });
    expect(wrongOrigin.status).toBe(400);
    expect(wrongOrigin.body.error.message).toBe(
      'stage: Stage "elsewhere" does not request Freight from Warehouse "app"',
    );
    const noStage = await request(server).post(`${api}/freight/f1/approve`);
    expect(noStage.status).toBe(400);
    expect(
      (
        await request(server)
          .post(`${api}/freight/nope/approve`)
          .query({ stage: 'qa' })
      ).status,
    ).toBe(404);
  });

  it('promotes downstream once the Freight is verified, into every Stage that takes it and can, through control-flow Stages without a Promotion', async () => {
    const { server } = await startServer();
    const notYet = await request(server)
      .post(`${api}/stages/dev/promotions/downstream`)
      .send({ freight: 'f1' });
    expect(notYet.status).toBe(400);
    expect(notYet.body.error.message).toMatch(
      /^Freight "first" is not available to downstream Stage "gate": not verified in "dev"/,
    );

    const promoted = await request(server)
      .post(`${api}/stages/dev/promotions`)
      .send({ freight: 'f1' });
    expect(promoted.status).toBe(201);
    // Verified in dev once its Promotion succeeded and dev is healthy (no
    // checks, no verification configured).
    await eventually(
      server,
      api,
      '/freight/f1',
      f => !!f.status?.verifiedIn?.dev,
    );
    // uat still soaks for an hour: all or nothing.
    const soaking = await request(server)
      .post(`${api}/stages/dev/promotions/downstream`)
      .send({ freight: 'f1' });
    expect(soaking.status).toBe(400);
    expect(soaking.body.error.message).toMatch(
      /not available to downstream Stage "uat": soaking in "dev" for (1h0m0s|59m\d+s) more \(requiredSoakTime 1h\)/,
    );
    const uat = await freightFor(server, 'uat');
    expect(uat.body.unavailable[0]).toMatchObject({
      name: 'f1',
      availableAt: expect.any(String),
    });

    await request(server)
      .post(`${api}/freight/f1/approve`)
      .query({ stage: 'uat' })
      .expect(200);
    const downstream = await request(server)
      .post(`${api}/stages/dev/promotions/downstream`)
      .send({ freightAlias: 'first' });
    expect(downstream.status).toBe(201);
    expect(downstream.body.items.map((p: any) => p.spec.stage).sort()).toEqual([
      'qa',
      'uat',
    ]); // gate is a control-flow Stage: no Promotion
    // The control-flow Stage passed it on by itself.
    await eventually(
      server,
      api,
      '/freight/f1',
      f => !!f.status?.verifiedIn?.gate,
    );
  });

  it('answers 409 to re-verify or abort when there is nothing to re-run or stop, and re-verifies a verified Stage', async () => {
    const { server, audits } = await startServer();
    const nothing = await request(server).post(
      `${api}/stages/dev/verification`,
    );
    expect(nothing.status).toBe(409);
    expect(
      (await request(server).post(`${api}/stages/dev/verification/abort`))
        .status,
    ).toBe(409);

    await request(server)
      .post(`${api}/stages/dev/promotions`)
      .send({ freight: 'f1' })
      .expect(201);
    const verified = await eventually(
      server,
      api,
      '/stages/dev',
      s => s.status?.freightHistory?.[0]?.verificationHistory?.length === 1,
    );
    const first = verified.status.freightHistory[0].verificationHistory[0];
    expect(first.phase).toBe('Successful');
    const running = await request(server).post(
      `${api}/stages/dev/verification/abort`,
    );
    expect(running.status).toBe(409);

    const again = await request(server).post(`${api}/stages/dev/verification`);
    expect(again.status).toBe(200);
    const twice = await eventually(
      server,
      api,
      '/stages/dev',
      s => s.status?.freightHistory?.[0]?.verificationHistory?.length === 2,
    );
    expect(twice.status.freightHistory[0].verificationHistory[0]).toMatchObject(
      { phase: 'Successful', actor: 'user:default/mock' },
    );
    expect(audits).toContainEqual({
      eventId: 'stage-reverify',
      outcome: 'success',
    });
  });

  it('shows health and the Verified condition on the Stage after a Promotion', async () => {
    const { server } = await startServer();
    const fresh = await eventually(server, api, '/stages/dev', s =>
      (s.status?.conditions ?? []).some((c: any) => c.type === 'Healthy'),
    );
    expect(fresh.status.health).toMatchObject({ status: 'Unknown' });
    await request(server)
      .post(`${api}/stages/dev/promotions`)
      .send({ freight: 'f1' })
      .expect(201);
    const done = await eventually(server, api, '/stages/dev', s =>
      (s.status?.conditions ?? []).some(
        (c: any) => c.type === 'Verified' && c.status === 'True',
      ),
    );
    expect(done.status.health).toEqual({ status: 'Healthy' });
    expect(done.status.conditions).toContainEqual(
      expect.objectContaining({ type: 'Healthy', status: 'True' }),
    );
  });

  it('answers the AnalysisRun a verification names, 404 for an unknown one, 403 without read', async () => {
    const smoke = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    await new Promise<void>(r => smoke.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(smoke.address() as AddressInfo).port}/`;
      const { server } = await startServer([], verifiedStage(url), {
        kargo: { promotions: { egress: { allow: ['127.0.0.1'] } } },
      });
      await request(server)
        .post(`${api}/stages/checked/promotions`)
        .send({ freight: 'f1' })
        .expect(201);
      const verified = await eventually(
        server,
        api,
        '/stages/checked',
        s =>
          s.status?.freightHistory?.[0]?.verificationHistory?.[0]?.phase ===
          'Successful',
      );
      const ref =
        verified.status.freightHistory[0].verificationHistory[0].analysisRun;
      expect(ref).toMatchObject({ namespace: 'demo', phase: 'Successful' });

      const run = await request(server).get(`${api}/analysis-runs/${ref.name}`);
      expect(run.status).toBe(200);
      expect(run.body).toMatchObject({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AnalysisRun',
        metadata: { name: ref.name, namespace: 'demo' },
        status: {
          phase: 'Successful',
          metricResults: [
            expect.objectContaining({ name: 'smoke', phase: 'Successful' }),
          ],
        },
      });
      const unknown = await request(server).get(`${api}/analysis-runs/nope`);
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toContain('AnalysisRun "demo/nope"');

      const { server: denied } = await startServer(['kargo.project.read']);
      expect(
        (await request(denied).get(`${api}/analysis-runs/${ref.name}`)).status,
      ).toBe(403);
    } finally {
      smoke.close();
    }
  });
});
