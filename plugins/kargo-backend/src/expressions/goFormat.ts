import { compareGoStrings } from '@kargo-backstage/plugin-kargo-common';
import { fail } from './errors';
import { ExprObject, isNil, isMap } from './values';

/*
 * Go's renderings of values, which Kargo's results are made of: fmt's %v
 * (expr-lang's string()), encoding/json (templates, toJSON, asJSON) and
 * strconv's Quote, ParseFloat and ParseBool (template result typing).
 * Numbers are float64 here; integral ones print as Go ints do.
 */

/** strconv.FormatFloat(f, 'g', -1, 64) as fmt's %v writes it. */
function formatGoFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  const [mantissa, exponent] = n.toExponential().split('e');
  const exp = Number(exponent);
  // %v is %g with the shortest precision, which switches to an exponent
  // from 1e6 on (integral values below 1e21 printed as ints above).
  if (exp < -4 || exp >= 6) {
    const digits = String(Math.abs(exp)).padStart(2, '0');
    return `${mantissa}e${exp < 0 ? '-' : '+'}${digits}`;
  }
  return String(n);
}

/** fmt.Sprintf("%v", v). */
export function formatGo(v: unknown): string {
  if (isNil(v)) return '<nil>';
  if (v instanceof ExprObject) return v.formatGo();
  if (typeof v === 'number') return formatGoFloat(v);
  if (Array.isArray(v)) return `[${v.map(formatGo).join(' ')}]`;
  if (isMap(v)) {
    const keys = Object.keys(v).sort(compareGoStrings);
    return `map[${keys.map(k => `${k}:${formatGo(v[k])}`).join(' ')}]`;
  }
  return String(v);
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;

/** A JSON string as encoding/json writes it (HTML-safe escapes). */
function jsonString(s: string): string {
  return JSON.stringify(s).replace(
    HTML_UNSAFE,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * json.Marshal (indent '') or json.MarshalIndent(v, "", indent): map keys
 * sorted by bytes, structs in field order, HTML characters escaped.
 */
export function goJSON(value: unknown, indent = ''): string {
  const write = (v: unknown, depth: number, keepOrder: boolean): string => {
    if (v instanceof ExprObject) return write(v.toJSONValue(), depth, true);
    if (isNil(v)) return 'null';
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) fail(`json: unsupported value: ${formatGo(v)}`);
      return JSON.stringify(v);
    }
    if (typeof v === 'string') return jsonString(v);
    if (typeof v === 'boolean') return String(v);
    const inner = indent ? `\n${indent.repeat(depth + 1)}` : '';
    const outer = indent ? `\n${indent.repeat(depth)}` : '';
    if (Array.isArray(v)) {
      if (!v.length) return '[]';
      const items = v.map(item => inner + write(item, depth + 1, false));
      return `[${items.join(',')}${outer}]`;
    }
    if (typeof v === 'object') {
      const map = v as Record<string, unknown>;
      const keys = Object.keys(map).filter(
        k => map[k] !== undefined || !keepOrder,
      );
      if (!keepOrder) keys.sort(compareGoStrings);
      if (!keys.length) return '{}';
      const colon = indent ? ': ' : ':';
      const items = keys.map(
        k =>
          `${inner}${jsonString(k)}${colon}${write(map[k], depth + 1, false)}`,
      );
      return `{${items.join(',')}${outer}}`;
    }
    return fail(`json: unsupported type: ${typeof v}`);
  };
  return write(value, 0, false);
}

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u;
const SHORT_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '"': '\\"',
  '\\': '\\\\',
};

/** strconv.Quote (fmt's %q for strings). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (SHORT_ESCAPES[ch]) out += SHORT_ESCAPES[ch];
    else if (PRINTABLE.test(ch)) out += ch;
    else if (cp < 0x80) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

const DIGITS = '\\d(?:_?\\d)*';
const DECIMAL_FLOAT = new RegExp(
  `^[+-]?(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?$`,
);
const HEX_FLOAT =
  /^([+-]?)0[xX]((?:_?[0-9a-fA-F])*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/;
const SPECIAL_FLOAT = /^([+-]?)(inf|infinity|nan)$/i;

/**
 * strconv.ParseFloat(s, 64): undefined when Go would return an error
 * (including out-of-range values); Inf and NaN spellings are accepted.
 */
export function parseGoFloat(s: string): number | undefined {
  const special = SPECIAL_FLOAT.exec(s);
  if (special) {
    if (special[2].toLowerCase() === 'nan') return special[1] ? undefined : NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  let value: number;
  if (DECIMAL_FLOAT.test(s)) {
    value = Number(s.replace(/_/g, ''));
  } else {
    const hex = HEX_FLOAT.exec(s);
    if (!hex || !(hex[2] + (hex[3] ?? '')).replace(/_/g, '')) return undefined;
    const int = hex[2].replace(/_/g, '');
    const frac = hex[3] ?? '';
    const mantissa = parseInt(int + frac || '0', 16);
    value = mantissa * 2 ** (Number(hex[4]) - 4 * frac.length);
    if (hex[1] === '-') value = -value;
  }
  return Number.isFinite(value) ? value : undefined;
}

const GO_BOOLS: Record<string, boolean> = {
  1: true,
  t: true,
  T: true,
  TRUE: true,
  true: true,
  True: true,
  0: false,
  f: false,
  F: false,
  FALSE: false,
  false: false,
  False: false,
};

/** strconv.ParseBool. */
export function parseGoBool(s: string): boolean | undefined {
  return Object.prototype.hasOwnProperty.call(GO_BOOLS, s)
    ? GO_BOOLS[s]
    : undefined;
}
