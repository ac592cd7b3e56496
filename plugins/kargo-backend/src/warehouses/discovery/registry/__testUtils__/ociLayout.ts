import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One image of a test layout. */
export type TestImage = {
  /** Config `created` (RFC 3339). */
  created?: string;
  /** Config labels. */
  labels?: Record<string, string>;
  /** Manifest annotations. */
  annotations?: Record<string, string>;
  os?: string;
  architecture?: string;
  variant?: string;
  /** Makes the layer (and so the digest) unique. */
  content?: string;
};

/** A multi-platform index of test images. */
export type TestIndex = {
  annotations?: Record<string, string>;
  platforms: Array<
    TestImage & { descriptorAnnotations?: Record<string, string> }
  >;
};

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar';

export type Blob = { digest: string; size: number; bytes: Buffer };

export function blobOf(content: string | Buffer): Blob {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return {
    digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
    size: bytes.length,
    bytes,
  };
}

/** A tar archive holding one small file (a valid layer). */
function tarOf(name: string, content: string): Buffer {
  const data = Buffer.from(content);
  const header = Buffer.alloc(512);
  header.write(name, 0, 100);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const padded = Buffer.alloc(Math.ceil(data.length / 512) * 512);
  data.copy(padded);
  return Buffer.concat([header, padded, Buffer.alloc(1024)]);
}

/** The blobs of one image: config, layer and manifest (JSON texts). */
export function imageBlobs(image: TestImage): {
  config: Blob;
  layer: Blob;
  manifest: Blob;
} {
  const config = blobOf(
    JSON.stringify({
      ...(image.created ? { created: image.created } : {}),
      architecture: image.architecture ?? 'amd64',
      os: image.os ?? 'linux',
      ...(image.variant ? { variant: image.variant } : {}),
      config: image.labels ? { Labels: image.labels } : {},
      rootfs: { type: 'layers', diff_ids: [] as string[] },
    }),
  );
  const layer = blobOf(tarOf('hello.txt', image.content ?? 'hello'));
  const parsedConfig = JSON.parse(config.bytes.toString());
  parsedConfig.rootfs.diff_ids = [layer.digest];
  const finalConfig = blobOf(JSON.stringify(parsedConfig));
  const manifest = blobOf(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: OCI_CONFIG,
        digest: finalConfig.digest,
        size: finalConfig.size,
      },
      layers: [
        { mediaType: OCI_LAYER, digest: layer.digest, size: layer.size },
      ],
      ...(image.annotations ? { annotations: image.annotations } : {}),
    }),
  );
  return { config: finalConfig, layer, manifest };
}

async function writeBlob(dir: string, blob: Blob) {
  const file = path.join(dir, 'blobs', 'sha256', blob.digest.slice(7));
  await fs.writeFile(file, blob.bytes);
}

/**
 * Writes an OCI image layout with one tagged image or index, and answers
 * the digest of the tagged manifest / index.
 */
export async function writeOciLayout(
  dir: string,
  tag: string,
  content: TestImage | TestIndex,
): Promise<string> {
  await fs.mkdir(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  await fs.writeFile(
    path.join(dir, 'oci-layout'),
    JSON.stringify({ imageLayoutVersion: '1.0.0' }),
  );
  let top: Blob;
  let mediaType: string;
  const images = 'platforms' in content ? content.platforms : [content];
  const manifests: Array<Record<string, unknown>> = [];
  for (const image of images) {
    const blobs = imageBlobs(image);
    await writeBlob(dir, blobs.config);
    await writeBlob(dir, blobs.layer);
    await writeBlob(dir, blobs.manifest);
    manifests.push({
      mediaType: OCI_MANIFEST,
      digest: blobs.manifest.digest,
      size: blobs.manifest.size,
      platform: {
        os: image.os ?? 'linux',
        architecture: image.architecture ?? 'amd64',
        ...(image.variant ? { variant: image.variant } : {}),
      },
      ...('descriptorAnnotations' in image && image.descriptorAnnotations
        ? { annotations: image.descriptorAnnotations }
        : {}),
    });
    top = blobs.manifest;
  }
  if ('platforms' in content) {
    top = blobOf(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests,
        ...(content.annotations ? { annotations: content.annotations } : {}),
      }),
    );
    await writeBlob(dir, top);
    mediaType = OCI_INDEX;
  } else {
    mediaType = OCI_MANIFEST;
  }
  await fs.writeFile(
    path.join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType,
          digest: top!.digest,
          size: top!.size,
          annotations: { 'org.opencontainers.image.ref.name': tag },
        },
      ],
    }),
  );
  return top!.digest;
}

/**
 * Builds a layout in a temp dir and pushes it with skopeo to
 * `host/repo:tag` (plain HTTP allowed). Answers the pushed digest.
 */
export async function pushTestImage(options: {
  host: string;
  repo: string;
  tag: string;
  content: TestImage | TestIndex;
  credentials?: { username: string; password: string };
}): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kargo-oci-'));
  try {
    const digest = await writeOciLayout(dir, options.tag, options.content);
    const args = [
      'copy',
      '--quiet',
      '--preserve-digests',
      '--dest-tls-verify=false',
      ...('platforms' in options.content ? ['--all'] : []),
      ...(options.credentials
        ? [
            '--dest-creds',
            `${options.credentials.username}:${options.credentials.password}`,
          ]
        : []),
      `oci:${dir}:${options.tag}`,
      `docker://${options.host}/${options.repo}:${options.tag}`,
    ];
    await run('skopeo', args, { timeout: 60_000 });
    return digest;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
