/**
 * The promotion pipeline end to end (issue 5), driven the way a user drives
 * it: through the plugin's HTTP API, with real Git (a GitOps repository
 * served by `git http-backend`), the real distribution registry (images
 * pushed with skopeo), Argo CD in an in-process fake Kubernetes API, and a
 * `web` analysis against a local endpoint the test controls.
 *
 *   Warehouse (image) → dev (direct, auto) → staging (soak 3s, auto) → prod
 *
 * A new tag becomes Freight, promotes itself to dev, is verified there,
 * moves on to staging after its soak and waits for a person to promote it to
 * prod; a failing analysis stops the next tag in staging; an approval lets a
 * hotfix skip staging.
 *
 * Warehouse discovery runs on a scheduler tick (every 2 s) that the test
 * backend's mock scheduler fires once at start-up only, so the test asks for
 * discovery after each push with `POST …/warehouses/app/refresh`, as a
 * registry webhook would. Everything else here is moved by the engines'
 * own events and timers.
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { Application } from '../argocd/application';
import {
  argocdConfig,
  startFakeArgoCD,
} from '../argocd/__testUtils__/argocdTestSetup';
import type { FakeKubernetesApi } from '../argocd/__testUtils__/fakeKubernetesApi';
import kargoPlugin from '../index';
import {
  LocalServer,
  sendJson,
  startLocalServer,
} from '../promotions/steps/http/__testUtils__/localServer';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { GitFixture } from '../warehouses/discovery/git/__testUtils__/gitFixtures';
import {
  GitHttpServer,
  startGitHttpServer,
} from '../warehouses/discovery/git/__testUtils__/gitHttpServer';
import { pushTestImage } from '../warehouses/discovery/registry/__testUtils__/ociLayout';
import { sharedTestRegistry } from '../warehouses/discovery/registry/__testUtils__/testRegistry';

jest.setTimeout(180_000);

const databases = createTestDatabases();

const PROJECT = 'shop';
const USER = 'user:default/mock';
const CONTROLLER = 'controller:kargo';
const ACTOR_ANNOTATION = 'kargo.akuity.io/create-actor';
const ENVS = ['dev', 'staging', 'prod'] as const;
type Env = (typeof ENVS)[number];

/** How long any one awaited state may take, and how often it is read. */
const WAIT_MS = 60_000;
const POLL_MS = 150;

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Polls `read` until `done` holds on its answer; bounded, saying why not. */
async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `Waited ${
          timeoutMs / 1000
        }s for ${what}; the last answer was: ${JSON.stringify(value).slice(
          0,
          4000,
        )}`,
      );
    }
    await sleep(POLL_MS);
  }
}

/** The Argo CD Application of one environment, authorized for its Stage. */
function applicationFor(
  env: Env,
  gitopsURL: string,
  initialCommit: string,
): Application {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: `app-${env}`,
      namespace: 'argocd',
      labels: { 'app.kubernetes.io/part-of': PROJECT, env },
      annotations: { 'kargo.akuity.io/authorized-stage': `${PROJECT}:${env}` },
    },
    spec: {
      project: 'default',
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: `${PROJECT}-${env}`,
      },
      source: {
        repoURL: gitopsURL,
        targetRevision: 'main',
        path: `env/${env}`,
      },
    },
    status: {
      sourceType: 'Directory',
      health: { status: 'Healthy' },
      sync: { status: 'Synced', revision: initialCommit },
      reconciledAt: '2026-01-01T00:00:05Z',
      operationState: {
        operation: {
          initiatedBy: { username: 'admin' },
          sync: { revision: initialCommit },
        },
        phase: 'Succeeded',
        message: 'successfully synced (all tasks run)',
        startedAt: '2026-01-01T00:00:00Z',
        finishedAt: '2026-01-01T00:00:04Z',
        syncResult: { revision: initialCommit },
      },
    },
  };
}

