import { compileGoRegex } from '@kargo-backstage/plugin-kargo-common';

/*
 * A small, sandboxed evaluator for the subset of expr-lang
 * (github.com/expr-lang/expr) that Kargo's git `expressionFilter` uses.
 *
 * Kargo compiles the filter with expr.Compile (no typed environment) and runs
 * it over a flat map of commit or tag fields; dates are Go time.Time values,
 * on which the documented filters call methods (`commitDate.After(date(…))`,
 * `creatorDate.Year() >= 2024`).
 *
 * Supported: literals (strings in '…', "…" or `…`, numbers, true, false,
 * nil, arrays), identifiers from the environment (unknown ones are nil, as
 * without a typed environment in expr), operators with expr-lang's
 * precedence (`?:`, `??`, `||`/`or`, `&&`/`and`, `==` `!=` `<` `<=` `>` `>=`
 * `in` `matches` `contains` `startsWith` `endsWith` and their `not …` forms,
 * `+` `-` `*` `/` `%` `**`, unary `!`/`not`/`-`/`+`), builtins (`date`,
 * `now`, `duration`, `len`, `lower`, `upper`, `trim`, `trimPrefix`,
 * `trimSuffix`, `hasPrefix`, `hasSuffix`, `split`, `indexOf`, `replace`,
 * `string`, `int`, `abs`) and the usual time.Time / time.Duration methods.
 *
 * Nothing reaches JavaScript objects: member access and method calls are
 * only resolved on the evaluator's own time and duration values, from fixed
 * tables. Source length and nesting depth are bounded.
 */

export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

/** A Go time.Time: an instant plus the UTC offset it is expressed in. */
export class GoTime {
  constructor(readonly ms: number, readonly offsetMinutes = 0) {}
  /** Wall-clock fields in the value's own offset. */
  local(): Date {
    return new Date(this.ms + this.offsetMinutes * 60_000);
  }
}

/** A Go time.Duration, in nanoseconds. */
export class GoDuration {
  constructor(readonly ns: number) {}
}

export type ExprValue =
  | string
  | number
  | boolean
  | null
  | GoTime
  | GoDuration
  | ExprValue[];

type Node =
  | { k: 'lit'; v: ExprValue }
  | { k: 'id'; name: string }
  | { k: 'arr'; items: Node[] }
  | { k: 'un'; op: string; x: Node }
  | { k: 'bin'; op: string; l: Node; r: Node; not?: boolean }
  | { k: 'tern'; c: Node; a: Node; b: Node }
  | { k: 'mem'; x: Node; name: string }
  | { k: 'idx'; x: Node; i: Node }
  | { k: 'call'; f: Node; args: Node[] };

type Token = { t: 'num' | 'str' | 'id' | 'op' | 'eof'; v: string; pos: number };

const MAX_SOURCE = 10_000;
const MAX_DEPTH = 100;

