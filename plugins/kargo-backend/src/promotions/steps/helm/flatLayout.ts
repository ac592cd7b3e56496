import { join } from 'node:path';
import { parse } from 'yaml';
import { assertPlainFileName, writeOutputFile } from './fileSafety';

/**
 * Splits `helm template` output into documents the way Kubernetes' YAML
 * reader does: on lines that are `---` (trailing blanks allowed); each
 * document trimmed, empty ones dropped.
 */
export function splitManifests(manifests: string): string[] {
  const docs: string[] = [];
  let current: string[] = [];
  const flush = () => {
    const doc = current.join('\n').trim();
    if (doc) docs.push(doc);
    current = [];
  };
  for (const line of manifests.split('\n')) {
    if (/^---\s*$/.test(line)) flush();
    else current.push(line);
  }
  flush();
  return docs;
}

/**
 * Kargo's flat-layout name: `[group-]kind[-namespace]-name.yaml`, the
 * group's dots as underscores, lower case; undefined without kind or name.
 */
export function flatFileName(doc: string): string | undefined {
  let value: any;
  try {
    value = parse(doc);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const kind = typeof value.kind === 'string' ? value.kind : '';
  const name =
    typeof value.metadata?.name === 'string' ? value.metadata.name : '';
  if (!kind || !name) return undefined;
  const apiVersion = String(value.apiVersion ?? '');
  const parts = apiVersion.split('/');
  const group = parts.length > 1 ? parts.slice(0, -1).join('/') : '';
  const namespace =
    typeof value.metadata?.namespace === 'string'
      ? value.metadata.namespace
      : '';
  let fileName = kind;
  if (group) fileName = `${group.replace(/\./g, '_')}-${fileName}`;
  if (namespace) fileName += `-${namespace}`;
  fileName += `-${name}`;
  return `${fileName}.yaml`.toLowerCase();
}

/**
 * The flat layout: every rendered resource (hooks included) in its own
 * file directly in `dir`, written as rendered (its `# Source:` line
 * kept). Resources without kind or name become `resource-<n>.yaml`.
 */
export async function writeFlatLayout(
  dir: string,
  manifests: string,
): Promise<string[]> {
  const written: string[] = [];
  let unnamed = 0;
  for (const doc of splitManifests(manifests)) {
    const name = flatFileName(doc) ?? `resource-${unnamed++}.yaml`;
    assertPlainFileName(name);
    await writeOutputFile(join(dir, name), doc);
    written.push(name);
  }
  return written;
}
