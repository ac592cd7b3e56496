import type { Document } from 'yaml';

/**
 * Whether `source` indents block sequences under their key
 * (`key:\n  - a`) rather than writing them flush (`key:\n- a`, the style
 * of `kustomize edit` and Kargo's writer). The first sequence decides;
 * a file without one gets the flush style.
 */
export function indentsSequences(source: string): boolean {
  const lines = source.split(/\r?\n/);
  for (let i = 0; i < lines.length - 1; i++) {
    const key = /^(\s*)(?:- )?[^#\s][^#]*:\s*(?:#.*)?$/.exec(lines[i]);
    if (!key) continue;
    let j = i + 1;
    while (j < lines.length && /^\s*(#.*)?$/.test(lines[j])) j++;
    const item = /^(\s*)- /.exec(lines[j] ?? '');
    if (!item) continue;
    // Flush: the dash sits where the key starts (or where a key inside a
    // sequence item starts, two columns after its own dash).
    const keyColumn =
      key[1].length + (lines[i].trimStart().startsWith('- ') ? 2 : 0);
    return item[1].length > keyColumn;
  }
  return false;
}

/**
 * The edited document as text in the source's style: comments kept (the
 * `yaml` package carries them), sequence indentation as the source had it,
 * no folding of long strings.
 */
export function stringifyLike(doc: Document, source: string): string {
  return doc.toString({
    indentSeq: indentsSequences(source),
    lineWidth: 0,
  });
}