const BINARY: Record<string, number> = {
  '||': 10,
  or: 10,
  '&&': 15,
  and: 15,
  '==': 20,
  '!=': 20,
  '<': 20,
  '>': 20,
  '<=': 20,
  '>=': 20,
  in: 20,
  matches: 20,
  contains: 20,
  startsWith: 20,
  endsWith: 20,
  '+': 30,
  '-': 30,
  '*': 60,
  '/': 60,
  '%': 60,
  '**': 100,
  '^': 100,
  '??': 500,
};
const isBinary = (v: string) => Object.prototype.hasOwnProperty.call(BINARY, v);
const NEGATABLE = new Set([
  'in',
  'matches',
  'contains',
  'startsWith',
  'endsWith',
]);
const OPS = [
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '??',
  '**',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '!',
  '(',
  ')',
  '[',
  ']',
  ',',
  '.',
  '?',
  ':',
];

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (/\d/.test(ch) || (ch === '.' && /\d/.test(src[i + 1] ?? ''))) {
      const m =
        /^(?:0[xX][0-9a-fA-F_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/.exec(
          src.slice(i),
        )!;
      tokens.push({ t: 'num', v: m[0].replace(/_/g, ''), pos: start });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_$]/.test(ch)) {
      const m = /^[A-Za-z_$][\w$]*/.exec(src.slice(i))!;
      tokens.push({ t: 'id', v: m[0], pos: start });
      i += m[0].length;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let out = '';
      i++;
      for (;;) {
        if (i >= src.length) {
          throw new ExpressionError(`unterminated string at ${start}`);
        }
        const c = src[i];
        if (c === ch) {
          i++;
          break;
        }
        if (c === '\\') {
          const e = src[i + 1];
          const simple: Record<string, string> = {
            n: '\n',
            t: '\t',
            r: '\r',
            '\\': '\\',
            "'": "'",
            '"': '"',
            a: '\x07',
            b: '\b',
            f: '\f',
            v: '\v',
          };
          if (Object.prototype.hasOwnProperty.call(simple, e)) {
            out += simple[e];
            i += 2;
          } else if (e === 'u' || e === 'x' || e === 'U') {
            const len = { x: 2, u: 4, U: 8 }[e];
            const hex = src.slice(i + 2, i + 2 + len);
            if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) {
              throw new ExpressionError(`invalid escape at ${i}`);
            }
            out += String.fromCodePoint(parseInt(hex, 16));
            i += 2 + len;
          } else {
            throw new ExpressionError(`invalid escape "\\${e}" at ${i}`);
          }
          continue;
        }
        out += c;
        i++;
      }
      tokens.push({ t: 'str', v: out, pos: start });
      continue;
    }
    if (ch === '`') {
      const end = src.indexOf('`', i + 1);
      if (end < 0) throw new ExpressionError(`unterminated string at ${i}`);
      tokens.push({ t: 'str', v: src.slice(i + 1, end), pos: start });
      i = end + 1;
      continue;
    }
    const at = i;
    const op = OPS.find(o => src.startsWith(o, at));
    if (!op) throw new ExpressionError(`unexpected character "${ch}" at ${i}`);
    tokens.push({ t: 'op', v: op, pos: start });
    i += op.length;
  }
  tokens.push({ t: 'eof', v: '', pos: src.length });
  return tokens;
}

