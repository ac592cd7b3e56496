import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Manifest files served on 127.0.0.1 as a Git host's raw endpoint serves
 * them: an ETag per content, 304 to a matching If-None-Match, 404 for a
 * missing file. `files` may change at any time; `served` lists the answers.
 */
export async function startManifestServer() {
  const files = new Map<string, string>();
  const served: Array<{ path: string; status: number }> = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    const body = files.get(path);
    const answer = (status: number, headers = {}, content?: string) => {
      served.push({ path, status });
      res.writeHead(status, headers).end(content);
    };
    if (body === undefined) {
      answer(404);
      return;
    }
    const etag = `"${createHash('sha256').update(body).digest('hex')}"`;
    if (req.headers['if-none-match'] === etag) {
      answer(304, { ETag: etag });
    } else {
      answer(200, { ETag: etag, 'Content-Type': 'application/yaml' }, body);
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    files,
    served,
    /** For `backend.reading.allow`. */
    host,
    url: (path: string) => `http://${host}${path}`,
    /** The status of the last answer for `path`. */
    lastStatus: (path: string) =>
      served.filter(s => s.path === path).pop()?.status,
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}
