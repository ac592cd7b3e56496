import type { ToStringOptions } from 'yaml';

/**
 * How an existing YAML file is laid out, so that a document re-written
 * after a structural change (a new key, a new list item) keeps looking like
 * its author wrote it: indentation width, whether list items are indented
 * under their key, and whether flow collections are padded (`{ a: 1 }`).
 * Long strings are never folded.
 */
export function detectYamlLayout(source: string): ToStringOptions {
  const lines = source.split(/\r?\n/);
  let indent: number | undefined;
  let indentSeq: boolean | undefined;
  for (let i = 0; i < lines.length - 1; i++) {
    const keyLine = /^( *)[^\s#-][^#]*:\s*(#.*)?$/.exec(lines[i]);
    if (!keyLine) continue;
    const next = lines
      .slice(i + 1)
      .find(l => l.trim() !== '' && !/^\s*#/.test(l));
    if (next === undefined) break;
    const keyIndent = keyLine[1].length;
    const nextIndent = /^( *)/.exec(next)![1].length;
    const isItem = /^ *- /.test(next) || /^ *-$/.test(next);
    if (isItem && indentSeq === undefined) {
      indentSeq = nextIndent > keyIndent;
    } else if (!isItem && indent === undefined && nextIndent > keyIndent) {
      indent = nextIndent - keyIndent;
    }
    if (indent !== undefined && indentSeq !== undefined) break;
  }
  const flow = /:[ \t]+[[{]([^\]}\n])/.exec(source);
  return {
    indent: indent ?? 2,
    indentSeq: indentSeq ?? true,
    flowCollectionPadding: flow ? flow[1] === ' ' : true,
    lineWidth: 0,
  };
}