class Parser {
  private p = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.p + offset, this.tokens.length - 1)];
  }
  private next(): Token {
    return this.tokens[this.p++];
  }
  private isOp(v: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.t === 'op' && t.v === v;
  }
  private expectOp(v: string) {
    const t = this.next();
    if (t.t !== 'op' || t.v !== v) {
      throw new ExpressionError(
        `expected "${v}" at ${t.pos}, found ${
          t.t === 'eof' ? 'end' : `"${t.v}"`
        }`,
      );
    }
  }

  parseProgram(): Node {
    const node = this.parseExpr();
    const t = this.peek();
    if (t.t !== 'eof') {
      throw new ExpressionError(`unexpected "${t.v}" at ${t.pos}`);
    }
    return node;
  }

  private parseExpr(): Node {
    if (++this.depth > MAX_DEPTH) {
      throw new ExpressionError('expression is nested too deeply');
    }
    try {
      const c = this.parseBinary(0);
      if (this.isOp('?')) {
        this.next();
        const a = this.parseExpr();
        this.expectOp(':');
        const b = this.parseExpr();
        return { k: 'tern', c, a, b };
      }
      return c;
    } finally {
      this.depth--;
    }
  }

  /** The binary operator at the cursor: [operator, token count, negated]. */
  private binaryOp(): [string, number, boolean] | undefined {
    const t = this.peek();
    if (t.t === 'id' && t.v === 'not') {
      const n = this.peek(1);
      if (n.t === 'id' && NEGATABLE.has(n.v)) return [n.v, 2, true];
      return undefined;
    }
    if ((t.t === 'op' || t.t === 'id') && isBinary(t.v)) {
      return [t.v, 1, false];
    }
    return undefined;
  }

  private parseBinary(minPrec: number): Node {
    let left = this.parseUnary();
    for (;;) {
      const op = this.binaryOp();
      if (!op) return left;
      const prec = BINARY[op[0]];
      if (prec < minPrec) return left;
      this.p += op[1];
      const rightAssoc = op[0] === '**' || op[0] === '^';
      const right = this.parseBinary(rightAssoc ? prec : prec + 1);
      left = {
        k: 'bin',
        op: normalizeOp(op[0]),
        l: left,
        r: right,
        not: op[2],
      };
    }
  }

  private parseUnary(): Node {
    const t = this.peek();
    if ((t.t === 'op' && t.v === '!') || (t.t === 'id' && t.v === 'not')) {
      this.next();
      return { k: 'un', op: '!', x: this.nested(() => this.parseBinary(50)) };
    }
    if (t.t === 'op' && (t.v === '-' || t.v === '+')) {
      this.next();
      return { k: 'un', op: t.v, x: this.nested(() => this.parseBinary(90)) };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private nested<T>(fn: () => T): T {
    if (++this.depth > MAX_DEPTH) {
      throw new ExpressionError('expression is nested too deeply');
    }
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }

  private parsePrimary(): Node {
    const t = this.next();
    switch (t.t) {
      case 'num': {
        const v = Number(t.v);
        if (Number.isNaN(v)) throw new ExpressionError(`bad number "${t.v}"`);
        return { k: 'lit', v };
      }
      case 'str':
        return { k: 'lit', v: t.v };
      case 'id':
        if (t.v === 'true' || t.v === 'false') {
          return { k: 'lit', v: t.v === 'true' };
        }
        if (t.v === 'nil') return { k: 'lit', v: null };
        if (isBinary(t.v) || t.v === 'not') {
          throw new ExpressionError(`unexpected "${t.v}" at ${t.pos}`);
        }
        return { k: 'id', name: t.v };
      case 'op':
        if (t.v === '(') {
          const e = this.parseExpr();
          this.expectOp(')');
          return e;
        }
        if (t.v === '[') {
          const items: Node[] = [];
          while (!this.isOp(']')) {
            items.push(this.parseExpr());
            if (!this.isOp(',')) break;
            this.next();
          }
          this.expectOp(']');
          return { k: 'arr', items };
        }
        throw new ExpressionError(`unexpected "${t.v}" at ${t.pos}`);
      default:
        throw new ExpressionError('unexpected end of expression');
    }
  }

  private parsePostfix(node: Node): Node {
    let n = node;
    for (;;) {
      if (this.isOp('.')) {
        this.next();
        const name = this.next();
        if (name.t !== 'id') {
          throw new ExpressionError(`expected a name after "." at ${name.pos}`);
        }
        n = { k: 'mem', x: n, name: name.v };
      } else if (this.isOp('(')) {
        this.next();
        const args: Node[] = [];
        while (!this.isOp(')')) {
          args.push(this.parseExpr());
          if (!this.isOp(',')) break;
          this.next();
        }
        this.expectOp(')');
        n = { k: 'call', f: n, args };
      } else if (this.isOp('[')) {
        this.next();
        const i = this.parseExpr();
        this.expectOp(']');
        n = { k: 'idx', x: n, i };
      } else {
        return n;
      }
    }
  }
}

function normalizeOp(op: string): string {
  if (op === 'or') return '||';
  if (op === 'and') return '&&';
  if (op === '^') return '**';
  return op;
}

// ---------------------------------------------------------------------------
// Values

function typeName(v: ExprValue): string {
  if (v === null) return 'nil';
  if (Array.isArray(v)) return 'array';
  if (v instanceof GoTime) return 'time.Time';
  if (v instanceof GoDuration) return 'time.Duration';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  return typeof v === 'boolean' ? 'bool' : 'string';
}

/** Go's fmt %v rendering, enough for Kargo's strconv.ParseBool fallback. */
function formatValue(v: ExprValue): string {
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(formatValue).join(' ')}]`;
  if (v instanceof GoTime) return new Date(v.ms).toISOString();
  if (v instanceof GoDuration) return `${v.ns}ns`;
  return String(v);
}

function equal(a: ExprValue, b: ExprValue): boolean {
  if (a instanceof GoTime && b instanceof GoTime) return a.ms === b.ms;
  if (a instanceof GoDuration && b instanceof GoDuration) return a.ns === b.ns;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  }
  return a === b;
}

function bytesCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function compare(op: string, a: ExprValue, b: ExprValue): boolean {
  let c: number;
  if (typeof a === 'number' && typeof b === 'number') c = a - b;
  else if (typeof a === 'string' && typeof b === 'string') {
    c = bytesCompare(a, b);
  } else if (a instanceof GoTime && b instanceof GoTime) c = a.ms - b.ms;
  else if (a instanceof GoDuration && b instanceof GoDuration) c = a.ns - b.ns;
  else {
    throw new ExpressionError(
      `invalid operation: ${typeName(a)} ${op} ${typeName(b)}`,
    );
  }
  switch (op) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    default:
      return c >= 0;
  }
}

function str(v: ExprValue, what: string): string {
  if (typeof v !== 'string') {
    throw new ExpressionError(`${what} expects a string, got ${typeName(v)}`);
  }
  return v;
}

function num(v: ExprValue, what: string): number {
  if (typeof v !== 'number') {
    throw new ExpressionError(`${what} expects a number, got ${typeName(v)}`);
  }
  return v;
}

function bool(v: ExprValue, what: string): boolean {
  if (typeof v !== 'boolean') {
    throw new ExpressionError(`${what} expects a bool, got ${typeName(v)}`);
  }
  return v;
}

function arith(op: string, a: ExprValue, b: ExprValue): ExprValue {
  if (typeof a === 'number' && typeof b === 'number') {
    switch (op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        return a / b;
      case '%':
        if (!Number.isInteger(a) || !Number.isInteger(b)) {
          throw new ExpressionError('operator % needs integers');
        }
        if (b === 0) throw new ExpressionError('integer divide by zero');
        return a % b;
      default:
        return a ** b;
    }
  }
  if (op === '+' && typeof a === 'string' && typeof b === 'string') {
    return a + b;
  }
  if (a instanceof GoTime && b instanceof GoDuration && '+-'.includes(op)) {
    const delta = b.ns / 1e6;
    return new GoTime(
      op === '+' ? a.ms + delta : a.ms - delta,
      a.offsetMinutes,
    );
  }
  if (op === '+' && a instanceof GoDuration && b instanceof GoTime) {
    return new GoTime(b.ms + a.ns / 1e6, b.offsetMinutes);
  }
  if (op === '-' && a instanceof GoTime && b instanceof GoTime) {
    return new GoDuration((a.ms - b.ms) * 1e6);
  }
  if (a instanceof GoDuration && b instanceof GoDuration && '+-'.includes(op)) {
    return new GoDuration(op === '+' ? a.ns + b.ns : a.ns - b.ns);
  }
  throw new ExpressionError(
    `invalid operation: ${typeName(a)} ${op} ${typeName(b)}`,
  );
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go's time.ParseDuration. */
export function parseGoDuration(text: string): GoDuration {
  const m = /^([-+]?)((?:\d*\.?\d+(?:ns|us|µs|μs|ms|s|m|h))+|0)$/.exec(text);
  if (!m) throw new ExpressionError(`invalid duration "${text}"`);
  let ns = 0;
  for (const part of m[2].matchAll(/(\d*\.?\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    ns += Number(part[1]) * DURATION_UNITS[part[2]];
  }
  return new GoDuration(m[1] === '-' ? -ns : ns);
}

const DATE_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * expr's date(): ISO 8601 / RFC 3339 forms (date only, date and time, with
 * or without a zone; no zone means UTC, Kargo's controller time zone).
 */
export function parseDate(text: string): GoTime {
  const m = DATE_RE.exec(text.trim());
  if (!m) throw new ExpressionError(`cannot parse "${text}" as a date`);
  let offset = 0;
  if (m[8] && m[8] !== 'Z') {
    const z = m[8].replace(':', '');
    offset =
      (z[0] === '-' ? -1 : 1) *
      (Number(z.slice(1, 3)) * 60 + Number(z.slice(3)));
  }
  const utc = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
    m[7] ? Math.floor(Number(m[7]) * 1000) : 0,
  );
  if (Number.isNaN(utc)) throw new ExpressionError(`invalid date "${text}"`);
  return new GoTime(utc - offset * 60_000, offset);
}

type Builtin = (args: ExprValue[], ctx: EvalContext) => ExprValue;

function arity(
  name: string,
  args: ExprValue[],
  min: number,
  max = min,
): ExprValue[] {
  if (args.length < min || args.length > max) {
    throw new ExpressionError(
      `${name}() takes ${min === max ? min : `${min}-${max}`} arguments`,
    );
  }
  return args;
}

const BUILTINS: Record<string, Builtin> = {
  now: (a, ctx) => {
    arity('now', a, 0);
    return new GoTime(ctx.now().getTime());
  },
  date: a => {
    arity('date', a, 1);
    return parseDate(str(a[0], 'date()'));
  },
  duration: a => {
    arity('duration', a, 1);
    return parseGoDuration(str(a[0], 'duration()'));
  },
  len: a => {
    arity('len', a, 1);
    const v = a[0];
    if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
    if (Array.isArray(v)) return v.length;
    throw new ExpressionError(`invalid argument for len (type ${typeName(v)})`);
  },
  lower: a => str(arity('lower', a, 1)[0], 'lower()').toLowerCase(),
  upper: a => str(arity('upper', a, 1)[0], 'upper()').toUpperCase(),
  trim: a => {
    arity('trim', a, 1, 2);
    const s = str(a[0], 'trim()');
    if (a.length === 1) return s.trim();
    const cut = new Set(str(a[1], 'trim()'));
    let i = 0;
    let j = s.length;
    while (i < j && cut.has(s[i])) i++;
    while (j > i && cut.has(s[j - 1])) j--;
    return s.slice(i, j);
  },
  trimPrefix: a => {
    arity('trimPrefix', a, 2);
    const s = str(a[0], 'trimPrefix()');
    const p = str(a[1], 'trimPrefix()');
    return s.startsWith(p) ? s.slice(p.length) : s;
  },
  trimSuffix: a => {
    arity('trimSuffix', a, 2);
    const s = str(a[0], 'trimSuffix()');
    const p = str(a[1], 'trimSuffix()');
    return p && s.endsWith(p) ? s.slice(0, s.length - p.length) : s;
  },
  hasPrefix: a =>
    str(arity('hasPrefix', a, 2)[0], 'hasPrefix()').startsWith(
      str(a[1], 'hasPrefix()'),
    ),
  hasSuffix: a =>
    str(arity('hasSuffix', a, 2)[0], 'hasSuffix()').endsWith(
      str(a[1], 'hasSuffix()'),
    ),
  split: a => {
    arity('split', a, 2);
    return str(a[0], 'split()').split(str(a[1], 'split()'));
  },
  indexOf: a => {
    arity('indexOf', a, 2);
    return str(a[0], 'indexOf()').indexOf(str(a[1], 'indexOf()'));
  },
  replace: a => {
    arity('replace', a, 3);
    return str(a[0], 'replace()')
      .split(str(a[1], 'replace()'))
      .join(str(a[2], 'replace()'));
  },
  string: a => formatValue(arity('string', a, 1)[0]),
  int: a => {
    arity('int', a, 1);
    const v = a[0];
    if (typeof v === 'number') return Math.trunc(v);
    if (typeof v === 'string' && /^[-+]?\d+$/.test(v.trim())) {
      return Number(v.trim());
    }
    throw new ExpressionError(`invalid argument for int (${formatValue(v)})`);
  },
  abs: a => Math.abs(num(arity('abs', a, 1)[0], 'abs()')),
};

function timeArg(args: ExprValue[], name: string): GoTime {
  if (args.length !== 1 || !(args[0] instanceof GoTime)) {
    throw new ExpressionError(`${name} expects one time.Time argument`);
  }
  return args[0];
}

const TIME_METHODS: Record<string, (t: GoTime, a: ExprValue[]) => ExprValue> = {
  After: (t, a) => t.ms > timeArg(a, 'After').ms,
  Before: (t, a) => t.ms < timeArg(a, 'Before').ms,
  Equal: (t, a) => t.ms === timeArg(a, 'Equal').ms,
  Compare: (t, a) => Math.sign(t.ms - timeArg(a, 'Compare').ms),
  Sub: (t, a) => new GoDuration((t.ms - timeArg(a, 'Sub').ms) * 1e6),
  Add: (t, a) => {
    if (a.length !== 1 || !(a[0] instanceof GoDuration)) {
      throw new ExpressionError('Add expects one time.Duration argument');
    }
    return new GoTime(t.ms + a[0].ns / 1e6, t.offsetMinutes);
  },
  UTC: t => new GoTime(t.ms, 0),
  Year: t => t.local().getUTCFullYear(),
  // time.Month compares as a number (January == 1).
  Month: t => t.local().getUTCMonth() + 1,
  Day: t => t.local().getUTCDate(),
  Hour: t => t.local().getUTCHours(),
  Minute: t => t.local().getUTCMinutes(),
  Second: t => t.local().getUTCSeconds(),
  Weekday: t => t.local().getUTCDay(),
  YearDay: t => {
    const d = t.local();
    return (
      Math.floor(
        (Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) -
          Date.UTC(d.getUTCFullYear(), 0, 1)) /
          86_400_000,
      ) + 1
    );
  },
  Unix: t => Math.floor(t.ms / 1000),
  UnixMilli: t => Math.floor(t.ms),
  // Go's zero time: January 1, year 1, UTC.
  IsZero: t => t.ms === -62135596800000,
  String: t => new Date(t.ms).toISOString(),
};

const DURATION_METHODS: Record<string, (d: GoDuration) => ExprValue> = {
  Hours: d => d.ns / 3600e9,
  Minutes: d => d.ns / 60e9,
  Seconds: d => d.ns / 1e9,
  Milliseconds: d => Math.trunc(d.ns / 1e6),
  Nanoseconds: d => d.ns,
};

type EvalContext = {
  env: Record<string, ExprValue>;
  now: () => Date;
  regexes: Map<string, RegExp>;
};

function evaluate(node: Node, ctx: EvalContext): ExprValue {
  switch (node.k) {
    case 'lit':
      return node.v;
    case 'id':
      return Object.prototype.hasOwnProperty.call(ctx.env, node.name)
        ? ctx.env[node.name]
        : null;
    case 'arr':
      return node.items.map(n => evaluate(n, ctx));
    case 'tern':
      return bool(evaluate(node.c, ctx), 'ternary condition')
        ? evaluate(node.a, ctx)
        : evaluate(node.b, ctx);
    case 'un': {
      const v = evaluate(node.x, ctx);
      if (node.op === '!') return !bool(v, 'operator !');
      if (v instanceof GoDuration) {
        return node.op === '-' ? new GoDuration(-v.ns) : v;
      }
      const n = num(v, `unary ${node.op}`);
      return node.op === '-' ? -n : n;
    }
    case 'bin':
      return evalBinary(node, ctx);
    case 'mem': {
      const x = evaluate(node.x, ctx);
      const hint =
        x instanceof GoTime || x instanceof GoDuration
          ? ` (call it: ${node.name}())`
          : '';
      throw new ExpressionError(
        `cannot fetch ${node.name} from ${typeName(x)}${hint}`,
      );
    }
    case 'idx': {
      const x = evaluate(node.x, ctx);
      const i = evaluate(node.i, ctx);
      if (typeof x === 'string' || Array.isArray(x)) {
        let n = num(i, 'index');
        if (!Number.isInteger(n))
          throw new ExpressionError('index must be int');
        if (n < 0) n += x.length;
        if (n < 0 || n >= x.length) {
          throw new ExpressionError(`index out of range: ${n}`);
        }
        return x[n];
      }
      throw new ExpressionError(`cannot index ${typeName(x)}`);
    }
    case 'call': {
      const args = node.args.map(a => evaluate(a, ctx));
      if (node.f.k === 'id') {
        const fn = Object.prototype.hasOwnProperty.call(BUILTINS, node.f.name)
          ? BUILTINS[node.f.name]
          : undefined;
        if (!fn) throw new ExpressionError(`unknown function ${node.f.name}()`);
        return fn(args, ctx);
      }
      if (node.f.k === 'mem') {
        const target = evaluate(node.f.x, ctx);
        const name = node.f.name;
        if (
          target instanceof GoTime &&
          Object.prototype.hasOwnProperty.call(TIME_METHODS, name)
        ) {
          return TIME_METHODS[name](target, args);
        }
        if (
          target instanceof GoDuration &&
          Object.prototype.hasOwnProperty.call(DURATION_METHODS, name)
        ) {
          if (args.length)
            throw new ExpressionError(`${name}() takes no arguments`);
          return DURATION_METHODS[name](target);
        }
        throw new ExpressionError(`${typeName(target)} has no method ${name}`);
      }
      throw new ExpressionError('only functions and methods can be called');
    }
    default:
      throw new ExpressionError('unknown expression');
  }
}

function evalBinary(
  node: Extract<Node, { k: 'bin' }>,
  ctx: EvalContext,
): ExprValue {
  const { op } = node;
  if (op === '&&' || op === '||') {
    const l = bool(evaluate(node.l, ctx), `operator ${op}`);
    if (op === '&&' ? !l : l) return l;
    return bool(evaluate(node.r, ctx), `operator ${op}`);
  }
  if (op === '??') {
    const l = evaluate(node.l, ctx);
    return l === null ? evaluate(node.r, ctx) : l;
  }
  const l = evaluate(node.l, ctx);
  const r = evaluate(node.r, ctx);
  let result: ExprValue;
  switch (op) {
    case '==':
      return equal(l, r);
    case '!=':
      return !equal(l, r);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return compare(op, l, r);
    case 'in':
      if (!Array.isArray(r)) {
        throw new ExpressionError(`operator in not defined on ${typeName(r)}`);
      }
      result = r.some(x => equal(l, x));
      break;
    case 'contains':
      result = str(l, 'contains').includes(str(r, 'contains'));
      break;
    case 'startsWith':
      result = str(l, 'startsWith').startsWith(str(r, 'startsWith'));
      break;
    case 'endsWith':
      result = str(l, 'endsWith').endsWith(str(r, 'endsWith'));
      break;
    case 'matches': {
      const source = str(r, 'matches');
      let re = ctx.regexes.get(source);
      if (!re) {
        try {
          re = compileGoRegex(source);
        } catch (e) {
          throw new ExpressionError(
            `invalid regular expression "${source}": ${(e as Error).message}`,
          );
        }
        ctx.regexes.set(source, re);
      }
      result = re.test(str(l, 'matches'));
      break;
    }
    default:
      return arith(op, l, r);
  }
  return node.not ? !result : result;
}

/** Go's strconv.ParseBool, which Kargo applies to non-boolean results. */
function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

/** A compiled filter. */
export type ExpressionFilter = {
  readonly source: string;
  /**
   * Evaluates the filter over one commit's or tag's fields. A non-boolean
   * result is read as Kargo does (its %v text through strconv.ParseBool).
   * Throws ExpressionError on evaluation errors.
   */
  matches(env: Record<string, ExprValue>): boolean;
};

/** Parses an expression; throws ExpressionError on syntax errors. */
export function compileExpressionFilter(
  source: string,
  options: { now?: () => Date } = {},
): ExpressionFilter {
  if (source.length > MAX_SOURCE) {
    throw new ExpressionError(
      `expression is longer than ${MAX_SOURCE} characters`,
    );
  }
  const ast = new Parser(tokenize(source)).parseProgram();
  const regexes = new Map<string, RegExp>();
  const now = options.now ?? (() => new Date());
  return {
    source,
    matches(env) {
      const result = evaluate(ast, { env, now, regexes });
      if (typeof result === 'boolean') return result;
      const parsed = parseGoBool(formatValue(result));
      if (parsed === undefined) {
        throw new ExpressionError(
          `expression result ${formatValue(result)} is not a boolean`,
        );
      }
      return parsed;
    },
  };
}
