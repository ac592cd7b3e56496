import { fail } from '../errors';
import { checkArray } from '../limits';
import { compareValues } from '../operators';
import { goJSON } from '../goFormat';
import { ExprObject, hasOwn, isMap, isNil, ownMap, typeName } from '../values';
import { arity, only, array, Builtin, int } from './types';

/*
 * expr-lang's array and map builtins (those without predicates; filter,
 * map, sortBy and friends live in predicates.ts).
 */

function map(name: string, v: unknown): Record<string, unknown> {
  if (!isMap(v)) fail(`${name}() needs a map, not ${typeName(v)}`);
  return v as Record<string, unknown>;
}

/** Ascending or descending by expr-lang's ordering; mixed types fail. */
export function sortValues<T>(
  items: T[],
  key: (item: T) => unknown,
  order: unknown,
): T[] {
  if (order !== undefined && order !== 'asc' && order !== 'desc') {
    fail(`unknown order ${JSON.stringify(order)}; use "asc" or "desc"`);
  }
  const sign = order === 'desc' ? -1 : 1;
  return [...items].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    const c = compareValues(ka, kb);
    if (c === undefined)
      fail(`invalid operation: ${typeName(ka)} < ${typeName(kb)}`);
    return sign * c!;
  });
}

function flatten(items: unknown[], out: unknown[], limit: number): unknown[] {
  for (const item of items) {
    if (Array.isArray(item)) flatten(item, out, limit);
    else out.push(item);
    if (out.length > limit) break;
  }
  return out;
}

export const COLLECTION_BUILTINS: Record<string, Builtin> = {
  len: args => {
    arity('len', args, 1);
    const v = args[0];
    if (typeof v === 'string') return Array.from(v).length;
    if (Array.isArray(v)) return v.length;
    if (isMap(v)) return Object.keys(v).length;
    return fail(`invalid argument for len (type ${typeName(v)})`);
  },
  keys: args => Object.keys(map('keys', only('keys', args))),
  values: args => Object.values(map('values', only('values', args))),
  toPairs: args => {
    arity('toPairs', args, 1);
    return Object.entries(map('toPairs', args[0]));
  },
  fromPairs: args => {
    arity('fromPairs', args, 1);
    const pairs = array('fromPairs', args[0]).map(pair => {
      if (!Array.isArray(pair) || pair.length !== 2)
        fail('fromPairs() needs [key, value] pairs');
      return [String(pair[0]), pair[1]] as [string, unknown];
    });
    return ownMap(pairs);
  },
  first: args => array('first', only('first', args))[0] ?? null,
  last: args => {
    arity('last', args, 1);
    const items = array('last', args[0]);
    return items.length ? items[items.length - 1] : null;
  },
  take: args => {
    arity('take', args, 2);
    return array('take', args[0]).slice(0, Math.max(0, int('take', args[1])));
  },
  reverse: args => [...array('reverse', only('reverse', args))].reverse(),
  sort: args => {
    arity('sort', args, 1, 2);
    return sortValues(array('sort', args[0]), v => v, args[1]);
  },
  uniq: args => {
    arity('uniq', args, 1);
    // Keyed by canonical JSON (sorted keys; 1 and 1.0 alike): linear time.
    const seen = new Set<string>();
    return array('uniq', args[0]).filter(v => {
      const key = `${typeName(v)}:${goJSON(v)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  },
  concat: (args, limits) => {
    const arrays = args.map(a => array('concat', a));
    checkArray(
      arrays.reduce((n, a) => n + a.length, 0),
      limits,
    );
    return arrays.flat();
  },
  flatten: (args, limits) => {
    arity('flatten', args, 1);
    const out = flatten(array('flatten', args[0]), [], limits.maxArrayLength);
    checkArray(out.length, limits);
    return out;
  },
  join: args => {
    arity('join', args, 1, 2);
    const sep = args.length === 2 ? args[1] : '';
    if (typeof sep !== 'string') fail('join() needs a string separator');
    const items = array('join', args[0]);
    if (items.some(i => typeof i !== 'string'))
      fail('join() needs an array of strings');
    return items.join(sep as string);
  },
  get: args => {
    arity('get', args, 2);
    const [v, key] = args;
    if (Array.isArray(v)) {
      if (typeof key !== 'number') return null;
      const i = Math.trunc(key < 0 ? v.length + key : key);
      return i >= 0 && i < v.length ? v[i] : null;
    }
    if (isMap(v))
      return typeof key === 'string' && hasOwn(v, key) ? v[key] : null;
    if (v instanceof ExprObject && typeof key === 'string' && v.hasField(key)) {
      return v.readField(key);
    }
    if (isNil(v)) return null;
    return fail(`get() needs an array or a map, not ${typeName(v)}`);
  },
};
