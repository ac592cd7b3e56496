import { createHash } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import {
  probeTestRegistry,
  reportMissingServer,
} from '../../../../__testUtils__/testServers';
import { makeChartArchive } from './chartRepo';

const HELM_CONFIG = 'application/vnd.cncf.helm.config.v1+json';
const HELM_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

/**
 * The registry scripts/test-servers.sh starts (KARGO_TEST_REGISTRY), if it
 * answers. Missing: a loud warning, or a failure under KARGO_TEST_STRICT=1.
 */
export async function findTestRegistry(): Promise<string | undefined> {
  const probe = await probeTestRegistry();
  if ('host' in probe) return probe.host;
  reportMissingServer(
    `OCI registry is not available (${probe.problem}): the OCI chart tests are skipped. Start it with \`npm run servers\` (scripts/test-servers.sh), source .test-servers.env and run the tests again.`,
  );
  return undefined;
}

async function pushBlob(host: string, repo: string, blob: Buffer) {
  const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;
  const start = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, {
    method: 'POST',
    signal: AbortSignal.timeout(5000),
  });
  if (start.status !== 202) throw new Error(`upload start: ${start.status}`);
  const location = new URL(start.headers.get('location')!, `http://${host}`);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: blob,
    signal: AbortSignal.timeout(5000),
  });
  if (put.status !== 201) throw new Error(`upload: ${put.status}`);
  return { digest, size: blob.length };
}

/**
 * Pushes a chart as `helm push` does: Chart.yaml metadata as the config,
 * the archive as the single layer, the version as tag with "+" written "_".
 */
export async function pushChart(
  host: string,
  repo: string,
  name: string,
  version: string,
  tag = version.replace(/\+/g, '_'),
) {
  const config = Buffer.from(
    JSON.stringify({ apiVersion: 'v2', name, version }),
  );
  const cfg = await pushBlob(host, repo, config);
  const layer = await pushBlob(host, repo, makeChartArchive(name, version));
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: HELM_CONFIG, ...cfg },
    layers: [{ mediaType: HELM_LAYER, ...layer }],
    annotations: {
      'org.opencontainers.image.title': name,
      'org.opencontainers.image.version': version,
    },
  };
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    body: JSON.stringify(manifest),
    signal: AbortSignal.timeout(5000),
  });
  if (res.status !== 201) {
    throw new Error(`manifest push: ${res.status} ${await res.text()}`);
  }
}

/**
 * A fake registry with a token service (Bearer challenge, token granted for
 * Basic credentials) and `?n=`/`Link` pagination of tags/list.
 */
export class FakeTokenRegistry {
  readonly requests: Array<{ path: string; authorization?: string }> = [];
  private server!: http.Server;
  host = '';

  constructor(
    private readonly repo: string,
    private readonly tags: string[],
    private readonly user: { username: string; password: string },
    private readonly pageSize = 2,
  ) {}

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>(resolve =>
      this.server.listen(0, '127.0.0.1', resolve),
    );
    this.host = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise(resolve => this.server.close(resolve));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', `http://${this.host}`);
    this.requests.push({
      path: url.pathname + url.search,
      authorization: req.headers.authorization,
    });
    const send = (status: number, body: unknown) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/token') {
      const expected = `Basic ${Buffer.from(
        `${this.user.username}:${this.user.password}`,
      ).toString('base64')}`;
      if (
        req.headers.authorization !== expected ||
        url.searchParams.get('scope') !== `repository:${this.repo}:pull` ||
        url.searchParams.get('service') !== 'fake-registry'
      ) {
        send(401, { errors: [{ code: 'UNAUTHORIZED' }] });
        return;
      }
      send(200, { token: 'secret-token' });
      return;
    }
    if (req.headers.authorization !== 'Bearer secret-token') {
      res.setHeader(
        'www-authenticate',
        `Bearer realm="http://${this.host}/token",service="fake-registry",scope="repository:${this.repo}:pull"`,
      );
      send(401, { errors: [{ code: 'UNAUTHORIZED' }] });
      return;
    }
    if (url.pathname !== `/v2/${this.repo}/tags/list`) {
      send(404, { errors: [{ code: 'NAME_UNKNOWN' }] });
      return;
    }
    const sorted = [...this.tags].sort();
    const last = url.searchParams.get('last');
    const from = last ? sorted.findIndex(t => t > last) : 0;
    const page = from < 0 ? [] : sorted.slice(from, from + this.pageSize);
    if (from >= 0 && from + this.pageSize < sorted.length) {
      res.setHeader(
        'link',
        `</v2/${this.repo}/tags/list?n=${
          this.pageSize
        }&last=${encodeURIComponent(page[page.length - 1])}>; rel="next"`,
      );
    }
    send(200, { name: this.repo, tags: page });
  }
}
