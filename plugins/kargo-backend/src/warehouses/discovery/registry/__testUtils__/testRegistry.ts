import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  probeTestRegistry,
  reportMissingServer,
} from '../../../../__testUtils__/testServers';

function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the tools a test needs exist. When one is missing the test should
 * skip: this says so loudly, and under KARGO_TEST_STRICT=1 it throws
 * (a missing server is a CI failure), like createTestDatabases.
 */
export function requireTools(
  what: string,
  tools: Array<'docker-registry' | 'skopeo' | 'htpasswd'>,
): boolean {
  const missing = tools.filter(t => !hasCommand(t));
  if (!missing.length) return true;
  const message = `${what}: ${missing.join(
    ', ',
  )} not installed, these tests are skipped. Run \`npm run servers\` (scripts/test-servers.sh) and run the tests again.`;
  reportMissingServer(message);
  return false;
}

/**
 * The shared test registry (KARGO_TEST_REGISTRY, host:port) when it is set
 * and answers, plus skopeo to feed it; undefined (loudly) otherwise.
 */
export async function sharedTestRegistry(
  what: string,
): Promise<string | undefined> {
  const probe: { host: string } | { problem: string } =
    !process.env.KARGO_TEST_REGISTRY || hasCommand('skopeo')
      ? await probeTestRegistry()
      : { problem: 'skopeo is not installed' };
  if ('host' in probe) return probe.host;
  reportMissingServer(
    `${what}: ${probe.problem}, these tests are skipped. Start it with \`npm run servers\` (scripts/test-servers.sh), source .test-servers.env and run the tests again.`,
  );
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export type TestRegistryInstance = {
  /** 127.0.0.1:PORT */
  host: string;
  stop(): Promise<void>;
};

/**
 * Starts a private `docker-registry serve` on an ephemeral 127.0.0.1 port,
 * with bcrypt htpasswd Basic auth when `credentials` are given. Waits at
 * most 15 s for it to answer.
 */
function notificationsConfig(notifications?: {
  url: string;
  token: string;
  timeout?: string;
  threshold?: number;
  backoff?: string;
}): string {
  if (!notifications) return '';
  return `notifications:
  endpoints:
    - name: kargo
      url: ${notifications.url}
      headers:
        Authorization: [Bearer ${notifications.token}]
      timeout: ${notifications.timeout ?? '2s'}
      threshold: ${notifications.threshold ?? 3}
      backoff: ${notifications.backoff ?? '200ms'}
`;
}

export async function startTestRegistry(options: {
  credentials?: { username: string; password: string };
  /** Send the registry's notification events to `url` with a bearer token. */
  notifications?: {
    url: string;
    token: string;
    timeout?: string;
    threshold?: number;
    backoff?: string;
  };
}): Promise<TestRegistryInstance> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kargo-registry-'));
  const port = await freePort();
  let auth = '';
  if (options.credentials) {
    const line = execFileSync(
      'htpasswd',
      ['-Bbn', options.credentials.username, options.credentials.password],
      { encoding: 'utf8' },
    ).trim();
    await fs.writeFile(path.join(dir, 'htpasswd'), `${line}\n`);
    auth = `auth:
  htpasswd:
    realm: kargo-test
    path: ${path.join(dir, 'htpasswd')}
`;
  }
  const config = path.join(dir, 'config.yml');
  await fs.writeFile(
    config,
    `version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: ${path.join(dir, 'data')}
http:
  addr: 127.0.0.1:${port}
${auth}${notificationsConfig(options.notifications)}`,
  );
  const child: ChildProcess = spawn('docker-registry', ['serve', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', d => {
    stderr = (stderr + d).slice(-4000);
  });
  const host = `127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise(resolve => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise(r => setTimeout(r, 3000))]);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
      }
    }
    await fs.rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const res = await fetch(`http://${host}/v2/`, {
        signal: AbortSignal.timeout(1000),
      });
      if (res.status === 200 || res.status === 401) return { host, stop };
    } catch {
      // not up yet
    }
    await new Promise(r => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`docker-registry did not start on ${host}: ${stderr}`);
}
