import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import YAML from 'yaml';

/*
 * Runs childBackend.ts (a real Backstage backend with the Kargo plugin) as a
 * child process the test can kill with SIGKILL and start again on the same
 * database, and talks to its API with a static access token.
 */

const TOKEN = 'crash-test-static-token-0123456789abcdef';

/** A free TCP port on 127.0.0.1 (the backend listens on a fixed port so a restart keeps its URL). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export type ChildBackendOptions = {
  /** Scratch directory: config file, log file, promotion work directory. */
  dir: string;
  port: number;
  /** `backend.database` config. */
  database: object;
  /** Extra `kargo` config. */
  kargo?: object;
};

export class ChildBackend {
  private child?: ChildProcess;
  private readonly configFile: string;
  private starts = 0;
  readonly baseUrl: string;

  constructor(private readonly options: ChildBackendOptions) {
    this.baseUrl = `http://127.0.0.1:${options.port}/api/kargo`;
    this.configFile = join(options.dir, 'app-config.yaml');
    writeFileSync(
      this.configFile,
      YAML.stringify({
        backend: {
          baseUrl: `http://127.0.0.1:${options.port}`,
          listen: { host: '127.0.0.1', port: options.port },
          database: options.database,
          auth: {
            externalAccess: [
              {
                type: 'static',
                options: { token: TOKEN, subject: 'crash-test' },
              },
            ],
          },
        },
        kargo: {
          ...options.kargo,
        },
      }),
    );
  }

  /** Starts the backend and waits (bounded) until its API answers. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.child) throw new Error('the child backend is already running');
    this.starts += 1;
    const log = createWriteStream(join(this.options.dir, 'backend.log'), {
      flags: 'a',
    });
    log.write(`\n===== start ${this.starts} =====\n`);
    const child = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        join(__dirname, 'childBackend.ts'),
        '--config',
        this.configFile,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info' },
      },
    );
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    this.child = child;
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', code =>
        reject(
          new Error(
            `the child backend exited with ${code} while starting; see ${join(
              this.options.dir,
              'backend.log',
            )}`,
          ),
        ),
      ),
    );
    exited.catch(() => {});
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const up = await Promise.race([
        fetch(`${this.baseUrl}/health`)
          .then(res => res.ok)
          .catch(() => false),
        exited,
      ]);
      if (up) return;
      await new Promise(r => setTimeout(r, 100));
    }
    throw new Error(`the child backend did not answer in ${timeoutMs} ms`);
  }

  /** kill -9: no shutdown hook runs, claims stay as they were. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise(resolve => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** A graceful stop (SIGTERM: shutdown hooks give claims back). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise(resolve => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  /** Calls the Kargo API; throws with the body on a non-2xx answer. */
  async api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${TOKEN}`,
    };
    if (typeof body === 'string') headers['content-type'] = 'application/yaml';
    else if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body:
        typeof body === 'string' || body === undefined
          ? body
          : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) {
      throw new Error(`${method} ${path}: ${res.status} ${text}`);
    }
    return text ? JSON.parse(text) : (undefined as T);
  }
}
