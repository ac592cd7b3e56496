import { createHmac } from 'node:crypto';
import { mockServices } from '@backstage/backend-test-utils';
import { parseManifests } from '@kargo-backstage/plugin-kargo-common';
import { DatabaseKargoStore, KargoStore } from '../database';
import { ManifestApplier } from '../manifests/ManifestApplier';
import { ConfigSecretsProvider, ConfiguredSecret } from '../secrets';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { buildWebhookPath } from './paths';
import { hubSignature } from './signatures';
import { WebhookReceivers } from './WebhookReceivers';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const RECEIVERS = `
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: { name: kargo-demo }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: { name: other }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: ProjectConfig
metadata: { name: kargo-demo, namespace: kargo-demo }
spec:
  webhookReceivers:
    - { name: gh, github: { secretRef: { name: gh } } }
    - { name: gl, gitlab: { secretRef: { name: gl } } }
    - { name: gt, gitea: { secretRef: { name: gt } } }
    - { name: bb, bitbucket: { secretRef: { name: bb } } }
    - { name: az, azure: { secretRef: { name: url } } }
    - { name: dh, dockerhub: { secretRef: { name: url } } }
    - { name: qu, quay: { secretRef: { name: url } } }
    - { name: hb, harbor: { secretRef: { name: hb } } }
    - name: af
      artifactory: { secretRef: { name: af }, virtualRepoName: docker-virtual }
    - name: gen
      generic:
        secretRef: { name: url }
        actions:
          - action: Refresh
            whenExpression: request.header("X-Event") == "release"
            parameters: { repo: https://github.com/example/app.git }
            targetSelectionCriteria:
              - kind: Warehouse
                indexSelector:
                  matchIndices:
                    - key: subscribedURLs
                      operator: Equals
                      value: \${{ normalizeGit(params.repo) }}
    - { name: no-secret, github: { secretRef: { name: missing } } }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: ClusterConfig
metadata: { name: cluster }
spec:
  webhookReceivers:
    - { name: everywhere, github: { secretRef: { name: cluster-gh } } }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: git-main, namespace: kargo-demo }
spec:
  subscriptions:
    - git: { repoURL: https://github.com/example/app.git }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: git-tags, namespace: kargo-demo }
spec:
  subscriptions:
    - git:
        repoURL: https://github.com/Example/App
        commitSelectionStrategy: SemVer
        semverConstraint: ^1.0.0
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: git-docs, namespace: kargo-demo }
spec:
  subscriptions:
    - git:
        repoURL: git@github.com:example/app.git
        branch: main
        includePaths: [docs]
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: unrelated, namespace: kargo-demo }
spec:
  subscriptions:
    - git: { repoURL: https://github.com/example/other.git }
    - image: { repoURL: ghcr.io/example/other }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: ghcr, namespace: kargo-demo }
spec:
  subscriptions:
    - image: { repoURL: ghcr.io/example/app }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: gitlab, namespace: kargo-demo }
spec:
  subscriptions:
    - git: { repoURL: https://gitlab.com/example/app.git, branch: develop }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: gitea, namespace: kargo-demo }
spec:
  subscriptions:
    - git: { repoURL: https://gitea.example.com/example/app.git }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: bitbucket, namespace: kargo-demo }
spec:
  subscriptions:
    - git: { repoURL: https://bitbucket.org/example/app.git }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: acr, namespace: kargo-demo }
spec:
  subscriptions:
    - image: { repoURL: myacr.azurecr.io/app, imageSelectionStrategy: Lexical }
    - git: { repoURL: https://dev.azure.com/org/proj/_git/repo }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: hub, namespace: kargo-demo }
spec:
  subscriptions:
    - image: { repoURL: docker.io/library/nginx, imageSelectionStrategy: Digest, constraint: latest }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: quay, namespace: kargo-demo }
spec:
  subscriptions:
    - image: { repoURL: quay.io/example/app }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: harbor, namespace: kargo-demo }
spec:
  subscriptions:
    - chart: { repoURL: oci://harbor.example.com/library/chart }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: artifactory, namespace: kargo-demo }
spec:
  subscriptions:
    - image: { repoURL: artifactory.example.com/docker-virtual/app }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: git-main, namespace: other }
spec:
  subscriptions:
    - git: { repoURL: https://github.com/example/app }
`;

