/*
 * expr-lang's literal syntax, which differs from JavaScript's: Go string
 * escapes, raw `backtick` strings, and 0x/0o/0b/1_000 numbers. Each scanner
 * reads from `source` at `start` and returns the value and where it ended,
 * or throws a message (the parser adds the position).
 */

export type Scanned<T> = { value: T; end: number };

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

/** A '…' or "…" string with Go escapes; no raw newlines, as in expr-lang. */
export function scanQuoted(source: string, start: number): Scanned<string> {
  const quote = source[start];
  let out = '';
  let i = start + 1;
  for (;;) {
    if (i >= source.length || source[i] === '\n') {
      throw new Error('literal not terminated');
    }
    const c = source[i];
    if (c === quote) return { value: out, end: i + 1 };
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = source[i + 1];
    if (Object.prototype.hasOwnProperty.call(SIMPLE_ESCAPES, e)) {
      out += SIMPLE_ESCAPES[e];
      i += 2;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const len = { x: 2, u: 4, U: 8 }[e];
      const hex = source.slice(i + 2, i + 2 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) {
        throw new Error(`invalid escape "\\${e}${hex}"`);
      }
      out += String.fromCodePoint(parseInt(hex, 16));
      i += 2 + len;
    } else if (/^[0-7]{3}$/.test(source.slice(i + 1, i + 4))) {
      out += String.fromCharCode(parseInt(source.slice(i + 1, i + 4), 8));
      i += 4;
    } else {
      throw new Error(`invalid escape "\\${e ?? ''}"`);
    }
  }
}

/** A `raw` string: no escapes, newlines allowed. */
export function scanRaw(source: string, start: number): Scanned<string> {
  const end = source.indexOf('`', start + 1);
  if (end < 0) throw new Error('literal not terminated');
  return { value: source.slice(start + 1, end), end: end + 1 };
}

const NUMBER =
  /0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*(?:\.\d[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?/y;

/**
 * A number. `1..3` is a range, so a `.` only starts a fraction when a digit
 * follows it.
 */
export function scanNumber(source: string, start: number): Scanned<number> {
  NUMBER.lastIndex = start;
  const m = NUMBER.exec(source);
  if (!m) throw new Error('invalid number');
  const text = m[0];
  if (/__|_$|^_|[xob]_*$/i.test(text) || /_[.eE]|[.eE]_/.test(text)) {
    throw new Error(`invalid number "${text}"`);
  }
  const digits = text.replace(/_/g, '');
  const base = { x: 16, o: 8, b: 2 }[digits[1]?.toLowerCase() as 'x'];
  const value =
    digits[0] === '0' && base
      ? parseInt(digits.slice(2), base)
      : Number(digits);
  if (!Number.isFinite(value)) throw new Error(`invalid number "${text}"`);
  return { value, end: start + text.length };
}
