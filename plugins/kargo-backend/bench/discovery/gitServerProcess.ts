/**
 * The benchmarks' Git server in a Node process of its own: the tests' smart
 * HTTP server (node http → `git http-backend` CGI per request) on 127.0.0.1.
 * A real Git host never shares the backend's event loop; in the benchmark
 * process it would, and every figure would then also time the server's
 * request handling against the side under test (the baselines, spawned
 * while that process idles, would not pay it).
 *
 * Run as a child (forked with this process's Node flags): it answers the
 * parent's "count" with the number of requests served so far, and exits
 * when the parent goes.
 */
import { fork } from 'node:child_process';
import { startGitHttpServer } from '../../src/warehouses/discovery/git/__testUtils__/gitHttpServer';

export type GitServerProcess = {
  /** http://127.0.0.1:PORT (repositories are `${url}/NAME.git`). */
  url: string;
  /** Requests the server has received so far. */
  requestCount(): Promise<number>;
  close(): Promise<void>;
};

type Request = { type: 'count'; id: number };
type Reply =
  | { type: 'ready'; url: string }
  | { type: 'count'; id: number; count: number };

/** Starts the server over the bare repositories under `root`. */
export function startGitServerProcess(options: {
  root: string;
  allowPush: boolean;
}): Promise<GitServerProcess> {
  const child = fork(__filename, [], {
    env: {
      ...process.env,
      KARGO_BENCH_GIT_ROOT: options.root,
      KARGO_BENCH_GIT_PUSH: options.allowPush ? '1' : '0',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (count: number) => void>();
  let nextId = 0;
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', code =>
      reject(new Error(`the git server process exited with ${code}`)),
    );
    // Backstage's Node transform also talks on this channel ("watch").
    child.on('message', (message: Reply) => {
      if (message.type === 'count') {
        pending.get(message.id)?.(message.count);
        pending.delete(message.id);
        return;
      }
      if (message.type !== 'ready') return;
      resolve({
        url: message.url,
        requestCount: () =>
          new Promise(answer => {
            const id = nextId++;
            pending.set(id, answer);
            child.send({ type: 'count', id } satisfies Request);
          }),
        async close() {
          child.kill();
          await exited;
        },
      });
    });
  });
}

async function serve() {
  const server = await startGitHttpServer({
    root: process.env.KARGO_BENCH_GIT_ROOT!,
    allowPush: process.env.KARGO_BENCH_GIT_PUSH === '1',
  });
  process.on('message', (message: Request) => {
    if (message.type === 'count') {
      process.send!({
        type: 'count',
        id: message.id,
        count: server.requests.length,
      } satisfies Reply);
    }
  });
  // Parent gone (or killed): stop serving.
  process.on(
    'disconnect',
    () => void server.close().then(() => process.exit(0)),
  );
  process.send!({ type: 'ready', url: server.url } satisfies Reply);
}

if (require.main === module) void serve();
