import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import {
  Composer,
  CST,
  Document,
  isAlias,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  Parser,
  Scalar,
  YAMLMap,
  type Node,
  type Pair,
  type YAMLSeq,
} from 'yaml';
import { describeKey, parseIndex, splitKey, type KeyPart } from './keyPath';
import { detectYamlLayout } from './yamlLayout';
import {
  isScalarValue,
  plainScalarText,
  quoteAmbiguousStrings,
  scalarTypeFor,
} from './yamlScalars';

export type YamlUpdate = { key: string; value: unknown };

type Located = { scalar: Scalar; inFlow: boolean; afterKey: boolean };

function keyMatches(key: unknown, name: string): boolean {
  if (isScalar(key)) {
    return String(key.value) === name || key.source === name;
  }
  return key === name;
}

function findPair(map: YAMLMap, name: string): Pair | undefined {
  return map.items.find(pair => keyMatches(pair.key, name));
}

function listIndex(part: KeyPart, parts: KeyPart[]): number {
  const index = parseIndex(part);
  if (index === undefined) {
    throw new TerminalStepError(
      `key ${describeKey(parts)}: "${
        part.name
      }" addresses a list, so it must be an index`,
    );
  }
  return index;
}

/** The existing scalar a key addresses, or undefined if it must be created. */
function locateScalar(doc: Document, parts: KeyPart[]): Located | undefined {
  let node: unknown = doc.contents;
  let inFlow = false;
  let afterKey = false;
  for (const part of parts) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      inFlow ||= Boolean(node.flow);
      node = findPair(node, part.name)?.value;
      afterKey = true;
    } else if (isSeq(node)) {
      inFlow ||= Boolean(node.flow);
      const index = listIndex(part, parts);
      node = index >= 0 ? node.items[index] : undefined;
      afterKey = true;
    } else {
      return undefined;
    }
  }
  if (isAlias(node)) node = node.resolve(doc);
  return isScalar(node) ? { scalar: node, inFlow, afterKey } : undefined;
}

/** Rewrites only the addressed scalars' source: every other byte is kept. */
function editScalarsInPlace(located: Located[], values: unknown[]): void {
  located.forEach(({ scalar, inFlow, afterKey }, i) => {
    const value = values[i];
    const token = scalar.srcToken!;
    const type = scalarTypeFor(value, scalar.type);
    const text = typeof value === 'string' ? value : plainScalarText(value);
    CST.setScalarValue(token, text, { afterKey, inFlow, type });
    // `|`/`>` without a chomping indicator drop trailing blank lines anyway;
    // don't leave the extra one setScalarValue writes after the body.
    if (
      token.type === 'block-scalar' &&
      /^[|>]\d*$/.test((token.props[0] as { source: string }).source) &&
      token.source.endsWith('\n\n')
    ) {
      token.source = token.source.slice(0, -1);
    }
  });
}

function newNode(doc: Document, value: unknown): Node {
  const node = doc.createNode(value) as Node;
  quoteAmbiguousStrings(node);
  return node;
}

/** `node` with `value` in it, keeping the old node's comments and anchor. */
function replacement(doc: Document, old: unknown, value: unknown): Node {
  const target = isAlias(old) ? old.resolve(doc) : old;
  if (isScalar(target) && isScalarValue(value)) {
    target.type = scalarTypeFor(value, target.type);
    target.value = value;
    return isAlias(old) ? old : target;
  }
  const node = newNode(doc, value);
  if (target && typeof target === 'object' && 'range' in target) {
    const previous = target as Node;
    node.comment = previous.comment;
    node.commentBefore = previous.commentBefore;
  }
  return node;
}

function isEmptyValue(node: unknown): boolean {
  return (
    node === null ||
    node === undefined ||
    (isScalar(node) && node.value === null)
  );
}

/** Sets `value` at `parts`, creating maps (and list items) on the way. */
function setPath(doc: Document, parts: KeyPart[], value: unknown): void {
  if (isEmptyValue(doc.contents)) doc.contents = new YAMLMap();
  let parent: unknown = doc.contents;
  parts.forEach((part, i) => {
    if (isAlias(parent)) parent = parent.resolve(doc);
    const last = i === parts.length - 1;
    let child: unknown;
    let put: (node: Node) => void;
    if (isMap(parent)) {
      const map = parent;
      const pair = findPair(map, part.name);
      child = pair?.value;
      put = node => {
        if (pair) pair.value = node;
        else map.items.push(doc.createPair(part.name, node) as Pair);
      };
    } else if (isSeq(parent)) {
      const seq = parent as YAMLSeq;
      const index = listIndex(part, parts);
      const exists = index >= 0 && index < seq.items.length;
      child = exists ? seq.items[index] : undefined;
      put = node => {
        if (exists) seq.items[index] = node;
        else seq.items.push(node);
      };
    } else {
      throw new TerminalStepError(
        `key ${describeKey(parts)}: ${describeKey(
          parts.slice(0, i),
        )} holds a scalar value, not a map or list`,
      );
    }
    if (last) {
      put(replacement(doc, child, value));
      return;
    }
    const resolved = isAlias(child) ? child.resolve(doc) : child;
    if (isCollection(resolved)) {
      parent = resolved;
    } else if (isEmptyValue(resolved)) {
      const map = new YAMLMap();
      // `key: # note` keeps its note, now above the new map's first entry.
      if (isScalar(resolved)) map.commentBefore = resolved.comment;
      put(map);
      parent = map;
    } else {
      throw new TerminalStepError(
        `key ${describeKey(parts)}: ${describeKey(
          parts.slice(0, i + 1),
        )} holds a scalar value, not a map or list`,
      );
    }
  });
}

/**
 * Applies `updates` to the first document of a YAML file. When every update
 * replaces an existing scalar, only those scalars' text changes: comments,
 * spacing and quoting elsewhere stay byte for byte. Creating keys or
 * writing maps and lists re-renders the document (comments kept) in the
 * layout detected from the file. Later documents are never touched.
 */
export function applyYamlUpdates(
  source: string,
  updates: YamlUpdate[],
): string {
  const tokens = Array.from(new Parser().parse(source));
  const docs = Array.from(
    new Composer({ keepSourceTokens: true }).compose(tokens),
  );
  const doc = docs[0] ?? new Document(null);
  if (doc.errors.length > 0) {
    throw new TerminalStepError(`not valid YAML: ${doc.errors[0].message}`);
  }
  const keys = updates.map(update => splitKey(update.key));
  const values = updates.map(update => update.value);

  if (docs.length > 0 && values.every(isScalarValue)) {
    const located = keys.map(parts => locateScalar(doc, parts));
    if (located.every(l => l?.scalar.srcToken)) {
      editScalarsInPlace(located as Located[], values);
      return tokens.map(token => CST.stringify(token)).join('');
    }
  }

  keys.forEach((parts, i) => setPath(doc, parts, values[i]));
  let rendered = doc.toString(detectYamlLayout(source));
  if (source.includes('\r\n')) rendered = rendered.replace(/\r?\n/g, '\r\n');
  const first = tokens.findIndex(token => token.type === 'document');
  if (first < 0) {
    // Only comments (or nothing) so far: keep them, then the new content.
    const prefix =
      source === '' || source.endsWith('\n') ? source : `${source}\n`;
    return prefix + rendered;
  }
  const rest = tokens.slice(first + 1).map(token => CST.stringify(token));
  return rendered + rest.join('');
}
