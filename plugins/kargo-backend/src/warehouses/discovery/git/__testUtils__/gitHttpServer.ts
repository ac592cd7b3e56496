import { spawn } from 'node:child_process';
import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';

/*
 * Test servers for Git over HTTP on 127.0.0.1: smart HTTP (`git
 * http-backend` run as CGI) behind optional Basic auth, a server that never
 * answers (timeouts), and a port with nothing listening (unreachable).
 */

export type GitHttpServer = {
  /** http://127.0.0.1:PORT (repositories are `${url}/NAME.git`). */
  url: string;
  /** Requests seen, as "METHOD path?query" plus the user, if any. */
  requests: Array<{ method: string; url: string; user?: string }>;
  close(): Promise<void>;
};

export type GitHttpServerOptions = {
  /** Directory holding the bare repositories. */
  root: string;
  /** When set, every request needs these Basic credentials. */
  username?: string;
  password?: string;
  /** Let clients push (receive-pack); default true. */
  allowPush?: boolean;
};

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve((server.address() as AddressInfo).port),
    );
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections?.();
  return new Promise(resolve => server.close(() => resolve()));
}

function basicUser(req: IncomingMessage): [string, string] | undefined {
  const header = req.headers.authorization ?? '';
  const m = /^Basic\s+(.+)$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return [decoded.slice(0, colon), decoded.slice(colon + 1)];
}

function runHttpBackend(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  user: string,
  allowPush: boolean,
) {
  const [path, query = ''] = (req.url ?? '/').split('?');
  const child = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: root,
      // http-backend only allows pushes from an authenticated user.
      ...(allowPush ? { REMOTE_USER: user || 'anonymous' } : {}),
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(path),
      QUERY_STRING: query,
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      CONTENT_LENGTH: req.headers['content-length'] ?? '',
      HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
    },
  });
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    headersDone = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = parseInt(value, 10);
      else if (name) res.setHeader(name, value);
    }
    res.statusCode = status;
    res.write(head.subarray(end + 4));
  });
  child.stderr.resume();
  child.on('close', code => {
    if (!headersDone) {
      res.statusCode = 500;
      res.end(`git http-backend exited with ${code}`);
    } else {
      res.end();
    }
  });
  res.on('close', () => {
    if (!res.writableEnded) child.kill();
  });
}

/** Smart HTTP for the bare repositories under `root`. */
export async function startGitHttpServer(
  options: GitHttpServerOptions,
): Promise<GitHttpServer> {
  const requests: GitHttpServer['requests'] = [];
  const server = createServer((req, res) => {
    const creds = basicUser(req);
    requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      user: creds?.[0],
    });
    if (options.password !== undefined) {
      const ok =
        creds !== undefined &&
        creds[1] === options.password &&
        (options.username === undefined || creds[0] === options.username);
      if (!ok) {
        res.statusCode = 401;
        res.setHeader('WWW-Authenticate', 'Basic realm="git"');
        res.end('unauthorized');
        return;
      }
    }
    runHttpBackend(
      options.root,
      req,
      res,
      creds?.[0] ?? '',
      options.allowPush ?? true,
    );
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => closeServer(server),
  };
}

/** A server that accepts requests and never answers them. */
export async function startHangingServer(): Promise<{
  url: string;
  close(): Promise<void>;
}> {
  const server = createServer(() => {
    // never answer
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
}

/** A 127.0.0.1 URL on which nothing listens (connection refused). */
export async function unusedLocalURL(): Promise<string> {
  const server = createServer();
  const port = await listen(server);
  await closeServer(server);
  return `http://127.0.0.1:${port}`;
}
