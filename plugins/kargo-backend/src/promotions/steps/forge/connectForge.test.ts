import { ConfigReader } from '@backstage/config';
import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigCredentialsProvider } from '../../../warehouses/credentials/ConfigCredentialsProvider';
import {
  createStepContext,
  createTestWorkDir,
} from '../__testUtils__/stepContext';
import {
  FAKE_GITHUB_HOST,
  FAKE_GITLAB_HOST,
  FakeForge,
} from './__testUtils__/fakeForge';
import {
  GITHUB_REPO_URL,
  GITHUB_TOKEN,
  GITLAB_REPO_URL,
  forgeSteps,
  integrationsConfig,
  startForge,
} from './__testUtils__/forgeTestSetup';

describe('forge connections (credentials, hosts, TLS)', () => {
  let workDir: string;
  let cleanup: () => Promise<void>;
  let forge: FakeForge;

  beforeEach(async () => {
    ({ workDir, cleanup } = await createTestWorkDir());
  });
  afterEach(async () => {
    await forge?.stop();
    await cleanup();
  });

  const waitConfig = (
    repoURL: string,
    extra: Record<string, unknown> = {},
  ) => ({ repoURL, prNumber: 1, ...extra });

  it.each([
    ['github', GITHUB_REPO_URL, FAKE_GITHUB_HOST],
    ['gitlab', GITLAB_REPO_URL, FAKE_GITLAB_HOST],
  ])(
    'reports a %s token the forge rejects as terminal, naming host and integration',
    async (kind, repoURL, host) => {
      ({ forge } = await startForge());
      const step = forgeSteps(
        integrationsConfig(forge, {
          githubToken: 'ghp_revoked0000',
          gitlabToken: 'glpat-revoked0000',
        }),
      );

      const error = await step('git-wait-for-pr')
        .run(createStepContext(workDir, waitConfig(repoURL)))
        .catch(e => e);

      expect(error).toBeInstanceOf(TerminalStepError);
      expect(error.message).toContain(
        `${host} rejected the credentials (HTTP 401`,
      );
      expect(error.message).toContain(`integrations.${kind}`);
      expect(error.message).not.toContain('revoked0000');
    },
  );

  it('never lets a token into error messages, outputs or logs', async () => {
    let github;
    ({ forge, github } = await startForge());
    github.addPull({ source: 'kargo/promo', target: 'main' });
    const step = forgeSteps(integrationsConfig(forge));
    forge.failNext({
      status: 422,
      body: { message: `token ${GITHUB_TOKEN} lacks scope repo` },
    });

    const ctx = createStepContext(workDir, waitConfig(GITHUB_REPO_URL));
    const error = await step('git-wait-for-pr')
      .run(ctx)
      .catch(e => e);
    expect(error.message).toContain('token *** lacks scope repo');
    expect(error.message).not.toContain(GITHUB_TOKEN);

    const ok = await step('git-wait-for-pr').run(ctx);
    expect(JSON.stringify(ok)).not.toContain(GITHUB_TOKEN);
    expect(ctx.logs.join('\n')).not.toContain(GITHUB_TOKEN);
  });

  it('refuses a host no integration covers, before calling anything', async () => {
    ({ forge } = await startForge());
    const step = forgeSteps(integrationsConfig(forge));
    await expect(
      step('git-open-pr').run(
        createStepContext(workDir, {
          repoURL: 'https://git.unknown.test/acme/app.git',
          sourceBranch: 'a',
          targetBranch: 'b',
        }),
      ),
    ).rejects.toThrow(
      new TerminalStepError(
        'no GitHub or GitLab integration is configured for host "git.unknown.test": add one under integrations.github or integrations.gitlab in app-config',
      ),
    );
    expect(forge.requests).toHaveLength(0);
  });

  it('refuses providers it does not implement and providers the host is not configured as', async () => {
    ({ forge } = await startForge());
    const step = forgeSteps(integrationsConfig(forge));
    await expect(
      step('git-wait-for-pr').run(
        createStepContext(
          workDir,
          waitConfig(GITHUB_REPO_URL, { provider: 'gitea' }),
        ),
      ),
    ).rejects.toThrow(/provider "gitea" is not supported here/);
    await expect(
      step('git-wait-for-pr').run(
        createStepContext(
          workDir,
          waitConfig(GITHUB_REPO_URL, { provider: 'gitlab' }),
        ),
      ),
    ).rejects.toThrow(
      new TerminalStepError(
        `provider is gitlab but no integrations.gitlab entry has host "${FAKE_GITHUB_HOST}"`,
      ),
    );
    expect(forge.requests).toHaveLength(0);
  });

  it('prefers a matching kargo.credentials entry over the integration token', async () => {
    let github;
    ({ forge, github } = await startForge());
    github.addPull({ source: 'kargo/promo', target: 'main' });
    forge.tokens.add('ghp_fromKargoCredentials');
    const integrations = integrationsConfig(forge, {
      githubToken: 'ghp_notAccepted',
    });
    const credentials = ConfigCredentialsProvider.fromConfig(
      new ConfigReader({
        integrations,
        kargo: {
          credentials: [
            {
              type: 'git',
              repoURL: GITHUB_REPO_URL,
              password: 'ghp_fromKargoCredentials',
            },
          ],
        },
      }),
    );
    const step = forgeSteps(integrations, { credentials });

    const result = await step('git-wait-for-pr').run(
      createStepContext(workDir, waitConfig(GITHUB_REPO_URL)),
    );

    expect(result.status).toBe('Running');
    expect(forge.requests.map(r => r.authorization)).toEqual([
      'Bearer ghp_fromKargoCredentials',
    ]);
  });

  it('authenticates as a GitHub App installation when the integration has apps', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
    });
    let github;
    ({ forge, github } = await startForge({
      githubApp: {
        appId: 4242,
        publicKey,
        installations: [{ id: 77, owner: 'acme' }],
      },
    }));
    github.addPull({ source: 'kargo/promo', target: 'main' });
    const integrations = {
      github: [
        {
          host: FAKE_GITHUB_HOST,
          apiBaseUrl: forge.githubApiBaseUrl,
          apps: [
            {
              appId: 4242,
              privateKey: privateKey
                .export({ type: 'pkcs1', format: 'pem' })
                .toString(),
              clientId: 'Iv1.fake',
              clientSecret: 'fake-secret',
            },
          ],
        },
      ],
    };
    const step = forgeSteps(integrations);

    const result = await step('git-wait-for-pr').run(
      createStepContext(workDir, waitConfig(GITHUB_REPO_URL)),
    );

    expect(result.status).toBe('Running');
    const prCall = forge.requests.find(r => r.path.endsWith('/pulls/1'));
    expect(prCall?.authorization).toBe('Bearer ghs_installation_77_1');
  });

  it('finds the project of a GitLab served under a sub-path', async () => {
    let gitlab;
    ({ forge, gitlab } = await startForge());
    gitlab.addPull({ source: 'kargo/promo', target: 'main' });
    const config = integrationsConfig(forge) as any;
    config.gitlab[0].baseUrl = `https://${FAKE_GITLAB_HOST}/gitlab`;
    const step = forgeSteps(config);
    const result = await step('git-wait-for-pr').run(
      createStepContext(
        workDir,
        waitConfig(`https://${FAKE_GITLAB_HOST}/gitlab/acme/platform/app.git`),
      ),
    );
    expect(result.status).toBe('Running');
  });

  it('stops calling the forge when the step is aborted', async () => {
    ({ forge } = await startForge());
    const step = forgeSteps(integrationsConfig(forge));
    const controller = new AbortController();
    controller.abort();
    const error = await step('git-wait-for-pr')
      .run(
        createStepContext(workDir, waitConfig(GITHUB_REPO_URL), {
          signal: controller.signal,
        }),
      )
      .catch(e => e);
    expect(error.message).toMatch(/abort/i);
    expect(forge.requests).toHaveLength(0);
  });

  describe('over HTTPS with a self-signed certificate', () => {
    beforeEach(async () => {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          join(workDir, 'key.pem'),
          '-out',
          join(workDir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      const tls = {
        key: await readFile(join(workDir, 'key.pem'), 'utf8'),
        cert: await readFile(join(workDir, 'cert.pem'), 'utf8'),
      };
      let github;
      ({ forge, github } = await startForge({ tls }));
      github.addPull({ source: 'kargo/promo', target: 'main' });
    });

    it('refuses the certificate unless insecureSkipTLSVerify is set', async () => {
      const step = forgeSteps(integrationsConfig(forge));
      const refused = await step('git-wait-for-pr')
        .run(createStepContext(workDir, waitConfig(GITHUB_REPO_URL)))
        .catch(e => e);
      expect(refused.message).toMatch(/self[- ]signed certificate/);
      expect(forge.requests).toHaveLength(0);

      const accepted = await step('git-wait-for-pr').run(
        createStepContext(
          workDir,
          waitConfig(GITHUB_REPO_URL, { insecureSkipTLSVerify: true }),
        ),
      );
      expect(accepted.status).toBe('Running');
    });
  });
});