const SECRETS: ConfiguredSecret[] = [
  { name: 'gh', project: 'kargo-demo', data: { secret: 'gh-secret' } },
  { name: 'gl', project: 'kargo-demo', data: { 'secret-token': 'gl-token' } },
  { name: 'gt', project: 'kargo-demo', data: { secret: 'gt-secret' } },
  { name: 'bb', project: 'kargo-demo', data: { secret: 'bb-secret' } },
  { name: 'url', project: 'kargo-demo', data: { secret: 'url-secret' } },
  { name: 'hb', project: 'kargo-demo', data: { 'auth-header': 'Basic aGI=' } },
  { name: 'af', project: 'kargo-demo', data: { 'secret-token': 'af-token' } },
  { name: 'cluster-gh', data: { secret: 'cluster-secret' } },
];

const BASE_URL = 'http://localhost:7007/api/kargo';

describe.each(databases.eachSupportedId())('WebhookReceivers on %s', id => {
  let store: KargoStore;
  let receivers: WebhookReceivers;
  let refresh: jest.Mock<Promise<boolean>, [string, string]>;
  let logger: ReturnType<typeof mockServices.logger.mock>;

  beforeAll(async () => {
    const knex = await databases.init(id);
    store = await DatabaseKargoStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    await new ManifestApplier(store).apply(parseManifests(RECEIVERS), 'create');
  });

  beforeEach(() => {
    refresh = jest.fn(async (_project: string, _name: string) => true);
    logger = mockServices.logger.mock();
    receivers = new WebhookReceivers({
      store,
      secrets: new ConfigSecretsProvider(SECRETS),
      refresh,
      baseUrl: `${BASE_URL}/`,
      logger,
    });
  });

  /** Path of a kargo-demo receiver, derived by hand (see paths.test.ts). */
  const pathOf = (
    type: any,
    name: string,
    secret: string,
    project = 'kargo-demo',
  ) => buildWebhookPath(project, type, name, [secret]);

  const send = (
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ) =>
    receivers.handle(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: Buffer.isBuffer(body)
        ? body
        : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    });

  const refreshed = () =>
    refresh.mock.calls.map(([p, n]) => `${p}/${n}`).sort();

  it('publishes endpoints derived as Kargo derives them', async () => {
    const projectConfig = (await store.getResource({
      kind: 'ProjectConfig',
      project: 'kargo-demo',
      name: 'kargo-demo',
    }))!;
    const { endpoints, errors } = await receivers.describeEndpoints(
      projectConfig,
    );
    expect(endpoints).toHaveLength(10);
    expect(endpoints[0]).toEqual({
      name: 'gh',
      path: pathOf('github', 'gh', 'gh-secret'),
      url: `${BASE_URL}/webhooks${pathOf('github', 'gh', 'gh-secret')}`,
    });
    // Vector computed by hand: printf '%s' 'kargo-demoghgh-secret' | sha256sum
    expect(endpoints[0].path).toBe(
      '/github/f1ee54849cc02cd7c64dbe8cdd42093e2ac57c18aa433458f51331124aa977cf',
    );
    expect(endpoints.map(e => e.path.split('/')[1])).toEqual([
      'github',
      'gitlab',
      'gitea',
      'bitbucket',
      'azure',
      'dockerhub',
      'quay',
      'harbor',
      'artifactory',
      'generic',
    ]);
    expect(errors).toEqual([
      'error syncing WebhookReceiver "no-secret": Secret "missing" not found in the secrets of project "kargo-demo"',
    ]);
    const clusterConfig = (await store.getResource({
      kind: 'ClusterConfig',
      project: '',
      name: 'cluster',
    }))!;
    expect(await receivers.endpointsFor(clusterConfig)).toEqual([
      {
        name: 'everywhere',
        path: pathOf('github', 'everywhere', 'cluster-secret', ''),
        url: `${BASE_URL}/webhooks${pathOf(
          'github',
          'everywhere',
          'cluster-secret',
          '',
        )}`,
      },
    ]);
    for (const e of endpoints) {
      expect(JSON.stringify(e)).not.toMatch(/secret|token|aGI=/);
    }
  });

  it('answers 404 for an unknown path, or a receiver whose Secret is missing', async () => {
    expect(await send('/github/0123', {})).toEqual({ status: 404, body: {} });
    expect(await send(pathOf('github', 'no-secret', ''), {})).toMatchObject({
      status: 404,
    });
    // A path derived with the wrong secret is just an unknown path.
    expect(await send(pathOf('dockerhub', 'dh', 'guess'), {})).toMatchObject({
      status: 404,
    });
    expect(refresh).not.toHaveBeenCalled();
  });

  describe('github', () => {
    const path = () => pathOf('github', 'gh', 'gh-secret');
    const push = {
      ref: 'refs/heads/main',
      repository: {
        clone_url: 'https://github.com/example/app.git',
        ssh_url: 'git@github.com:example/app.git',
      },
      commits: [{ added: ['src/a.ts'], modified: [], removed: [] }],
      head_commit: { added: [], modified: ['README.md'], removed: [] },
    };
    const signed = (body: unknown, event = 'push', key = 'gh-secret') => {
      const raw = JSON.stringify(body);
      return send(path(), raw, {
        'X-GitHub-Event': event,
        'X-Hub-Signature-256': hubSignature('sha256', raw, key),
      });
    };

    it('refreshes the Warehouses of the project subscribed to the branch', async () => {
      expect(await signed(push)).toEqual({
        status: 200,
        body: { msg: 'refreshed 1 warehouse(s)' },
      });
      // git-tags wants tags, git-docs only docs/, other projects are out.
      expect(refreshed()).toEqual(['kargo-demo/git-main']);
    });

    it('honours include paths and tag strategies', async () => {
      await signed({
        ...push,
        commits: [{ added: ['docs/index.md'] }],
      });
      expect(refreshed()).toEqual([
        'kargo-demo/git-docs',
        'kargo-demo/git-main',
      ]);
      refresh.mockClear();
      await signed({ ...push, ref: 'refs/tags/v1.2.0' });
      expect(refreshed()).toEqual(['kargo-demo/git-tags']);
      refresh.mockClear();
      await signed({ ...push, ref: 'refs/tags/v2.0.0' }); // outside ^1.0.0
      expect(refreshed()).toEqual([]);
    });

    it('refreshes GHCR image subscriptions on package events', async () => {
      const res = await signed(
        {
          action: 'published',
          package: {
            package_type: 'CONTAINER',
            package_version: {
              package_url: 'ghcr.io/example/app:1.0.0',
              container_metadata: {
                tag: { name: '1.0.0' },
                manifest: {
                  config: {
                    media_type: 'application/vnd.oci.image.config.v1+json',
                  },
                },
              },
            },
          },
        },
        'package',
      );
      expect(res.status).toBe(200);
      expect(refreshed()).toEqual(['kargo-demo/ghcr']);
    });

    it('answers ping with 200 and a message', async () => {
      expect(await signed({ zen: 'hi' }, 'ping')).toEqual({
        status: 200,
        body: { msg: 'ping event received, webhook is configured correctly' },
      });
    });

    it('refuses a bad or missing signature with 401', async () => {
      expect(await signed(push, 'push', 'wrong')).toEqual({
        status: 401,
        body: { error: 'unauthorized' },
      });
      expect(
        await send(path(), JSON.stringify(push), { 'X-GitHub-Event': 'push' }),
      ).toEqual({ status: 401, body: { error: 'missing signature' } });
      expect(refresh).not.toHaveBeenCalled();
      expect(JSON.stringify(logger.warn.mock.calls)).not.toContain(path());
    });

    it('answers 400 for unsupported events and malformed bodies', async () => {
      expect(await signed(push, 'issues')).toEqual({
        status: 400,
        body: { error: 'event type issues is not supported' },
      });
      const raw = '{not json';
      expect(
        await send(path(), raw, {
          'X-GitHub-Event': 'push',
          'X-Hub-Signature-256': hubSignature('sha256', raw, 'gh-secret'),
        }),
      ).toEqual({ status: 400, body: { error: 'invalid request body' } });
      expect(await signed({ ...push, ref: 42 })).toMatchObject({ status: 400 });
      expect(refresh).not.toHaveBeenCalled();
    });

    it('answers 413 beyond 2 MiB', async () => {
      const res = await send(path(), Buffer.alloc((2 << 20) + 1, 32), {
        'X-GitHub-Event': 'push',
      });
      expect(res.status).toBe(413);
    });

    it('cluster receivers refresh matching Warehouses in every project', async () => {
      const raw = JSON.stringify(push);
      const res = await send(
        pathOf('github', 'everywhere', 'cluster-secret', ''),
        raw,
        {
          'X-GitHub-Event': 'push',
          'X-Hub-Signature-256': hubSignature('sha256', raw, 'cluster-secret'),
        },
      );
      expect(res).toEqual({
        status: 200,
        body: { msg: 'refreshed 2 warehouse(s)' },
      });
      expect(refreshed()).toEqual(['kargo-demo/git-main', 'other/git-main']);
    });

    it('answers 500 when a refresh fails', async () => {
      refresh.mockResolvedValueOnce(false);
      expect(await signed(push)).toEqual({
        status: 500,
        body: { error: 'failed to refresh 1 of 1 warehouses' },
      });
    });
  });

  describe('gitlab', () => {
    const path = () => pathOf('gitlab', 'gl', 'gl-token');
    const body = {
      object_kind: 'push',
      ref: 'refs/heads/develop',
      total_commits_count: 1,
      commits: [{ added: ['x'] }],
      repository: {
        git_http_url: 'https://gitlab.com/example/app.git',
        git_ssh_url: 'git@gitlab.com:example/app.git',
      },
    };
    it('checks X-Gitlab-Token', async () => {
      const headers = { 'X-Gitlab-Event': 'Push Hook' };
      expect(
        await send(path(), body, { ...headers, 'X-Gitlab-Token': 'gl-token' }),
      ).toEqual({ status: 200, body: { msg: 'refreshed 1 warehouse(s)' } });
      expect(refreshed()).toEqual(['kargo-demo/gitlab']);
      expect(
        await send(path(), body, { ...headers, 'X-Gitlab-Token': 'nope' }),
      ).toEqual({ status: 401, body: {} });
      expect(await send(path(), body, headers)).toEqual({
        status: 401,
        body: {},
      });
      expect(
        await send(path(), body, {
          'X-Gitlab-Token': 'gl-token',
          'X-Gitlab-Event': 'Note Hook',
        }),
      ).toEqual({
        status: 400,
        body: { error: 'event type Note Hook is not supported' },
      });
      expect(
        await send(path(), '[]', { ...headers, 'X-Gitlab-Token': 'gl-token' }),
      ).toMatchObject({ status: 400 });
      expect(refresh).toHaveBeenCalledTimes(1);
    });
  });

  describe('gitea', () => {
    const path = () => pathOf('gitea', 'gt', 'gt-secret');
    const raw = JSON.stringify({
      ref: 'refs/heads/main',
      repository: { clone_url: 'https://gitea.example.com/example/app.git' },
      commits: [],
      total_commits: 0,
    });
    it('checks X-Hub-Signature-256', async () => {
      const ok = await send(path(), raw, {
        'X-Gitea-Event': 'push',
        'X-Hub-Signature-256': hubSignature('sha256', raw, 'gt-secret'),
      });
      expect(ok).toEqual({
        status: 200,
        body: { msg: 'refreshed 1 warehouse(s)' },
      });
      expect(refreshed()).toEqual(['kargo-demo/gitea']);
      expect(
        await send(path(), raw, {
          'X-Gitea-Event': 'push',
          'X-Hub-Signature-256': hubSignature('sha256', raw, 'x'),
        }),
      ).toEqual({ status: 401, body: { error: 'unauthorized' } });
      expect(await send(path(), raw, { 'X-Gitea-Event': 'push' })).toEqual({
        status: 401,
        body: { error: 'missing signature' },
      });
      expect(await send(path(), raw, { 'X-Gitea-Event': 'issues' })).toEqual({
        status: 501,
        body: { error: 'event type issues is not supported' },
      });
      expect(refresh).toHaveBeenCalledTimes(1);
    });
  });

  describe('bitbucket', () => {
    const path = () => pathOf('bitbucket', 'bb', 'bb-secret');
    const raw = JSON.stringify({
      push: {
        changes: [{ new: { type: 'branch', name: 'main' } }, { new: null }],
      },
      repository: {
        links: { html: { href: 'https://bitbucket.org/example/app' } },
      },
    });
    it('checks X-Hub-Signature', async () => {
      expect(
        await send(path(), raw, {
          'X-Event-Key': 'repo:push',
          'X-Hub-Signature': hubSignature('sha256', raw, 'bb-secret'),
        }),
      ).toEqual({ status: 200, body: { msg: 'refreshed 1 warehouse(s)' } });
      expect(refreshed()).toEqual(['kargo-demo/bitbucket']);
      expect(
        await send(path(), raw, {
          'X-Event-Key': 'repo:push',
          'X-Hub-Signature': hubSignature('sha256', raw, 'x'),
        }),
      ).toEqual({ status: 401, body: { error: 'unauthorized' } });
      expect(await send(path(), raw, { 'X-Event-Key': 'repo:push' })).toEqual({
        status: 401,
        body: { error: 'missing signature' },
      });
      expect(refresh).toHaveBeenCalledTimes(1);
    });
  });

  describe('azure (URL only)', () => {
    const path = () => pathOf('azure', 'az', 'url-secret');
    it('handles ACR pushes and pings and Azure DevOps pushes', async () => {
      const acr = { 'User-Agent': 'AzureContainerRegistry/1.0' };
      expect(
        await send(
          path(),
          {
            action: 'push',
            target: {
              repository: 'app',
              tag: 'v1',
              mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
            },
            request: { host: 'myacr.azurecr.io' },
          },
          acr,
        ),
      ).toEqual({ status: 200, body: { msg: 'refreshed 1 warehouse(s)' } });
      expect(await send(path(), { action: 'ping' }, acr)).toMatchObject({
        status: 200,
      });
      await send(
        path(),
        {
          eventType: 'git.push',
          resource: {
            refUpdates: [{ name: 'refs/heads/main' }],
            repository: {
              remoteUrl: 'https://dev.azure.com/org/proj/_git/repo',
            },
          },
        },
        { 'User-Agent': 'VSServices/16.0' },
      );
      expect(refreshed()).toEqual(['kargo-demo/acr', 'kargo-demo/acr']);
      expect(await send(path(), {}, { 'User-Agent': 'curl' })).toEqual({
        status: 400,
        body: {
          error:
            'request does not appear to have originated from a supported service',
        },
      });
      expect(await send(path(), 'nope', acr)).toMatchObject({ status: 400 });
    });
  });

  describe('dockerhub and quay (URL only)', () => {
    it('refresh image subscriptions that can select the tag', async () => {
      const dh = pathOf('dockerhub', 'dh', 'url-secret');
      const body = (tag: string) => ({
        push_data: {
          tag,
          media_type: 'application/vnd.docker.distribution.manifest.v2+json',
        },
        repository: { repo_name: 'nginx' },
      });
      await send(dh, body('stable')); // Digest strategy watches "latest" only
      expect(refreshed()).toEqual([]);
      await send(dh, body('latest'));
      expect(refreshed()).toEqual(['kargo-demo/hub']);
      expect(await send(dh, '{"push_data": []}')).toMatchObject({
        status: 400,
      });

      refresh.mockClear();
      await send(pathOf('quay', 'qu', 'url-secret'), {
        docker_url: 'quay.io/example/app',
        updated_tags: ['1.2.3'],
      });
      expect(refreshed()).toEqual(['kargo-demo/quay']);
    });
  });

  describe('harbor', () => {
    const path = () => pathOf('harbor', 'hb', 'Basic aGI=');
    const body = {
      type: 'PUSH_ARTIFACT',
      event_data: {
        resources: [
          {
            tag: '0.1.0',
            resource_url: 'harbor.example.com/library/chart:0.1.0',
          },
        ],
      },
    };
    it('checks the Authorization header', async () => {
      expect(await send(path(), body, { Authorization: 'Basic aGI=' })).toEqual(
        {
          status: 200,
          body: { msg: 'refreshed 1 warehouse(s)' },
        },
      );
      expect(refreshed()).toEqual(['kargo-demo/harbor']);
      expect(await send(path(), body, { Authorization: 'Basic eA==' })).toEqual(
        {
          status: 401,
          body: { error: 'unauthorized' },
        },
      );
      expect(await send(path(), body)).toEqual({
        status: 401,
        body: { error: 'missing authorization' },
      });
      expect(
        await send(
          path(),
          { type: 'DELETE_ARTIFACT' },
          { Authorization: 'Basic aGI=' },
        ),
      ).toEqual({ status: 400, body: { error: 'unsupported event type' } });
      expect(refresh).toHaveBeenCalledTimes(1);
    });
  });

  describe('artifactory', () => {
    const path = () => pathOf('artifactory', 'af', 'af-token');
    const raw = JSON.stringify({
      domain: 'docker',
      event_type: 'pushed',
      jpd_origin: 'https://artifactory.example.com',
      data: {
        path: 'app/1.0.0/manifest.json',
        repo_key: 'docker-local',
        image_name: 'app',
        image_type: 'docker',
        tag: '1.0.0',
      },
    });
    const sign = (key: string) =>
      createHmac('sha256', key).update(raw).digest('hex');
    it('checks X-Jfrog-Event-Auth and maps to the virtual repository', async () => {
      expect(
        await send(path(), raw, { 'X-Jfrog-Event-Auth': sign('af-token') }),
      ).toEqual({
        status: 200,
        body: { msg: 'refreshed 1 warehouse(s)' },
      });
      expect(refreshed()).toEqual(['kargo-demo/artifactory']);
      expect(
        await send(path(), raw, { 'X-Jfrog-Event-Auth': sign('x') }),
      ).toEqual({
        status: 401,
        body: { error: 'unauthorized' },
      });
      expect(await send(path(), raw)).toEqual({
        status: 401,
        body: { error: 'missing signature' },
      });
      expect(refresh).toHaveBeenCalledTimes(1);
    });
  });

  describe('generic (URL only)', () => {
    const path = () => pathOf('generic', 'gen', 'url-secret');
    it('runs actions whose whenExpression holds', async () => {
      const res = await send(path(), {}, { 'X-Event': 'release' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        results: [
          {
            action: 'Refresh',
            matchedWhenExpression: true,
            result: 'Success',
            // git-tags' https://github.com/Example/App normalises alike.
            summary: 'Refreshed 2 of 2 selected resources',
            selectedTargets: [
              { namespace: 'kargo-demo', name: 'git-main', success: true },
              { namespace: 'kargo-demo', name: 'git-tags', success: true },
            ],
          },
        ],
      });
      expect(refreshed()).toEqual([
        'kargo-demo/git-main',
        'kargo-demo/git-tags',
      ]);

      refresh.mockClear();
      const skipped = await send(path(), {}, { 'X-Event': 'other' });
      expect(skipped).toMatchObject({
        status: 200,
        body: {
          results: [{ result: 'NotApplicable', matchedWhenExpression: false }],
        },
      });
      expect(refresh).not.toHaveBeenCalled();
      expect(await send(path(), '{bad')).toMatchObject({ status: 400 });
    });
  });

  it('never logs or answers secrets', async () => {
    await send(pathOf('github', 'gh', 'gh-secret'), '{}', {
      'X-GitHub-Event': 'push',
      'X-Hub-Signature-256': 'sha256=00',
    });
    const logged = JSON.stringify([
      logger.info.mock.calls,
      logger.warn.mock.calls,
      logger.error.mock.calls,
    ]);
    for (const s of SECRETS) {
      for (const v of Object.values(s.data)) expect(logged).not.toContain(v);
    }
    expect(logged).not.toContain(pathOf('github', 'gh', 'gh-secret').slice(8));
  });
});
