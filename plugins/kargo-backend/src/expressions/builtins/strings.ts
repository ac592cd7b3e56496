import { fail } from '../errors';
import { checkArray, checkString } from '../limits';
import { arity, only, Builtin, int, str } from './types';

/*
 * expr-lang's string builtins with Go's semantics: indexes count UTF-8
 * bytes, an empty separator splits into characters, trim's cutset is a set.
 */

const utf8Length = (s: string) => Buffer.byteLength(s, 'utf8');

function byteIndex(s: string, i: number): number {
  return i < 0 ? -1 : utf8Length(s.slice(0, i));
}

function trimSet(s: string, cutset: string): string {
  const cut = new Set(cutset);
  const chars = Array.from(s);
  let i = 0;
  let j = chars.length;
  while (i < j && cut.has(chars[i])) i++;
  while (j > i && cut.has(chars[j - 1])) j--;
  return chars.slice(i, j).join('');
}

/** Go's strings.SplitN / SplitAfterN. */
function splitN(s: string, sep: string, n: number, after: boolean): string[] {
  if (n === 0) return [];
  const parts = sep === '' ? Array.from(s) : s.split(sep);
  const limit = n < 0 ? parts.length : Math.min(n, parts.length);
  const head = parts.slice(0, limit - 1);
  const tail = parts.slice(limit - 1).join(sep);
  const result = [...head, tail];
  return after && sep
    ? result.map((p, i) => (i < result.length - 1 ? p + sep : p))
    : result;
}

/** How many parts splitting `s` at `sep` makes, without making them. */
function countParts(s: string, sep: string): number {
  if (sep === '') {
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0xdc00 || c > 0xdfff || i === 0) n++;
    }
    return n;
  }
  let n = 1;
  for (let i = s.indexOf(sep); i >= 0; i = s.indexOf(sep, i + sep.length)) n++;
  return n;
}

const split =
  (name: string, after: boolean): Builtin =>
  (args, limits) => {
    arity(name, args, 2, 3);
    const n = args.length === 3 ? int(name, args[2]) : -1;
    const [s, sep] = [str(name, args[0]), str(name, args[1])];
    if (n < 0 || n > limits.maxArrayLength)
      checkArray(countParts(s, sep), limits);
    return splitN(s, sep, n, after);
  };

export const STRING_BUILTINS: Record<string, Builtin> = {
  trim: args => {
    arity('trim', args, 1, 2);
    const s = str('trim', args[0]);
    return args.length === 1 ? s.trim() : trimSet(s, str('trim', args[1]));
  },
  trimPrefix: args => {
    arity('trimPrefix', args, 2);
    const [s, p] = [str('trimPrefix', args[0]), str('trimPrefix', args[1])];
    return s.startsWith(p) ? s.slice(p.length) : s;
  },
  trimSuffix: args => {
    arity('trimSuffix', args, 2);
    const [s, p] = [str('trimSuffix', args[0]), str('trimSuffix', args[1])];
    return p && s.endsWith(p) ? s.slice(0, s.length - p.length) : s;
  },
  upper: args => str('upper', only('upper', args)).toUpperCase(),
  lower: args => str('lower', only('lower', args)).toLowerCase(),
  split: split('split', false),
  splitAfter: split('splitAfter', true),
  replace: (args, limits) => {
    arity('replace', args, 3);
    const [s, from, to] = args.map(a => str('replace', a));
    const parts = from === '' ? ['', ...Array.from(s), ''] : s.split(from);
    const kept = parts.reduce((n, part) => n + part.length, 0);
    checkString(kept + (parts.length - 1) * to.length, limits);
    return parts.join(to);
  },
  repeat: (args, limits) => {
    arity('repeat', args, 2);
    const s = str('repeat', args[0]);
    const n = int('repeat', args[1]);
    if (n < 0) fail('repeat() needs a count of 0 or more');
    checkString(s.length * n, limits);
    return s.repeat(n);
  },
  indexOf: args => {
    arity('indexOf', args, 2);
    const s = str('indexOf', args[0]);
    return byteIndex(s, s.indexOf(str('indexOf', args[1])));
  },
  lastIndexOf: args => {
    arity('lastIndexOf', args, 2);
    const s = str('lastIndexOf', args[0]);
    return byteIndex(s, s.lastIndexOf(str('lastIndexOf', args[1])));
  },
  hasPrefix: args => {
    arity('hasPrefix', args, 2);
    return str('hasPrefix', args[0]).startsWith(str('hasPrefix', args[1]));
  },
  hasSuffix: args => {
    arity('hasSuffix', args, 2);
    return str('hasSuffix', args[0]).endsWith(str('hasSuffix', args[1]));
  },
};
