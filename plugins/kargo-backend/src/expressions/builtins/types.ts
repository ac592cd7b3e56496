import { fail } from '../errors';
import type { Limits } from '../limits';
import { typeName } from '../values';

/** An expr-lang builtin: evaluated arguments in, a value out. */
export type Builtin = (args: unknown[], limits: Limits) => unknown;

export function arity(name: string, args: unknown[], min: number, max = min) {
  if (args.length < min || args.length > max) {
    const count = min === max ? `${min}` : `${min} to ${max}`;
    fail(
      `${name}() takes ${count} argument${max === 1 ? '' : 's'}, not ${
        args.length
      }`,
    );
  }
}

export function str(name: string, v: unknown): string {
  if (typeof v !== 'string')
    fail(`${name}() needs a string, not ${typeName(v)}`);
  return v as string;
}

export function num(name: string, v: unknown): number {
  if (typeof v !== 'number')
    fail(`${name}() needs a number, not ${typeName(v)}`);
  return v as number;
}

export function int(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    fail(`${name}() needs an integer, not ${typeName(v)}`);
  }
  return v as number;
}

export function array(name: string, v: unknown): unknown[] {
  if (!Array.isArray(v)) fail(`${name}() needs an array, not ${typeName(v)}`);
  return v as unknown[];
}

/** The single argument of a one-argument builtin. */
export function only(name: string, args: unknown[]): unknown {
  arity(name, args, 1);
  return args[0];
}
