import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * Serves the bare repositories under `root` over Git's smart HTTP protocol
 * (`git http-backend` as CGI), pushes allowed: a plain Git server like the
 * demo's, for tests. URLs: `<url>/<name>.git`.
 */
export async function startGitHttpServer(root: string) {
  const server = createServer((req, res) => {
    const [path, query = ''] = (req.url ?? '/').split('?');
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        REMOTE_USER: 'test',
        REQUEST_METHOD: req.method,
        PATH_INFO: decodeURIComponent(path.replace(/^\/git/, '')),
        QUERY_STRING: query,
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
      },
    });
    req.pipe(cgi.stdin);
    const chunks: Buffer[] = [];
    cgi.stdout.on('data', (c: Buffer) => chunks.push(c));
    cgi.stderr.resume();
    cgi.on('close', () => {
      // Test repositories are small: answer once the CGI is done.
      const out = Buffer.concat(chunks);
      const split = out.indexOf('\r\n\r\n');
      const head = out.subarray(0, Math.max(split, 0)).toString('utf8');
      for (const line of head.split('\r\n').filter(Boolean)) {
        const [name, ...rest] = line.split(':');
        const value = rest.join(':').trim();
        if (name.toLowerCase() === 'status')
          res.statusCode = parseInt(value, 10);
        else res.setHeader(name, value);
      }
      res.end(split < 0 ? out : out.subarray(split + 4));
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/git`,
    close: () => new Promise<void>(r => server.close(() => r())),
  };
}
