import { fail } from './errors';
import { ExprMethod, ExprObject } from './values';

/*
 * Go's time.Time and time.Duration as expr-lang exposes them: Kargo's git
 * expressionFilter calls `commitDate.After(date('2024-01-01'))`, and the
 * date(), now() and duration() builtins make them.
 */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function formatOffset(minutes: number, colon: boolean): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}${colon ? ':' : ''}${pad(
    abs % 60,
  )}`;
}

/** A Go time.Duration, in nanoseconds. */
export class GoDuration extends ExprObject {
  private static readonly methods: Record<string, ExprMethod> = {
    Hours: (d: GoDuration) => d.ns / 3600e9,
    Minutes: (d: GoDuration) => d.ns / 60e9,
    Seconds: (d: GoDuration) => d.ns / 1e9,
    Milliseconds: (d: GoDuration) => Math.trunc(d.ns / 1e6),
    Nanoseconds: (d: GoDuration) => d.ns,
    String: (d: GoDuration) => d.formatGo(),
  };

  constructor(readonly ns: number) {
    super();
  }
  get exprType() {
    return 'time.Duration';
  }
  protected get exprMethods() {
    return GoDuration.methods;
  }
  toJSONValue(): number {
    return this.ns;
  }
  /** Go's Duration.String(), e.g. `1h30m0s`, `1.5s`, `250ms`. */
  formatGo(): string {
    const sign = this.ns < 0 ? '-' : '';
    const ns = Math.abs(this.ns);
    if (ns === 0) return '0s';
    if (ns < 1e3) return `${sign}${ns}ns`;
    if (ns < 1e6) return `${sign}${ns / 1e3}µs`;
    if (ns < 1e9) return `${sign}${ns / 1e6}ms`;
    const h = Math.floor(ns / 3600e9);
    const m = Math.floor((ns % 3600e9) / 60e9);
    const s = (ns % 60e9) / 1e9;
    const hours = h ? `${h}h` : '';
    const minutes = h || m ? `${m}m` : '';
    return `${sign}${hours}${minutes}${s}s`;
  }
  equals(other: unknown): boolean {
    return other instanceof GoDuration && other.ns === this.ns;
  }
  compareTo(other: unknown): number | undefined {
    return other instanceof GoDuration
      ? Math.sign(this.ns - other.ns)
      : undefined;
  }
}

/** A Go time.Time: an instant plus the UTC offset it is expressed in. */
export class GoTime extends ExprObject {
  private static readonly methods: Record<string, ExprMethod> = {
    After: (t: GoTime, a) => t.ms > timeArg(a, 'After').ms,
    Before: (t: GoTime, a) => t.ms < timeArg(a, 'Before').ms,
    Equal: (t: GoTime, a) => t.ms === timeArg(a, 'Equal').ms,
    Compare: (t: GoTime, a) => Math.sign(t.ms - timeArg(a, 'Compare').ms),
    Sub: (t: GoTime, a) => new GoDuration((t.ms - timeArg(a, 'Sub').ms) * 1e6),
    Add: (t: GoTime, a) => {
      if (a.length !== 1 || !(a[0] instanceof GoDuration)) {
        fail('Add expects one time.Duration argument');
      }
      return new GoTime(t.ms + (a[0] as GoDuration).ns / 1e6, t.offsetMinutes);
    },
    UTC: (t: GoTime) => new GoTime(t.ms, 0),
    Year: (t: GoTime) => t.local().getUTCFullYear(),
    // time.Month compares as a number (January == 1).
    Month: (t: GoTime) => t.local().getUTCMonth() + 1,
    Day: (t: GoTime) => t.local().getUTCDate(),
    Hour: (t: GoTime) => t.local().getUTCHours(),
    Minute: (t: GoTime) => t.local().getUTCMinutes(),
    Second: (t: GoTime) => t.local().getUTCSeconds(),
    Weekday: (t: GoTime) => t.local().getUTCDay(),
    YearDay: (t: GoTime) => {
      const d = t.local();
      const start = Date.UTC(d.getUTCFullYear(), 0, 1);
      const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      return Math.floor((day - start) / 86_400_000) + 1;
    },
    Unix: (t: GoTime) => Math.floor(t.ms / 1000),
    UnixMilli: (t: GoTime) => Math.floor(t.ms),
    // Go's zero time: January 1, year 1, UTC.
    IsZero: (t: GoTime) => t.ms === -62135596800000,
    String: (t: GoTime) => t.formatGo(),
  };

  constructor(readonly ms: number, readonly offsetMinutes = 0) {
    super();
  }
  get exprType() {
    return 'time.Time';
  }
  protected get exprMethods() {
    return GoTime.methods;
  }
  /** Wall-clock fields in the value's own offset (read with getUTC*). */
  local(): Date {
    return new Date(this.ms + this.offsetMinutes * 60_000);
  }
  /** RFC 3339 with the value's offset, as Go's JSON encoding writes it. */
  toJSONValue(): string {
    const iso = this.local()
      .toISOString()
      .replace(/\.000Z$|Z$/, '');
    const zone = this.offsetMinutes
      ? formatOffset(this.offsetMinutes, true)
      : 'Z';
    return `${iso}${zone}`;
  }
  /** Go's Time.String(): `2006-01-02 15:04:05.999 -0700 MST`. */
  formatGo(): string {
    const [date, time] = this.local().toISOString().replace('Z', '').split('T');
    const clock = time.replace(/\.?0+$/, '');
    const offset = formatOffset(this.offsetMinutes, false);
    return `${date} ${clock} ${offset} ${this.offsetMinutes ? offset : 'UTC'}`;
  }
  equals(other: unknown): boolean {
    return other instanceof GoTime && other.ms === this.ms;
  }
  compareTo(other: unknown): number | undefined {
    return other instanceof GoTime ? Math.sign(this.ms - other.ms) : undefined;
  }
}

function timeArg(args: unknown[], name: string): GoTime {
  if (args.length !== 1 || !(args[0] instanceof GoTime)) {
    fail(`${name} expects one time.Time argument`);
  }
  return args[0] as GoTime;
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
  if (!m) fail(`invalid duration "${text}"`);
  let ns = 0;
  for (const part of m[2].matchAll(/(\d*\.?\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    ns += Number(part[1]) * DURATION_UNITS[part[2]];
  }
  return new GoDuration(m[1] === '-' ? -ns : ns);
}

const DATE_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * expr-lang's date(str): ISO 8601 / RFC 3339 forms (date only, date and
 * time, with or without a zone; no zone means UTC, the controller's zone).
 */
export function parseDate(text: string): GoTime {
  const m = DATE_RE.exec(text.trim());
  if (!m) fail(`cannot parse "${text}" as a date`);
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
  if (Number.isNaN(utc)) fail(`invalid date "${text}"`);
  return new GoTime(utc - offset * 60_000, offset);
}