/** The pipeline's manifests, as a user would apply them. */
function pipelineManifests(options: {
  imageRepo: string;
  gitopsURL: string;
  analysisURL: string;
}) {
  const { imageRepo, gitopsURL, analysisURL } = options;
  const tag = `\${{ imageFrom('${imageRepo}').Tag }}`;
  const stage = (name: Env, sources: string, verify: boolean) => `
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: ${name}, namespace: ${PROJECT} }
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: ${sources}
${
  verify
    ? `  verification:
    analysisTemplates: [{ name: smoke }]
    args:
      - { name: stage, value: "\${{ ctx.stage }}" }
      - { name: tag, value: "${tag}" }
`
    : ''
}  promotionTemplate:
    spec:
      steps:
        - uses: git-clone
          config:
            repoURL: ${gitopsURL}
            checkout: [{ branch: main, path: ./out }]
        - uses: yaml-update
          as: update
          config:
            path: ./out/env/${name}/values.yaml
            updates: [{ key: image.tag, value: "${tag}" }]
        - uses: git-commit
          as: commit
          config: { path: ./out, message: "${name} runs app ${tag}" }
        - uses: git-push
          as: push
          config: { path: ./out }
        - uses: argocd-update
          as: sync
          config:
            apps:
              - name: app-${name}
                sources:
                  - repoURL: ${gitopsURL}
                    desiredRevision: "\${{ outputs.push.commit }}"
                    updateTargetRevision: true
`;
  return `
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: { name: ${PROJECT} }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: ProjectConfig
metadata: { name: ${PROJECT}, namespace: ${PROJECT} }
spec:
  promotionPolicies:
    - { stageSelector: { name: dev }, autoPromotionEnabled: true }
    - { stageSelector: { name: staging }, autoPromotionEnabled: true }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: app, namespace: ${PROJECT} }
spec:
  subscriptions:
    - image: { repoURL: ${imageRepo} }
---
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: { name: smoke, namespace: ${PROJECT} }
spec:
  args: [{ name: stage }, { name: tag }]
  metrics:
    - name: smoke
      count: 2
      interval: 1s
      successCondition: result.ok == true
      provider:
        web:
          url: "${analysisURL}/smoke?stage={{args.stage}}&tag={{args.tag}}"
          jsonPath: "{$}"
          timeoutSeconds: 5
---
${stage('dev', '{ direct: true }', true)}
---
${stage('staging', '{ stages: [dev], requiredSoakTime: 3s }', true)}
---
${stage('prod', '{ stages: [staging] }', false)}
`;
}

