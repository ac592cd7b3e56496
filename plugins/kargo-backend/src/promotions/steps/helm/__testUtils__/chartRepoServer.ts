import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { makeChartArchive } from '../../../../warehouses/discovery/charts/__testUtils__/chartRepo';

/** A self-signed certificate for 127.0.0.1, made with `openssl`. */
export function makeLocalCertificate(openssl: string, dir: string) {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    openssl,
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-keyout',
      key,
      '-out',
      cert,
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(key), cert: readFileSync(cert), certFile: cert };
}

/**
 * A classic Helm chart repository on 127.0.0.1 (http, or https with a
 * given certificate), optionally behind Basic auth, serving index.yaml
 * with real digests and one archive per chart version.
 */
export class ChartRepoServer {
  readonly requests: Array<{ path: string; authorized: boolean }> = [];
  private readonly files = new Map<string, Buffer>();
  private server!: http.Server;
  url = '';

  constructor(
    private readonly options: {
      tls?: { key: Buffer; cert: Buffer };
      basicAuth?: { username: string; password: string };
    } = {},
  ) {}

  publish(charts: Record<string, string[]>) {
    const entries: Record<string, unknown[]> = {};
    for (const [name, versions] of Object.entries(charts)) {
      entries[name] = versions.map(version => {
        const archive = makeChartArchive(name, version);
        this.files.set(`/${name}-${version}.tgz`, archive);
        return {
          apiVersion: 'v2',
          name,
          version,
          created: '2026-01-01T00:00:00Z',
          digest: createHash('sha256').update(archive).digest('hex'),
          urls: [`${name}-${version}.tgz`],
        };
      });
    }
    this.files.set(
      '/index.yaml',
      Buffer.from(
        stringify({
          apiVersion: 'v1',
          entries,
          generated: '2026-01-01T00:00:00Z',
        }),
      ),
    );
  }

  async start(): Promise<this> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const auth = this.options.basicAuth;
      const authorized =
        !auth ||
        req.headers.authorization ===
          `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString(
            'base64',
          )}`;
      this.requests.push({ path, authorized });
      if (!authorized) {
        res
          .writeHead(401, { 'www-authenticate': 'Basic realm="charts"' })
          .end();
        return;
      }
      const body = this.files.get(path);
      if (!body) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200).end(body);
    };
    this.server = this.options.tls
      ? https.createServer(this.options.tls, handler)
      : http.createServer(handler);
    await new Promise<void>(resolve =>
      this.server.listen(0, '127.0.0.1', resolve),
    );
    const { port } = this.server.address() as AddressInfo;
    this.url = `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    return this;
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise(resolve => this.server.close(resolve));
  }
}
