import type { CompiledWindow } from './promotionWindow';

/**
 * A Stage's promotion window schedule at one moment, Kargo's
 * `status.promotionWindowStatus`: advisory (admission decides), for people
 * to see a freeze before they run into it.
 */
export type PromotionWindowStatus = {
  closed: boolean;
  /** Why it is closed (set whenever closed). */
  reason?: string;
  /** When it opens again, if known (ISO 8601). */
  nextOpen?: string;
  /** When it next closes, if known, while open (ISO 8601). */
  nextClose?: string;
  nextCloseReason?: string;
};

/** How far ahead the next opening or closing is looked for. */
const HORIZON_MS = 31 * 24 * 60 * 60_000;
/** Occurrences per window looked at within the horizon. */
const OCCURRENCE_LIMIT = 2000;

const iso = (t: number) => new Date(t).toISOString();

/** Closed or open at `t`, and why: Kargo's union of every matching window. */
function stateAt(
  windows: CompiledWindow[],
  t: number,
): { closed: boolean; reason?: string } {
  for (const w of windows) {
    if (w.kind !== 'Deny') continue;
    const active = w.activeAt(t);
    if (active) {
      return {
        closed: true,
        reason: `the Deny promotion window "${w.name}" is active until ${iso(
          active.end,
        )}`,
      };
    }
  }
  const allows = windows.filter(w => w.kind === 'Allow');
  if (allows.length && !allows.some(w => w.activeAt(t))) {
    return {
      closed: true,
      reason: `no Allow promotion window is active (${allows
        .map(w => `"${w.name}"`)
        .join(', ')})`,
    };
  }
  return { closed: false };
}

/**
 * Evaluates the windows that match a Stage at `now`: closed while any Deny
 * window is active, or while Allow windows exist and none is active; with
 * the next change within a month, found at the windows' boundaries.
 */
export function promotionWindowStatus(
  windows: CompiledWindow[],
  now: number,
): PromotionWindowStatus {
  const current = stateAt(windows, now);
  if (!windows.length) return current;
  const boundaries = new Set<number>();
  for (const w of windows) {
    for (const o of w.between(now, now + HORIZON_MS, OCCURRENCE_LIMIT)) {
      if (o.start > now) boundaries.add(o.start);
      if (o.end > now) boundaries.add(o.end);
    }
  }
  const sorted = [...boundaries]
    .filter(t => t <= now + HORIZON_MS)
    .sort((a, b) => a - b);
  for (const t of sorted) {
    const next = stateAt(windows, t);
    if (next.closed !== current.closed) {
      return current.closed
        ? { ...current, nextOpen: iso(t) }
        : { closed: false, nextClose: iso(t), nextCloseReason: next.reason };
    }
  }
  return current;
}
