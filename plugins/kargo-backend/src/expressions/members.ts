import { fail } from './errors';
import { ExprObject, FORBIDDEN_KEYS, hasOwn, isNil, typeName } from './values';

/*
 * `a.b`, `a[i]` and `a[i:j]` as expr-lang reads them, restricted to data:
 * maps answer own properties only (a missing key is nil), arrays and strings
 * integer indexes (negative from the end), ExprObjects their fields.
 */

function index(length: number, key: unknown): number {
  if (typeof key !== 'number')
    fail(`index must be an int, not ${typeName(key)}`);
  const i = Math.trunc(key as number);
  const at = i < 0 ? length + i : i;
  if (at < 0 || at >= length) {
    fail(`index out of range: ${i} (array length is ${length})`);
  }
  return at;
}

export function readMember(object: unknown, key: unknown): unknown {
  if (isNil(object)) {
    return fail(`cannot read ${JSON.stringify(key)} of nil`);
  }
  if (typeof key === 'string' && FORBIDDEN_KEYS.has(key)) {
    return fail(`"${key}" is not accessible`);
  }
  if (Array.isArray(object)) {
    // Not expr-lang, kept for expressions written for earlier versions.
    if (key === 'length') return object.length;
    return object[index(object.length, key)];
  }
  if (object instanceof ExprObject) {
    if (typeof key !== 'string')
      fail(`cannot fetch ${typeName(key)} from ${object.exprType}`);
    return object.readField(key as string);
  }
  if (typeof object === 'object') {
    const name = String(key);
    return hasOwn(object, name)
      ? (object as Record<string, unknown>)[name]
      : undefined;
  }
  if (typeof object === 'string') {
    if (key === 'length') return object.length;
    // Go indexes a string's UTF-8 bytes, giving a byte value.
    const bytes = Buffer.from(object, 'utf8');
    return bytes[index(bytes.length, key)];
  }
  return fail(`cannot fetch ${JSON.stringify(key)} from ${typeName(object)}`);
}

function bound(v: unknown, length: number, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number')
    fail(`slice bounds must be ints, not ${typeName(v)}`);
  const i = Math.trunc(v as number);
  return Math.min(Math.max(i < 0 ? length + i : i, 0), length);
}

/** `a[from:to]`: out-of-range bounds are clamped, as expr-lang does. */
export function slice(object: unknown, from: unknown, to: unknown): unknown {
  if (Array.isArray(object)) {
    const start = bound(from, object.length, 0);
    return object.slice(
      start,
      Math.max(start, bound(to, object.length, object.length)),
    );
  }
  if (typeof object === 'string') {
    const bytes = Buffer.from(object, 'utf8');
    const start = bound(from, bytes.length, 0);
    const end = Math.max(start, bound(to, bytes.length, bytes.length));
    return bytes.subarray(start, end).toString('utf8');
  }
  return fail(`cannot slice ${typeName(object)}`);
}
