import { fail } from '../errors';
import { compareValues } from '../operators';
import { typeName } from '../values';
import { arity, only, array, Builtin, int, num } from './types';

/** max/min take numbers or arrays of them (flattened one level). */
function extreme(name: string, sign: 1 | -1): Builtin {
  return args => {
    const values = args.flatMap(a => (Array.isArray(a) ? a : [a]));
    let best: unknown;
    for (const v of values) {
      if (typeof v !== 'number')
        fail(`${name}() needs numbers, not ${typeName(v)}`);
      if (best === undefined || sign * compareValues(v, best)! > 0) best = v;
    }
    return best ?? null;
  };
}

function numbers(name: string, v: unknown): number[] {
  return array(name, v).map(item => num(name, item));
}

/** A bitwise builtin on Go int64s. */
function bitwise(name: string, op: (a: bigint, b: bigint) => bigint): Builtin {
  return args => {
    arity(name, args, 2);
    const [a, b] = args.map(v => BigInt(int(name, v)));
    return Number(BigInt.asIntN(64, op(a, b)));
  };
}

export const NUMBER_BUILTINS: Record<string, Builtin> = {
  bitand: bitwise('bitand', (a, b) => a & b),
  bitor: bitwise('bitor', (a, b) => a | b),
  bitxor: bitwise('bitxor', (a, b) => a ^ b),
  bitnand: bitwise('bitnand', (a, b) => a & ~b),
  bitshl: bitwise('bitshl', (a, b) => a << b),
  bitshr: bitwise('bitshr', (a, b) => a >> b),
  bitushr: bitwise('bitushr', (a, b) => BigInt.asUintN(64, a) >> b),
  bitnot: args => ~int('bitnot', only('bitnot', args)),
  max: extreme('max', 1),
  min: extreme('min', -1),
  abs: args => Math.abs(num('abs', only('abs', args))),
  ceil: args => Math.ceil(num('ceil', only('ceil', args))),
  floor: args => Math.floor(num('floor', only('floor', args))),
  // Go's math.Round: half away from zero.
  round: args => {
    arity('round', args, 1);
    const n = num('round', args[0]);
    return Math.sign(n) * Math.round(Math.abs(n));
  },
  mean: args => {
    arity('mean', args, 1);
    const values = numbers('mean', args[0]);
    return values.length
      ? values.reduce((a, b) => a + b, 0) / values.length
      : 0;
  },
  median: args => {
    arity('median', args, 1);
    const values = numbers('median', args[0]).sort((a, b) => a - b);
    if (!values.length) return 0;
    const mid = Math.floor(values.length / 2);
    return values.length % 2
      ? values[mid]
      : (values[mid - 1] + values[mid]) / 2;
  },
};
