import { createHash } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { stringify } from 'yaml';

/** One file entry of a ustar archive. */
function tarEntry(path: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512, 0);
  header.write(path, 0, 100, 'utf8');
  header.write('0000644\0', 100, 8, 'ascii');
  header.write('0000000\0', 108, 8, 'ascii');
  header.write('0000000\0', 116, 8, 'ascii');
  header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124, 12);
  header.write('00000000000\0', 136, 12, 'ascii');
  header.write('        ', 148, 8, 'ascii');
  header.write('0', 156, 1, 'ascii');
  header.write('ustar\0', 257, 6, 'ascii');
  header.write('00', 263, 2, 'ascii');
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512, 0);
  return Buffer.concat([header, content, padding]);
}

/** A packaged chart: `<name>-<version>.tgz` holding `<name>/Chart.yaml`. */
export function makeChartArchive(name: string, version: string): Buffer {
  const chartYaml = Buffer.from(
    stringify({ apiVersion: 'v2', name, version, type: 'application' }),
  );
  const values = Buffer.from('replicas: 1\n');
  return gzipSync(
    Buffer.concat([
      tarEntry(`${name}/Chart.yaml`, chartYaml),
      tarEntry(`${name}/values.yaml`, values),
      Buffer.alloc(1024, 0),
    ]),
  );
}

/** An index.yaml as `helm repo index` writes it. */
export function makeIndexYaml(
  charts: Record<string, string[]>,
  baseURL = '',
): string {
  const entries: Record<string, unknown[]> = {};
  for (const [name, versions] of Object.entries(charts)) {
    entries[name] = versions.map(version => ({
      apiVersion: 'v2',
      name,
      version,
      type: 'application',
      created: '2026-01-01T00:00:00Z',
      digest: createHash('sha256').update(`${name}-${version}`).digest('hex'),
      urls: [`${baseURL}${name}-${version}.tgz`],
    }));
  }
  return stringify({
    apiVersion: 'v1',
    entries,
    generated: '2026-01-01T00:00:00Z',
  });
}

export type HelmRepoServerOptions = {
  /** Required Basic credentials, if any. */
  basicAuth?: { username: string; password: string };
  /** `etag` (default), `last-modified`, or `none`. */
  validators?: 'etag' | 'last-modified' | 'none';
};

/**
 * A static Helm chart repository on 127.0.0.1: serves files from a map
 * (index.yaml, chart archives) under a path prefix, with optional Basic auth
 * and conditional GET, and records every request.
 */
export class HelmRepoServer {
  readonly files = new Map<string, { body: Buffer; modified: Date }>();
  readonly requests: Array<{
    path: string;
    headers: http.IncomingHttpHeaders;
    status: number;
  }> = [];
  /** A status forced for every request (e.g. 500), or a hang. */
  override?: number | 'hang';
  private server!: http.Server;
  url = '';

  constructor(private readonly options: HelmRepoServerOptions = {}) {}

  setFile(path: string, body: string | Buffer) {
    this.files.set(path, {
      body: Buffer.isBuffer(body) ? body : Buffer.from(body),
      // HTTP dates have second precision: make every change visible.
      modified: new Date(
        Math.max(
          Date.now(),
          (this.files.get(path)?.modified.getTime() ?? 0) + 1000,
        ),
      ),
    });
  }

  /** index.yaml plus one archive per version. */
  publish(prefix: string, charts: Record<string, string[]>) {
    this.setFile(`${prefix}index.yaml`, makeIndexYaml(charts));
    for (const [name, versions] of Object.entries(charts)) {
      for (const v of versions) {
        this.setFile(`${prefix}${name}-${v}.tgz`, makeChartArchive(name, v));
      }
    }
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>(resolve =>
      this.server.listen(0, '127.0.0.1', resolve),
    );
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise(resolve => this.server.close(resolve));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const reply = (status: number, body?: Buffer | string) => {
      this.requests.push({ path, headers: req.headers, status });
      res.statusCode = status;
      res.end(body);
    };
    if (this.override === 'hang') {
      this.requests.push({ path, headers: req.headers, status: 0 });
      return;
    }
    if (this.override) {
      reply(this.override, 'forced');
      return;
    }
    const auth = this.options.basicAuth;
    if (auth) {
      const expected = `Basic ${Buffer.from(
        `${auth.username}:${auth.password}`,
      ).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.setHeader('www-authenticate', 'Basic realm="charts"');
        reply(401, 'unauthorized');
        return;
      }
    }
    const file = this.files.get(path);
    if (!file) {
      reply(404, 'not found');
      return;
    }
    const validators = this.options.validators ?? 'etag';
    if (validators === 'etag') {
      const etag = `"${createHash('sha1').update(file.body).digest('hex')}"`;
      res.setHeader('etag', etag);
      if (req.headers['if-none-match'] === etag) {
        reply(304);
        return;
      }
    } else if (validators === 'last-modified') {
      res.setHeader('last-modified', file.modified.toUTCString());
      const since = req.headers['if-modified-since'];
      if (
        since &&
        Math.floor(file.modified.getTime() / 1000) <=
          Math.floor(Date.parse(since) / 1000)
      ) {
        reply(304);
        return;
      }
    }
    res.setHeader(
      'content-type',
      path.endsWith('.tgz') ? 'application/gzip' : 'text/yaml',
    );
    reply(200, file.body);
  }
}
