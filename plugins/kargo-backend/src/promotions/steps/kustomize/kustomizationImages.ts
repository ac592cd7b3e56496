import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isSeq, parseDocument, YAMLMap, YAMLSeq } from 'yaml';
import { stringifyLike } from './yamlText';

/** One entry of a Kustomization's `images` (kustomize's Image type). */
export type KustomizeImage = {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
};

/** Kustomize's recognised file names, in its order. */
const KUSTOMIZATION_FILE_NAMES = [
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
];

/**
 * The one Kustomization file in `dir` (a regular file, not a link, as
 * Kargo requires). None or several: a TerminalStepError naming `path`.
 */
export async function findKustomizationFile(
  dir: string,
  path: string,
): Promise<string> {
  const found: string[] = [];
  for (const name of KUSTOMIZATION_FILE_NAMES) {
    const candidate = join(dir, name);
    try {
      if ((await lstat(candidate)).isFile()) found.push(candidate);
    } catch {
      // not this name
    }
  }
  if (found.length === 0) {
    throw new TerminalStepError(
      `could not find any Kustomization files in "${path}"`,
    );
  }
  if (found.length > 1) {
    throw new TerminalStepError(
      `ambiguous result: found multiple Kustomization files in "${path}": ${found
        .map(f => f.slice(dir.length + 1))
        .join(', ')}`,
    );
  }
  return found[0];
}

/** In a target, `*` means "keep what the file has" (Kargo's rule). */
const PRESERVE = '*';
const IMAGE_FIELDS = ['name', 'newName', 'newTag', 'digest'] as const;

function currentImage(node: unknown): KustomizeImage | undefined {
  if (!isMap(node)) return undefined;
  const image = node.toJSON() as Record<string, unknown>;
  if (typeof image.name !== 'string') return undefined;
  const out: KustomizeImage = { name: image.name };
  for (const field of IMAGE_FIELDS.slice(1)) {
    const value = image[field];
    if (value !== undefined && value !== null) out[field] = String(value);
  }
  return out;
}

/** A target merged over the file's entry: `*` takes the file's value. */
function resolvePreserved(
  target: KustomizeImage,
  current?: KustomizeImage,
): KustomizeImage {
  const merged: KustomizeImage = { name: target.name };
  for (const field of ['newName', 'newTag', 'digest'] as const) {
    const value = target[field] === PRESERVE ? current?.[field] : target[field];
    if (value) merged[field] = value;
  }
  return merged;
}

/** Makes `node` hold exactly `image`'s fields, keeping its comments. */
function rewriteInPlace(node: YAMLMap, image: KustomizeImage) {
  for (const pair of [...node.items]) {
    const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
    if (!(IMAGE_FIELDS as readonly string[]).includes(key)) node.delete(key);
  }
  for (const field of IMAGE_FIELDS) {
    if (image[field]) node.set(field, image[field]);
    else node.delete(field);
  }
}

/**
 * Sets `targets` (keyed by image name) in a Kustomization's `images` as
 * Kargo does: a targeted entry becomes exactly the target (`*` keeps the
 * file's value for that field), other entries stay, new ones are added,
 * and the list is sorted by name. Comments survive. Returns the new text
 * (undefined when there was nothing to write) and the resulting images.
 */
export function setKustomizationImages(
  source: string,
  targets: Map<string, KustomizeImage>,
): { text?: string; images: KustomizeImage[] } {
  const doc = parseDocument(source);
  if (doc.errors.length > 0) {
    throw new TerminalStepError(
      `could not parse the Kustomization file: ${doc.errors[0].message}`,
    );
  }
  if (doc.contents === null) doc.contents = doc.createNode({}) as never;
  if (!isMap(doc.contents)) {
    throw new TerminalStepError(
      'could not update the Kustomization file: it is not a YAML mapping',
    );
  }
  const existing = doc.get('images', true);
  if (existing !== undefined && existing !== null && !isSeq(existing)) {
    throw new TerminalStepError(
      'could not decode images field in Kustomization file: not a list',
    );
  }
  const seq = (existing as YAMLSeq | undefined | null) ?? undefined;
  if (!seq && targets.size === 0) return { images: [] };

  const entries: Array<{ image: KustomizeImage; node: unknown }> = [];
  const seen = new Set<string>();
  for (const node of seq?.items ?? []) {
    const current = currentImage(node);
    if (!current) {
      throw new TerminalStepError(
        'could not decode images field in Kustomization file: every entry needs a name',
      );
    }
    const target = targets.get(current.name);
    if (target && !seen.has(current.name)) {
      const image = resolvePreserved(target, current);
      rewriteInPlace(node as YAMLMap, image);
      entries.push({ image, node });
    } else if (!seen.has(current.name)) {
      entries.push({ image: current, node });
    }
    seen.add(current.name);
  }
  for (const [name, target] of targets) {
    if (seen.has(name)) continue;
    const image = resolvePreserved(target);
    const plain: Record<string, string> = {};
    for (const field of IMAGE_FIELDS) {
      if (image[field]) plain[field] = image[field]!;
    }
    entries.push({ image, node: doc.createNode(plain) });
  }
  // Byte order, as Go's strings.Compare (not the locale's).
  entries.sort((a, b) => {
    if (a.image.name === b.image.name) return 0;
    return a.image.name < b.image.name ? -1 : 1;
  });

  const list = seq ?? new YAMLSeq();
  list.items = entries.map(e => e.node);
  if (list.items.length > 0) list.flow = false;
  if (!seq) doc.set('images', list);
  return {
    text: stringifyLike(doc, source),
    images: entries.map(e => e.image),
  };
}
