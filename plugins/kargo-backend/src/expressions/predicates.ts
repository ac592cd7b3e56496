import { sortValues } from './builtins';
import { fail } from './errors';
import { formatGo } from './goFormat';
import { checkArray, Limits } from './limits';
import type { Pending } from './pending';
import { ownMap, typeName } from './values';

/*
 * expr-lang's builtins that take predicates: all, any, none, one, filter,
 * map, count, sum, find, findIndex, findLast, findLastIndex, groupBy,
 * sortBy and reduce. A predicate runs per item with `#` (the item),
 * `#index` and, in reduce, `#acc`; it may call async functions, so these
 * are generators driven like the rest of the evaluator.
 */

type Gen<T = unknown> = Generator<Pending, T, unknown>;

/** Runs the predicate's body for one item. */
export type PredicateRun = (item: unknown, index: number, acc?: unknown) => Gen;

function* test(
  name: string,
  run: PredicateRun,
  item: unknown,
  i: number,
): Gen<boolean> {
  const result = yield* run(item, i);
  if (typeof result !== 'boolean') {
    fail(
      `the predicate of ${name}() must return a bool, not ${typeName(result)}`,
    );
  }
  return result as boolean;
}

function* matching(
  name: string,
  items: unknown[],
  run: PredicateRun,
): Gen<number> {
  let count = 0;
  for (const [i, item] of items.entries()) {
    if (yield* test(name, run, item, i)) count++;
  }
  return count;
}

function numeric(name: string, v: unknown): number {
  if (typeof v !== 'number')
    fail(`${name}() can only add numbers, not ${typeName(v)}`);
  return v as number;
}

/**
 * Calls the predicate builtin `name` on `input`. `run` is undefined when an
 * optional predicate (count, sum) was left out; `extra` holds the optional
 * trailing argument of sortBy (order) and reduce (initial value).
 */
export function* callPredicateBuiltin(
  name: string,
  input: unknown,
  run: PredicateRun | undefined,
  extra: unknown[],
  limits: Limits,
): Gen {
  if (!Array.isArray(input)) {
    return fail(`${name}() needs an array, not ${typeName(input)}`);
  }
  const items = input as unknown[];
  const each =
    run ??
    ((item: unknown) =>
      (function* identity(): Gen {
        return item;
      })());
  switch (name) {
    case 'all':
    case 'none':
      for (const [i, item] of items.entries()) {
        if ((yield* test(name, each, item, i)) === (name === 'none'))
          return false;
      }
      return true;
    case 'any':
      for (const [i, item] of items.entries()) {
        if (yield* test(name, each, item, i)) return true;
      }
      return false;
    case 'one':
      return (yield* matching(name, items, each)) === 1;
    case 'count':
      return yield* matching(name, items, each);
    case 'filter': {
      const out: unknown[] = [];
      for (const [i, item] of items.entries()) {
        if (yield* test(name, each, item, i)) out.push(item);
      }
      return out;
    }
    case 'map': {
      checkArray(items.length, limits);
      const out: unknown[] = [];
      for (const [i, item] of items.entries()) out.push(yield* each(item, i));
      return out;
    }
    case 'sum': {
      let total = 0;
      for (const [i, item] of items.entries())
        total += numeric(name, yield* each(item, i));
      return total;
    }
    case 'find':
    case 'findIndex': {
      for (const [i, item] of items.entries()) {
        if (yield* test(name, each, item, i)) return name === 'find' ? item : i;
      }
      return name === 'find' ? null : -1;
    }
    case 'findLast':
    case 'findLastIndex': {
      for (let i = items.length - 1; i >= 0; i--) {
        if (yield* test(name, each, items[i], i))
          return name === 'findLast' ? items[i] : i;
      }
      return name === 'findLast' ? null : -1;
    }
    case 'groupBy': {
      const groups = new Map<string, unknown[]>();
      for (const [i, item] of items.entries()) {
        const key = yield* each(item, i);
        const k = typeof key === 'string' ? key : formatGo(key);
        const group = groups.get(k);
        if (group) group.push(item);
        else groups.set(k, [item]);
      }
      return ownMap(groups);
    }
    case 'sortBy': {
      const keyed: Array<[unknown, unknown]> = [];
      for (const [i, item] of items.entries())
        keyed.push([yield* each(item, i), item]);
      return sortValues(keyed, ([key]) => key, extra[0]).map(
        ([, item]) => item,
      );
    }
    case 'reduce': {
      const hasInitial = extra.length > 0;
      if (!items.length) {
        if (hasInitial) return extra[0];
        fail('reduce() of an empty array needs an initial value');
      }
      let acc = hasInitial ? extra[0] : items[0];
      for (let i = hasInitial ? 0 : 1; i < items.length; i++) {
        acc = yield* each(items[i], i, acc);
      }
      return acc;
    }
    default:
      return fail(`unknown function ${name}()`);
  }
}
