import {
  isMap,
  isScalar,
  isSeq,
  visit,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';

/*
 * Kargo merges YAML files with kustomize's kyaml merge2 and no schema:
 * maps merge key by key, a later file's scalars win, `key: null` removes
 * the key, lists are replaced, except lists whose items are all maps
 * sharing one of kyaml's "associative" keys (name, containerPort, ...):
 * those merge item by item on that key, as Kubernetes containers do.
 */
const ASSOCIATIVE_KEYS = [
  'mountPath',
  'devicePath',
  'ip',
  'type',
  'topologyKey',
  'name',
  'containerPort',
];

function isNull(node: unknown): boolean {
  return (
    node === null ||
    node === undefined ||
    (isScalar(node) && node.value === null)
  );
}

function keyText(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

/** The associative key all items of `seq` carry, if any. */
function associativeKey(seq: YAMLSeq): string | undefined {
  if (seq.items.length === 0) return undefined;
  return ASSOCIATIVE_KEYS.find(key =>
    seq.items.every(item => isMap(item) && (item as YAMLMap).has(key)),
  );
}

function scalarText(node: unknown): string {
  return isScalar(node) ? String(node.value) : JSON.stringify(node);
}

/** The later file's comments win where it has them (as kyaml does). */
function takeComments(target: Node, source: Node): void {
  if (source.commentBefore) target.commentBefore = source.commentBefore;
  if (source.comment) target.comment = source.comment;
}

function mergeSeqs(base: YAMLSeq, patch: YAMLSeq): Node {
  const key = associativeKey(base);
  if (!key || key !== associativeKey(patch)) return patch;
  for (const item of patch.items as YAMLMap[]) {
    const id = scalarText(item.get(key, true));
    const match = (base.items as YAMLMap[]).find(
      existing => scalarText(existing.get(key, true)) === id,
    );
    if (match) mergeMaps(match, item);
    else base.items.push(item);
  }
  takeComments(base, patch);
  return base;
}

function mergeMaps(base: YAMLMap, patch: YAMLMap): YAMLMap {
  for (const pair of patch.items) {
    const name = keyText(pair);
    const index = base.items.findIndex(existing => keyText(existing) === name);
    if (isNull(pair.value)) {
      if (index >= 0) base.items.splice(index, 1);
      continue;
    }
    if (index < 0) {
      base.items.push(pair);
      continue;
    }
    const existing = base.items[index];
    existing.value = mergeNodes(existing.value as Node, pair.value as Node);
    if (isScalar(pair.key) && isScalar(existing.key)) {
      takeComments(existing.key, pair.key);
    }
  }
  takeComments(base, patch);
  return base;
}

/** `patch` merged over `base`; either may be reused in the result. */
export function mergeNodes(base: Node | null, patch: Node | null): Node | null {
  if (isNull(base)) return patch;
  if (isMap(base) && isMap(patch)) return mergeMaps(base, patch);
  if (isSeq(base) && isSeq(patch)) return mergeSeqs(base, patch);
  return patch;
}

/**
 * Aliases can't travel to another document (their anchors stay behind), so
 * a later file's aliases become copies of what they point at, and its
 * anchors are dropped so they can't clash with the first file's.
 */
export function inlineAliases(doc: Document): void {
  // A replacement is visited in turn, so aliases inside copies resolve too.
  visit(doc, {
    Alias(_key, alias) {
      const target = alias.resolve(doc);
      return target ? (target.clone() as Node) : undefined;
    },
  });
  visit(doc, {
    Node(_key, node) {
      if ('anchor' in node) delete (node as { anchor?: string }).anchor;
    },
  });
}
