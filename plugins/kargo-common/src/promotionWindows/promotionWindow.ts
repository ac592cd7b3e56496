import { RRule, rrulestr } from 'rrule';

/** A promotion window as ProjectConfig and ClusterConfig carry it. */
export type PromotionWindowSpec = {
  name: string;
  kind: 'Allow' | 'Deny';
  rrule?: string;
  dtstart?: string;
  dtend?: string;
};

/** One occurrence of a window: [start, end). */
export type WindowOccurrence = { start: number; end: number };

/** A window ready to answer "active when?". */
export type CompiledWindow = {
  name: string;
  kind: 'Allow' | 'Deny';
  /** The occurrence active at `t`, if any. */
  activeAt(t: number): WindowOccurrence | undefined;
  /** Occurrences overlapping [from, to), at most `limit`, in order. */
  between(from: number, to: number, limit: number): WindowOccurrence[];
};

/** A field of a window that cannot be used, and why. */
export class PromotionWindowError extends Error {
  constructor(readonly field: 'rrule' | 'dtstart' | 'dtend', message: string) {
    super(message);
    this.name = 'PromotionWindowError';
  }
}

// iCal DATE-TIME (RFC 5545 §3.3.5): local ("floating", read as UTC here),
// UTC with a trailing Z, or with a TZID= prefix naming an IANA zone.
const ICAL_DATE_TIME =
  /^(?:TZID=([A-Za-z0-9_+\-/]+):)?(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/;

function isTimeZone(tzid: string): boolean {
  try {
    return !!new Intl.DateTimeFormat('en-US', { timeZone: tzid });
  } catch {
    return false;
  }
}

/** Offset of `tzid` from UTC at instant `utc`, in ms. */
function zoneOffset(utc: number, tzid: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tzid,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utc));
  const get = (type: string) =>
    Number(parts.find(p => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - (utc - (utc % 1000));
}

type ICalDateTime = {
  /** The instant. */
  at: number;
  tzid?: string;
  /** The literal without the TZID prefix, for DTSTART in an RRULE text. */
  local: string;
};

function parseDateTime(
  field: 'dtstart' | 'dtend',
  value: string,
): ICalDateTime {
  const m = ICAL_DATE_TIME.exec(value.trim());
  if (!m) {
    throw new PromotionWindowError(
      field,
      `"${value}" is not an iCal date-time such as 20260101T090000Z or TZID=Europe/Berlin:20260101T090000`,
    );
  }
  const [, tzid, y, mo, d, h, mi, s, z] = m;
  if (tzid && z) {
    throw new PromotionWindowError(
      field,
      `"${value}": a TZID time is local to that zone and cannot end in Z`,
    );
  }
  if (tzid && !isTimeZone(tzid)) {
    throw new PromotionWindowError(field, `unknown time zone "${tzid}"`);
  }
  const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
  const check = new Date(wall);
  if (
    check.getUTCMonth() !== +mo - 1 ||
    check.getUTCDate() !== +d ||
    +h > 23 ||
    +mi > 59 ||
    +s > 59
  ) {
    throw new PromotionWindowError(field, `"${value}" is not a valid date`);
  }
  // Wall time in the zone → instant: correct the guess by the zone's offset
  // there (twice, so that a guess across a DST change settles).
  let at = wall;
  if (tzid) {
    at = wall - zoneOffset(wall, tzid);
    at = wall - zoneOffset(at, tzid);
  }
  return { at, tzid, local: `${y}${mo}${d}T${h}${mi}${s}${z}` };
}

/**
 * Compiles a window: a one-shot interval [dtstart, dtend), or, with an
 * RRULE, occurrences starting as the rule says (from dtstart, in its time
 * zone) and lasting dtend − dtstart each. Throws PromotionWindowError naming
 * the field at fault.
 */
export function compilePromotionWindow(
  spec: PromotionWindowSpec,
): CompiledWindow {
  if (!spec.dtstart) {
    throw new PromotionWindowError('dtstart', 'required');
  }
  if (!spec.dtend) {
    throw new PromotionWindowError(
      'dtend',
      'required: dtend − dtstart is how long the window (each occurrence) lasts',
    );
  }
  const start = parseDateTime('dtstart', spec.dtstart);
  const end = parseDateTime('dtend', spec.dtend);
  const duration = end.at - start.at;
  if (duration <= 0) {
    throw new PromotionWindowError('dtend', 'must be after dtstart');
  }
  const base = { name: spec.name, kind: spec.kind };
  if (!spec.rrule) {
    const only = { start: start.at, end: end.at };
    return {
      ...base,
      activeAt: t => (t >= only.start && t < only.end ? only : undefined),
      between: (from, to, limit) =>
        only.end > from && only.start < to && limit > 0 ? [only] : [],
    };
  }
  const rule = compileRule(spec.rrule, start);
  const occurrence = (s: Date) => ({
    start: s.getTime(),
    end: s.getTime() + duration,
  });
  return {
    ...base,
    activeAt(t) {
      // Occurrences all last as long, so the latest start is the one that
      // ends last: it is active if any is.
      const last = rule.before(new Date(t), true);
      if (!last) return undefined;
      const o = occurrence(last);
      return t < o.end ? o : undefined;
    },
    between(from, to, limit) {
      const found: WindowOccurrence[] = [];
      rule.between(new Date(from - duration), new Date(to), true, (date, i) => {
        const o = occurrence(date);
        if (o.end > from) found.push(o);
        return i < limit * 2 && found.length < limit;
      });
      return found;
    },
  };
}

function compileRule(text: string, start: ICalDateTime): RRule {
  const body = text.trim().replace(/^RRULE:/i, '');
  if (/(^|;)\s*DTSTART/i.test(body) || /\n/.test(body)) {
    throw new PromotionWindowError(
      'rrule',
      'give one RRULE (e.g. FREQ=WEEKLY;BYDAY=FR); its start is dtstart',
    );
  }
  const dtstart = start.tzid
    ? `DTSTART;TZID=${start.tzid}:${start.local}`
    : `DTSTART:${start.local.endsWith('Z') ? start.local : `${start.local}Z`}`;
  let rule: RRule;
  try {
    rule = rrulestr(`${dtstart}\nRRULE:${body}`, { forceset: false }) as RRule;
  } catch (error) {
    throw new PromotionWindowError(
      'rrule',
      `"${text}" is not an RFC 5545 recurrence rule: ${
        (error as Error).message
      }`,
    );
  }
  if (!(rule instanceof RRule) || rule.options.freq === undefined) {
    throw new PromotionWindowError('rrule', `"${text}" has no FREQ`);
  }
  return rule;
}