describe.each(databases.eachSupportedId())(
  'the promotion pipeline end to end on %s',
  databaseId => {
    /** The shared registry (host:port), or undefined: the tests skip. */
    let registry: string | undefined;
    let imageRepo: string;
    let gitops: GitFixture;
    let git: GitHttpServer;
    let gitopsURL: string;
    let argocd: FakeKubernetesApi | undefined;
    let analysis: LocalServer | undefined;
    /** `stage:tag` pairs the analysis endpoint answers `{ok: false}` for. */
    const failing = new Set<string>();
    let server: any;
    let stopBackend: (() => Promise<void>) | undefined;
    const digests: Record<string, string> = {};
    /** Freight names by image tag, as the Warehouse created them. */
    const freightOf: Record<string, string> = {};

    const api = `/api/kargo/v1beta1/projects/${PROJECT}`;
    const get = async (path: string) => {
      const res = await request(server).get(`${api}${path}`);
      if (res.status !== 200) {
        throw new Error(
          `GET ${path} answered ${res.status}: ${JSON.stringify(res.body)}`,
        );
      }
      return res.body;
    };
    const stage = (name: Env) => get(`/stages/${name}`);
    const freight = (name: string) => get(`/freight/${name}`);
    const freightFor = (name: Env) => get(`/freight?stage=${name}`);
    const promotionsOf = async (name: Env) =>
      (await get(`/promotions?stage=${name}`)).items as any[];
    const condition = (s: any, type: string) =>
      (s.status?.conditions ?? []).find((c: any) => c.type === type);
    const currentFreight = (s: any) =>
      s.status?.freightHistory?.[0]?.items?.['Warehouse/app']?.name;
    const latestVerification = (s: any) =>
      s.status?.freightHistory?.[0]?.verificationHistory?.[0];

    /** The GitOps repository's file for an environment, on `main` or a commit. */
    const gitopsFile = (env: Env, rev = 'main') =>
      execFileSync(
        'git',
        ['--git-dir', gitops.bareDir, 'show', `${rev}:env/${env}/values.yaml`],
        { encoding: 'utf8' },
      );
    const analysisCalls = (env: Env, tag: string) =>
      analysis!.requests.filter(r => r.url === `/smoke?stage=${env}&tag=${tag}`)
        .length;

    /** Pushes an image tag to the registry and asks the Warehouse to look. */
    async function release(tag: string) {
      digests[tag] = await pushTestImage({
        host: registry!,
        repo: imageRepo.slice(registry!.length + 1),
        tag,
        content: { content: `app ${tag} ${imageRepo}` },
      });
      const refreshed = await request(server).post(
        `${api}/warehouses/app/refresh`,
      );
      expect(refreshed.status).toBe(200);
      const list = await waitFor(
        `the Warehouse to turn ${tag} into Freight`,
        () => get('/freight'),
        b => b.items.some((f: any) => f.images?.[0]?.tag === tag),
      );
      const created = list.items.find((f: any) => f.images[0].tag === tag);
      freightOf[tag] = created.metadata.name;
      return created;
    }

    /** The Promotion of `tag` into `env` once it reached a terminal phase. */
    async function finishedPromotion(env: Env, tag: string) {
      const name = freightOf[tag];
      const items = await waitFor(
        `a Promotion of ${tag} (${name}) into ${env} to finish`,
        () => promotionsOf(env),
        ps =>
          ps.some(
            p =>
              p.spec.freight === name &&
              ['Succeeded', 'Failed', 'Errored', 'Aborted'].includes(
                p.status?.phase,
              ),
          ),
      );
      const mine = items.filter(p => p.spec.freight === name);
      expect(mine).toHaveLength(1); // promoted once, not again and again
      return mine[0];
    }

    /** Expects the Promotion succeeded, with every step, and was made by `actor`. */
    async function expectSucceeded(promotion: any, actor: string) {
      expect(promotion.status.message).toBeUndefined();
      expect(promotion.status.phase).toBe('Succeeded');
      expect(promotion.metadata.annotations[ACTOR_ANNOTATION]).toBe(actor);
      const steps = await get(`/promotions/${promotion.metadata.name}/steps`);
      expect(steps.items.map((s: any) => [s.uses, s.status])).toEqual([
        ['git-clone', 'Succeeded'],
        ['yaml-update', 'Succeeded'],
        ['git-commit', 'Succeeded'],
        ['git-push', 'Succeeded'],
        ['argocd-update', 'Succeeded'],
      ]);
      return steps.items.find((s: any) => s.uses === 'git-push').output
        .commit as string;
    }

    /**
     * After a Promotion of `tag` into `env` succeeded: the GitOps repository
     * holds the tag for that environment at the pushed commit, and Argo CD
     * synced the Application to that commit, for `actor`, and reports it
     * Healthy.
     */
    function expectDeployed(
      env: Env,
      tag: string,
      commit: string,
      actor: string,
    ) {
      expect(gitopsFile(env, commit)).toBe(`image:\n  tag: ${tag}\n`);
      expect(
        execFileSync(
          'git',
          ['--git-dir', gitops.bareDir, 'log', '-1', '--format=%s', commit],
          { encoding: 'utf8' },
        ).trim(),
      ).toBe(`${env} runs app ${tag}`);
      const app = argocd!.get<Application>(
        'Application',
        'argocd',
        `app-${env}`,
      )!;
      expect(app.spec.source).toMatchObject({
        repoURL: gitopsURL,
        targetRevision: commit,
      });
      expect(app.status).toMatchObject({
        health: { status: 'Healthy' },
        sync: { status: 'Synced', revision: commit },
        operationState: {
          phase: 'Succeeded',
          operation: { initiatedBy: { username: actor } },
        },
      });
    }

    /** Waits until the Stage is healthy and its verification of `tag` ended. */
    async function verificationOf(env: Env, tag: string) {
      return waitFor(
        `${env} to be healthy with a finished verification of ${tag}`,
        () => stage(env),
        s =>
          currentFreight(s) === freightOf[tag] &&
          s.status?.health?.status === 'Healthy' &&
          ['Successful', 'Failed', 'Error', 'Inconclusive'].includes(
            latestVerification(s)?.phase,
          ),
      );
    }

    beforeAll(async () => {
      registry = await sharedTestRegistry('pipeline end-to-end test');
      if (!registry) return;
      imageRepo = `${registry}/kargo-test/pipeline-${randomBytes(4).toString(
        'hex',
      )}`;

      gitops = new GitFixture('gitops');
      const initialCommit = gitops.commit({
        message: 'initial',
        files: Object.fromEntries(
          ENVS.map(env => [`env/${env}/values.yaml`, 'image:\n  tag: 0.0.0\n']),
        ),
      });
      gitops.run(gitops.workDir, 'push', '--quiet', 'origin', 'main');
      git = await startGitHttpServer({ root: gitops.reposDir });
      gitopsURL = `${git.url}/gitops.git`;

      const fake = await startFakeArgoCD();
      argocd = fake.api;
      for (const env of ENVS) {
        argocd.put(applicationFor(env, gitopsURL, initialCommit));
      }
      // Argo CD's controller picks up Kargo's sync operations by itself.
      fake.controller.runAutomatically();

      analysis = await startLocalServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://analysis');
        const key = `${url.searchParams.get('stage')}:${url.searchParams.get(
          'tag',
        )}`;
        sendJson(res, 200, { ok: !failing.has(key), checked: key });
      });

      const knex = await databases.init(databaseId);
      const permissions = mockServices.permissions.mock({
        authorize: async requests =>
          requests.map(() => ({ result: AuthorizeResult.ALLOW })) as any,
      });
      const backend = await startTestBackend({
        features: [
          kargoPlugin,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              kargo: {
                argocd: argocdConfig(argocd),
                // The analysis endpoint is on loopback: allowed explicitly.
                promotions: { egress: { allow: ['127.0.0.1'] } },
              },
            },
          }),
          permissions.factory,
          catalogServiceMock.factory(),
        ],
      });
      server = backend.server;
      stopBackend = () => backend.stop();

      const applied = await request(server)
        .post('/api/kargo/v1beta1/resources')
        .set('Content-Type', 'application/yaml')
        .send(
          pipelineManifests({
            imageRepo,
            gitopsURL,
            analysisURL: analysis.url,
          }),
        );
      if (applied.status !== 201) {
        throw new Error(
          `Applying the pipeline answered ${applied.status}: ${JSON.stringify(
            applied.body,
          )}`,
        );
      }
    });

    afterAll(async () => {
      await stopBackend?.();
      await analysis?.close();
      await argocd?.stop();
      await git?.close();
      gitops?.cleanup();
    });

    it('turns a pushed tag into Freight that promotes itself to dev, is verified there, reaches staging after its soak, and waits for a person to promote it to prod', async () => {
      if (!registry) return;
      const created = await release('1.0.0');
      const f1 = freightOf['1.0.0'];
      expect(created).toMatchObject({
        origin: { kind: 'Warehouse', name: 'app' },
        images: [
          { repoURL: imageRepo, tag: '1.0.0', digest: digests['1.0.0'] },
        ],
      });

      // dev takes it straight from the Warehouse, by itself.
      const toDev = await finishedPromotion('dev', '1.0.0');
      const devCommit = await expectSucceeded(toDev, CONTROLLER);
      expectDeployed('dev', '1.0.0', devCommit, CONTROLLER);
      expect(gitopsFile('dev')).toBe('image:\n  tag: 1.0.0\n');
      expect(gitopsFile('staging')).toBe('image:\n  tag: 0.0.0\n');

      // Healthy (Argo CD says so), then the web analysis runs: twice, 1s apart.
      const dev = await verificationOf('dev', '1.0.0');
      expect(dev.status.health).toMatchObject({
        status: 'Healthy',
        config: {
          checks: [
            {
              uses: 'argocd-update',
              config: {
                apps: [
                  {
                    name: 'app-dev',
                    namespace: 'argocd',
                    desiredRevisions: [devCommit],
                  },
                ],
              },
            },
          ],
        },
      });
      expect(latestVerification(dev)).toMatchObject({
        phase: 'Successful',
        analysisRun: { namespace: PROJECT, phase: 'Successful' },
      });
      expect(
        Date.parse(latestVerification(dev).finishTime) -
          Date.parse(latestVerification(dev).startTime),
      ).toBeGreaterThanOrEqual(1000);
      expect(analysisCalls('dev', '1.0.0')).toBe(2);
      expect(condition(dev, 'Healthy')).toMatchObject({ status: 'True' });
      expect(condition(dev, 'Verified')).toMatchObject({
        status: 'True',
        reason: 'Verified',
      });
      expect(dev.status.lastPromotion).toMatchObject({
        name: toDev.metadata.name,
        status: { phase: 'Succeeded' },
      });

      // Verified in dev; staging must wait for the soak.
      const soaking = await waitFor(
        'staging to see 1.0.0 soaking in dev',
        () => freightFor('staging'),
        b =>
          b.items.length > 0 ||
          b.unavailable.some(
            (u: any) => u.name === f1 && u.reason.startsWith('soaking'),
          ),
      );
      expect(soaking.items).toEqual([]); // not available yet
      expect(soaking.unavailable).toEqual([
        {
          name: f1,
          alias: created.alias,
          origin: 'app',
          reason: expect.stringMatching(
            /^soaking in "dev" for [1-3]s more \(requiredSoakTime 3s\)$/,
          ),
          availableAt: expect.any(String),
        },
      ]);
      const inDev = await freight(f1);
      expect(inDev.status.verifiedIn.dev).toEqual({
        verifiedAt: expect.any(String),
      });
      const devSince = Date.parse(inDev.status.currentlyIn.dev.since);
      expect(Date.parse(soaking.unavailable[0].availableAt)).toBe(
        devSince + 3000,
      );
      expect(await promotionsOf('staging')).toEqual([]);

      // After the soak, staging promotes it by itself and verifies it.
      const toStaging = await finishedPromotion('staging', '1.0.0');
      expect(
        Date.parse(toStaging.metadata.creationTimestamp),
      ).toBeGreaterThanOrEqual(devSince + 3000);
      const stagingCommit = await expectSucceeded(toStaging, CONTROLLER);
      expectDeployed('staging', '1.0.0', stagingCommit, CONTROLLER);
      const staging = await verificationOf('staging', '1.0.0');
      expect(latestVerification(staging).phase).toBe('Successful');
      expect(analysisCalls('staging', '1.0.0')).toBe(2);
      const inStaging = await waitFor(
        '1.0.0 to be marked verified in staging',
        () => freight(f1),
        f => !!f.status?.verifiedIn?.staging,
      );
      expect(Object.keys(inStaging.status.currentlyIn).sort()).toEqual([
        'dev',
        'staging',
      ]);

      // prod could take it, but nothing promotes it there by itself.
      const forProd = await freightFor('prod');
      expect(forProd.items.map((f: any) => f.metadata.name)).toEqual([f1]);
      expect(forProd.groups).toEqual({ 'Warehouse/app': { items: [f1] } });
      const prodBefore = await waitFor(
        'prod to be reconciled after 1.0.0 became available to it',
        () => stage('prod'),
        s => s.status?.autoPromotionEnabled === false,
      );
      await sleep(2000);
      expect(await promotionsOf('prod')).toEqual([]);
      expect(currentFreight(await stage('prod'))).toBeUndefined();
      expect(condition(prodBefore, 'Verified')).toMatchObject({
        status: 'Unknown',
        reason: 'NoFreight',
      });
      expect(gitopsFile('prod')).toBe('image:\n  tag: 0.0.0\n');

      // A person promotes it to prod.
      const promoted = await request(server)
        .post(`${api}/stages/prod/promotions`)
        .send({ freight: f1 });
      expect([promoted.status, promoted.body.error?.message]).toEqual([
        201,
        undefined,
      ]);
      const toProd = await finishedPromotion('prod', '1.0.0');
      expect(toProd.metadata.name).toBe(promoted.body.metadata.name);
      const prodCommit = await expectSucceeded(toProd, USER);
      expectDeployed('prod', '1.0.0', prodCommit, USER);
      // prod verifies nothing itself: healthy is verified.
      const prod = await verificationOf('prod', '1.0.0');
      expect(latestVerification(prod).phase).toBe('Successful');
      expect(condition(prod, 'Verified')).toMatchObject({ status: 'True' });
      await waitFor(
        '1.0.0 to be marked verified in prod',
        () => freight(f1),
        f => !!f.status?.verifiedIn?.prod,
      );
      expect(ENVS.map(env => gitopsFile(env))).toEqual(
        ENVS.map(() => 'image:\n  tag: 1.0.0\n'),
      );
    });

    it('stops the next tag in staging when its analysis fails there', async () => {
      if (!registry) return;
      failing.add('staging:1.1.0');
      await release('1.1.0');
      const f2 = freightOf['1.1.0'];

      const toDev = await finishedPromotion('dev', '1.1.0');
      await expectSucceeded(toDev, CONTROLLER);
      const dev = await verificationOf('dev', '1.1.0');
      expect(latestVerification(dev).phase).toBe('Successful');
      // 1.0.0 left dev: how long it stayed is kept with its verification.
      const f1 = await freight(freightOf['1.0.0']);
      expect(f1.status.currentlyIn.dev).toBeUndefined();
      expect(f1.status.verifiedIn.dev).toEqual({
        verifiedAt: expect.any(String),
        longestSoak: expect.stringMatching(/^(\d+m)?\d+(\.\d+)?s$/),
      });
      expect(dev.status.freightHistory.map(currentFreightOfCollection)).toEqual(
        [f2, freightOf['1.0.0']],
      );

      const toStaging = await finishedPromotion('staging', '1.1.0');
      await expectSucceeded(toStaging, CONTROLLER);
      expect(gitopsFile('staging')).toBe('image:\n  tag: 1.1.0\n');
      const staging = await verificationOf('staging', '1.1.0');
      expect(staging.status.health).toMatchObject({ status: 'Healthy' });
      const failed = latestVerification(staging);
      expect(failed).toMatchObject({
        phase: 'Failed',
        message:
          'Metric "smoke" assessed Failed due to failed (1) > failureLimit (0)',
        analysisRun: { phase: 'Failed' },
      });
      // One failed measurement is enough: the second is not taken.
      expect(analysisCalls('staging', '1.1.0')).toBe(1);
      expect(condition(staging, 'Verified')).toMatchObject({
        status: 'False',
        reason: 'VerificationFailed',
        message: failed.message,
      });
      // The previous Freight's verification is kept with its collection.
      expect(
        staging.status.freightHistory[1].verificationHistory[0].phase,
      ).toBe('Successful');

      // Not verified in staging, so not available to prod, and prod says why.
      const f2Status = await freight(f2);
      expect(Object.keys(f2Status.status.verifiedIn)).toEqual(['dev']);
      expect(Object.keys(f2Status.status.currentlyIn).sort()).toEqual([
        'dev',
        'staging',
      ]);
      const forProd = await freightFor('prod');
      expect(forProd.items.map((f: any) => f.metadata.name)).toEqual([
        freightOf['1.0.0'],
      ]);
      expect(forProd.unavailable).toEqual([
        {
          name: f2,
          alias: f2Status.alias,
          origin: 'app',
          reason: 'not verified in "staging"',
        },
      ]);
      const refused = await request(server)
        .post(`${api}/stages/prod/promotions`)
        .send({ freight: f2 });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toBe(
        `freight: Freight "${f2Status.alias}" is not available to Stage "prod": it is neither verified in an upstream Stage nor approved for this one`,
      );
      expect(currentFreight(await stage('prod'))).toBe(freightOf['1.0.0']);
      expect(gitopsFile('prod')).toBe('image:\n  tag: 1.0.0\n');
    });

    it('lets an approved hotfix skip staging into prod', async () => {
      if (!registry) return;
      const created = await release('1.1.1');
      const f3 = freightOf['1.1.1'];

      const before = await freightFor('prod');
      expect(before.unavailable).toContainEqual({
        name: f3,
        alias: created.alias,
        origin: 'app',
        reason: 'not verified in "staging"',
      });
      const approved = await request(server)
        .post(`${api}/freight/${f3}/approve`)
        .query({ stage: 'prod' });
      expect(approved.status).toBe(200);
      expect(approved.body.status.approvedFor.prod).toEqual({
        approvedAt: expect.any(String),
        approvedBy: USER,
      });
      const after = await freightFor('prod');
      expect(after.items.map((f: any) => f.metadata.name)).toEqual([
        f3,
        freightOf['1.0.0'],
      ]);

      const promoted = await request(server)
        .post(`${api}/stages/prod/promotions`)
        .send({ freight: f3 });
      expect([promoted.status, promoted.body.error?.message]).toEqual([
        201,
        undefined,
      ]);
      // Promoted to prod without ever being in, or verified in, staging.
      const atPromotion = await freight(f3);
      expect(atPromotion.status.verifiedIn?.staging).toBeUndefined();
      expect(atPromotion.status.currentlyIn?.staging).toBeUndefined();

      const toProd = await finishedPromotion('prod', '1.1.1');
      const prodCommit = await expectSucceeded(toProd, USER);
      expectDeployed('prod', '1.1.1', prodCommit, USER);
      const prod = await verificationOf('prod', '1.1.1');
      expect(condition(prod, 'Verified')).toMatchObject({ status: 'True' });
      expect(
        prod.status.freightHistory.map(currentFreightOfCollection),
      ).toEqual([f3, freightOf['1.0.0']]);
      expect(gitopsFile('prod')).toBe('image:\n  tag: 1.1.1\n');

      // Meanwhile the hotfix flows through dev and staging by itself too,
      // and staging, whose analysis passes for it, recovers.
      await finishedPromotion('staging', '1.1.1');
      const staging = await verificationOf('staging', '1.1.1');
      expect(latestVerification(staging).phase).toBe('Successful');
      expect(condition(staging, 'Verified')).toMatchObject({ status: 'True' });
      expect(ENVS.map(env => gitopsFile(env))).toEqual(
        ENVS.map(() => 'image:\n  tag: 1.1.1\n'),
      );
      const f2 = await freight(freightOf['1.1.0']);
      expect(Object.keys(f2.status.verifiedIn)).toEqual(['dev']);
      expect(f2.status.currentlyIn).toEqual({});
    });
  },
);

/** The Freight of a `freightHistory` entry (one origin here). */
function currentFreightOfCollection(collection: any) {
  return collection.items['Warehouse/app'].name;
}
