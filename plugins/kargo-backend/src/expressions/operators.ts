import {
  compareGoStrings,
  compileGoRegex,
} from '@kargo-backstage/plugin-kargo-common';
import { fail } from './errors';
import { GoDuration, GoTime } from './goTime';
import type { Limits } from './limits';
import { checkArray } from './limits';
import {
  deepEqual,
  ExprObject,
  hasOwn,
  isMap,
  isNil,
  typeName,
} from './values';

/*
 * expr-lang's binary operators on our values: == by value, < on numbers,
 * strings (Go byte order), times and durations, + on numbers and strings,
 * time arithmetic, `in` on arrays, maps and structs, string operators, and
 * ranges. Anything else is expr-lang's "invalid operation".
 */

function invalid(op: string, l: unknown, r: unknown): never {
  return fail(`invalid operation: ${typeName(l)} ${op} ${typeName(r)}`);
}

/** -1, 0, 1, or undefined when the values are not ordered. */
export function compareValues(l: unknown, r: unknown): number | undefined {
  if (typeof l === 'number' && typeof r === 'number') {
    return Math.sign(l - r) || (l === r ? 0 : undefined);
  }
  if (typeof l === 'string' && typeof r === 'string') {
    return compareGoStrings(l, r);
  }
  if (l instanceof ExprObject) return l.compareTo(r);
  return undefined;
}

function compare(op: string, l: unknown, r: unknown): boolean {
  // IEEE 754, as in Go: every ordering with NaN is false, not an error.
  if (typeof l === 'number' && typeof r === 'number') {
    if (Number.isNaN(l) || Number.isNaN(r)) return false;
  }
  const c = compareValues(l, r);
  if (c === undefined) invalid(op, l, r);
  switch (op) {
    case '<':
      return c! < 0;
    case '<=':
      return c! <= 0;
    case '>':
      return c! > 0;
    default:
      return c! >= 0;
  }
}

function strings(op: string, l: unknown, r: unknown): [string, string] {
  if (typeof l !== 'string' || typeof r !== 'string') invalid(op, l, r);
  return [l as string, r as string];
}

const regexes = new Map<string, RegExp>();

function matches(text: string, pattern: string): boolean {
  let re = regexes.get(pattern);
  if (!re) {
    try {
      re = compileGoRegex(pattern);
    } catch (e) {
      fail(`invalid regular expression "${pattern}": ${(e as Error).message}`);
    }
    if (regexes.size > 500) regexes.clear();
    regexes.set(pattern, re);
  }
  return re.test(text);
}

function membership(l: unknown, r: unknown): boolean {
  if (Array.isArray(r)) return r.some(item => deepEqual(item, l));
  if (isMap(r)) return typeof l === 'string' && hasOwn(r, l);
  if (r instanceof ExprObject) return typeof l === 'string' && r.hasField(l);
  return invalid('in', l, r);
}

function timeArithmetic(op: string, l: unknown, r: unknown): unknown {
  if (l instanceof GoTime && r instanceof GoDuration) {
    const ms = op === '+' ? l.ms + r.ns / 1e6 : l.ms - r.ns / 1e6;
    return new GoTime(ms, l.offsetMinutes);
  }
  if (op === '+' && l instanceof GoDuration && r instanceof GoTime) {
    return new GoTime(r.ms + l.ns / 1e6, r.offsetMinutes);
  }
  if (op === '-' && l instanceof GoTime && r instanceof GoTime) {
    return new GoDuration((l.ms - r.ms) * 1e6);
  }
  if (l instanceof GoDuration && r instanceof GoDuration) {
    return new GoDuration(op === '+' ? l.ns + r.ns : l.ns - r.ns);
  }
  return invalid(op, l, r);
}

function arithmetic(op: string, l: unknown, r: unknown): unknown {
  if (typeof l !== 'number' || typeof r !== 'number') {
    if (op === '+' && typeof l === 'string' && typeof r === 'string') {
      return l + r;
    }
    if (op === '+' || op === '-') return timeArithmetic(op, l, r);
    return invalid(op, l, r);
  }
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return l / r;
    case '%':
      if (!Number.isInteger(l) || !Number.isInteger(r)) invalid(op, l, r);
      if (r === 0) fail('integer divide by zero');
      return l % r;
    default:
      return l ** r;
  }
}

function range(l: unknown, r: unknown, limits: Limits): number[] {
  if (typeof l !== 'number' || typeof r !== 'number') invalid('..', l, r);
  const from = Math.trunc(l as number);
  const to = Math.trunc(r as number);
  const length = Math.max(0, to - from + 1);
  checkArray(length, limits);
  return Array.from({ length }, (_, i) => from + i);
}

/** An operator on two evaluated operands (not &&, ||, ?? or |). */
export function binaryOperation(
  op: string,
  l: unknown,
  r: unknown,
  limits: Limits,
): unknown {
  if (op.startsWith('not ')) return !binaryOperation(op.slice(4), l, r, limits);
  switch (op) {
    case '==':
      return deepEqual(l, r);
    case '!=':
      return !deepEqual(l, r);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return compare(op, l, r);
    case 'in':
      return membership(l, r);
    case 'matches': {
      const [text, pattern] = strings(op, l, r);
      return matches(text, pattern);
    }
    case 'contains': {
      const [a, b] = strings(op, l, r);
      return a.includes(b);
    }
    case 'startsWith': {
      const [a, b] = strings(op, l, r);
      return a.startsWith(b);
    }
    case 'endsWith': {
      const [a, b] = strings(op, l, r);
      return a.endsWith(b);
    }
    case '..':
      return range(l, r, limits);
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
    case '**':
    case '^':
      return arithmetic(op, l, r);
    default:
      return fail(`operator "${op}" is not supported`);
  }
}

/** A unary operator on its evaluated operand. */
export function unaryOperation(op: string, v: unknown): unknown {
  if (op === '!' || op === 'not') {
    if (typeof v !== 'boolean') {
      fail(`operand of ${op} must be a bool, not ${typeName(v)}`);
    }
    return !v;
  }
  if (typeof v === 'number') return op === '-' ? -v : v;
  if (v instanceof GoDuration) return op === '-' ? new GoDuration(-v.ns) : v;
  return fail(`invalid operation: ${op} ${typeName(v)}`);
}

/** A bool where expr-lang needs one (&&, ||, ?:). */
export function requireBool(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') {
    fail(`${what} must be a bool, not ${isNil(v) ? 'nil' : typeName(v)}`);
  }
  return v as boolean;
}
