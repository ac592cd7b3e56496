import { fail } from './errors';

/*
 * The values expressions work with: JSON-like data (null/undefined are both
 * expr-lang's nil; numbers are float64 and integral ones count as ints) plus
 * ExprObjects — values made by our own functions (a parsed semver, a
 * time.Time, a Kargo struct) — the only values that have methods.
 */

export type ExprMethod = (self: any, args: unknown[]) => unknown;

/**
 * A value built by one of our functions. Expressions may call exactly the
 * methods in its `exprMethods` table and read exactly the fields
 * `readField` answers; nothing else of the JavaScript object is reachable.
 */
export abstract class ExprObject {
  /** The Go type name expr-lang would report (`type()`, error messages). */
  abstract get exprType(): string;
  /** The whitelist of methods, by name. */
  protected abstract get exprMethods(): Readonly<Record<string, ExprMethod>>;
  /** What Go's encoding/json writes for the value. */
  abstract toJSONValue(): unknown;
  /** Go's fmt `%v` rendering. */
  abstract formatGo(): string;

  callMethod(name: string, args: unknown[]): unknown {
    const table = this.exprMethods;
    if (!Object.prototype.hasOwnProperty.call(table, name)) {
      fail(`${this.exprType} has no method ${name}()`);
    }
    return table[name](this, args);
  }

  /** `.Name`: structs answer their fields; other objects have none. */
  readField(name: string): unknown {
    return fail(`cannot fetch ${name} from ${this.exprType}`);
  }

  hasField(_name: string): boolean {
    return false;
  }

  equals(other: unknown): boolean {
    return other === this;
  }

  /** Ordering for `<` and friends; undefined when not ordered. */
  compareTo(_other: unknown): number | undefined {
    return undefined;
  }
}

/**
 * A Go struct as Kargo's functions return it (`imageFrom(...)` is a
 * v1alpha1.Image): Go field names for expressions, its JSON tags when
 * serialized.
 */
export class GoStruct extends ExprObject {
  constructor(
    private readonly goType: string,
    private readonly fields: Readonly<Record<string, unknown>>,
    private readonly json: () => Record<string, unknown>,
    /** Methods expressions may call on it (`request.header('X')`). */
    private readonly methods: Readonly<
      Record<string, (args: unknown[]) => unknown>
    > = {},
  ) {
    super();
  }
  get exprType() {
    return this.goType;
  }
  protected get exprMethods() {
    return Object.fromEntries(
      Object.entries(this.methods).map(([name, fn]) => [
        name,
        (_self: GoStruct, args: unknown[]) => fn(args),
      ]),
    );
  }
  readField(name: string): unknown {
    if (!this.hasField(name)) fail(`type ${this.goType} has no field ${name}`);
    return this.fields[name];
  }
  hasField(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.fields, name);
  }
  toJSONValue() {
    return this.json();
  }
  formatGo() {
    return `{${Object.values(this.fields).map(formatForStruct).join(' ')}}`;
  }
  equals(other: unknown): boolean {
    return (
      other instanceof GoStruct &&
      other.goType === this.goType &&
      deepEqual(other.fields, this.fields)
    );
  }
}

function formatForStruct(v: unknown): string {
  return v instanceof ExprObject ? v.formatGo() : String(v ?? '');
}

/** Property names that are never readable: the way out of a sandbox. */
export const FORBIDDEN_KEYS = new Set([
  '__proto__',
  'prototype',
  'constructor',
]);

export function isNil(v: unknown): v is null | undefined {
  return v === null || v === undefined;
}

export function isMap(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof ExprObject)
  );
}

/** A plain object from entries, any key (even `__proto__`) an own property. */
export function ownMap(
  entries: Iterable<[string, unknown]>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(out, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

export function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** expr-lang's type() names. */
export function typeName(v: unknown): string {
  if (isNil(v)) return 'nil';
  if (v instanceof ExprObject) return v.exprType;
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float';
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    case 'object':
      return 'map';
    default:
      return typeof v;
  }
}

/** expr-lang's ==: numbers by value, arrays and maps deeply, nil == nil. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (isNil(a) || isNil(b)) return isNil(a) && isNil(b);
  if (a instanceof ExprObject) return a.equals(b);
  if (b instanceof ExprObject) return b.equals(a);
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => deepEqual(item, b[i]))
    );
  }
  if (isMap(a) && isMap(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every(k => hasOwn(b, k) && deepEqual(a[k], b[k]))
    );
  }
  return a === b;
}
