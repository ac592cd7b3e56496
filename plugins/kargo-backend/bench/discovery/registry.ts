/**
 * The registry of the image figure and its 1,000-tag repository, filled
 * through the distribution API directly (skopeo would take ~100 s): one
 * config blob and one layer blob, then one small OCI manifest per tag that
 * differs only in an annotation, so every tag is a distinct image (digest)
 * as in a real repository, and the same two blobs serve them all.
 */
import { createHash } from 'node:crypto';
import { startTestRegistry } from '../../src/warehouses/discovery/registry/__testUtils__/testRegistry';
import { testServersEnv } from '../databases';
import { hasCommand } from './spawnTimed';

export type BenchRegistry = {
  /** 127.0.0.1:PORT */
  host: string;
  description: string;
  stop(): Promise<void>;
};

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const PUT_CONCURRENCY = 8;

async function answers(host: string): Promise<boolean> {
  try {
    const res = await fetch(`http://${host}/v2/`, {
      signal: AbortSignal.timeout(3000),
    });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

/**
 * KARGO_TEST_REGISTRY (environment or .test-servers.env) when it answers,
 * else a private `docker-registry serve` on a free 127.0.0.1 port, else why
 * neither is possible.
 */
export async function benchRegistry(): Promise<
  BenchRegistry | { unavailable: string }
> {
  const shared = testServersEnv().KARGO_TEST_REGISTRY;
  if (shared && /^127\.0\.0\.1:\d+$/.test(shared) && (await answers(shared))) {
    return {
      host: shared,
      description: `the shared test registry KARGO_TEST_REGISTRY=${shared} (docker-registry, distribution 2.8)`,
      stop: async () => {},
    };
  }
  if (!(await hasCommand('docker-registry'))) {
    return {
      unavailable: `KARGO_TEST_REGISTRY ${
        shared ? `(${shared}) does not answer` : 'is not set'
      } and docker-registry is not installed`,
    };
  }
  const own = await startTestRegistry({});
  return {
    host: own.host,
    description: `a private \`docker-registry serve\` on ${own.host} (filesystem storage in a temporary directory)`,
    stop: own.stop,
  };
}

const sha256 = (data: Buffer) =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`;

async function ensureBlob(host: string, repo: string, data: Buffer) {
  const digest = sha256(data);
  const head = await fetch(`http://${host}/v2/${repo}/blobs/${digest}`, {
    method: 'HEAD',
  });
  if (head.status === 200) return { digest, size: data.length };
  const start = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, {
    method: 'POST',
  });
  await start.body?.cancel();
  const location = start.headers.get('location');
  if (start.status !== 202 || !location) {
    throw new Error(`blob upload to ${host}/${repo}: ${start.status}`);
  }
  const url = new URL(location, `http://${host}`);
  url.searchParams.set('digest', digest);
  const put = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: data,
  });
  await put.body?.cancel();
  if (put.status !== 201) {
    throw new Error(`blob PUT to ${host}/${repo}: ${put.status}`);
  }
  return { digest, size: data.length };
}

/** Lists every tag, following `Link` pages (at most 100). */
export async function listAllTags(host: string, repo: string) {
  const tags: string[] = [];
  let url: string | undefined = `http://${host}/v2/${repo}/tags/list?n=1000`;
  for (let page = 0; url && page < 100; page++) {
    const res: Response = await fetch(url);
    if (res.status === 404) {
      await res.body?.cancel();
      return [];
    }
    const body = (await res.json()) as { tags?: string[] | null };
    tags.push(...(body.tags ?? []));
    const next = /<([^>]+)>\s*;\s*rel="?next"?/.exec(
      res.headers.get('link') ?? '',
    );
    url = next ? new URL(next[1], url).toString() : undefined;
  }
  return tags;
}

/**
 * Makes `repo` hold exactly `tags`, each a distinct single-platform OCI image
 * (deterministic bytes, so a second run finds everything in place).
 * Answers the number of manifests written.
 */
export async function fillRepository(
  host: string,
  repo: string,
  tags: string[],
): Promise<number> {
  const existing = new Set(await listAllTags(host, repo));
  const extra = [...existing].filter(t => !tags.includes(t));
  if (extra.length) {
    throw new Error(
      `${host}/${repo} holds ${extra.length} tags the benchmark did not write (e.g. ${extra[0]}): delete the repository or use another registry`,
    );
  }
  const missing = tags.filter(t => !existing.has(t));
  if (!missing.length) return 0;

  const blobs = await benchImageBlobs(host, repo);
  let next = 0;
  const worker = async () => {
    while (next < missing.length) {
      const tag = missing[next++];
      await putManifest(host, repo, tag, blobs);
    }
  };
  await Promise.all(Array.from({ length: PUT_CONCURRENCY }, worker));
  return missing.length;
}

export type BenchImageBlobs = {
  config: { digest: string; size: number };
  layer: { digest: string; size: number };
};

/**
 * The config and layer blob every benchmark image shares, uploaded to `repo`
 * unless it already holds them.
 */
export async function benchImageBlobs(
  host: string,
  repo: string,
): Promise<BenchImageBlobs> {
  const layer = await ensureBlob(
    host,
    repo,
    Buffer.from('kargo benchmark layer\n'.repeat(64)),
  );
  const config = await ensureBlob(
    host,
    repo,
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        created: '2026-01-01T00:00:00Z',
        rootfs: { type: 'layers', diff_ids: [layer.digest] },
      }),
    ),
  );
  return { config, layer };
}

/**
 * PUTs `repo:tag` as a small OCI image manifest over `blobs` that differs
 * from every other tag's only in an annotation (a distinct digest per tag).
 */
export async function putManifest(
  host: string,
  repo: string,
  tag: string,
  blobs: BenchImageBlobs,
): Promise<void> {
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      ...blobs.config,
    },
    layers: [
      {
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        ...blobs.layer,
      },
    ],
    annotations: { 'org.opencontainers.image.version': tag },
  });
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': OCI_MANIFEST },
    body: manifest,
  });
  const text = await res.text();
  if (res.status !== 201) {
    throw new Error(
      `manifest PUT ${repo}:${tag}: ${res.status} ${text.slice(0, 300)}`,
    );
  }
}
