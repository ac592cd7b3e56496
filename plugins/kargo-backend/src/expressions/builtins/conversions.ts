import { fail } from '../errors';
import { formatGo, goJSON, parseGoFloat } from '../goFormat';
import { typeName } from '../values';
import { arity, only, Builtin, str } from './types';

const BASE64 =
  /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const CONVERSION_BUILTINS: Record<string, Builtin> = {
  type: args => typeName(only('type', args)),
  string: args => formatGo(only('string', args)),
  int: args => {
    arity('int', args, 1);
    const v = args[0];
    if (typeof v === 'number') return Math.trunc(v);
    if (typeof v === 'string' && /^[+-]?\d+$/.test(v)) return Number(v);
    return fail(`invalid operation: int(${formatGo(v)})`);
  },
  float: args => {
    arity('float', args, 1);
    const v = args[0];
    if (typeof v === 'number') return v;
    const parsed = typeof v === 'string' ? parseGoFloat(v) : undefined;
    if (parsed === undefined) fail(`invalid operation: float(${formatGo(v)})`);
    return parsed;
  },
  // expr-lang writes indented JSON, as json.MarshalIndent(v, "", "  ").
  toJSON: args => goJSON(only('toJSON', args), '  '),
  fromJSON: args => {
    arity('fromJSON', args, 1);
    try {
      return JSON.parse(str('fromJSON', args[0]));
    } catch (e) {
      return fail(`fromJSON(): ${(e as Error).message}`);
    }
  },
  toBase64: args => {
    arity('toBase64', args, 1);
    return Buffer.from(str('toBase64', args[0]), 'utf8').toString('base64');
  },
  fromBase64: args => {
    arity('fromBase64', args, 1);
    const text = str('fromBase64', args[0]);
    if (!BASE64.test(text)) fail('fromBase64(): illegal base64 data');
    return Buffer.from(text, 'base64').toString('utf8');
  },
};
