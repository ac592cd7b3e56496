import {
  compilePromotionWindow,
  PromotionWindowError,
  type PromotionWindowSpec,
} from './promotionWindow';
import { promotionWindowStatus } from './schedule';

const at = (iso: string) => Date.parse(iso);
const status = (windows: PromotionWindowSpec[], now: string) =>
  promotionWindowStatus(windows.map(compilePromotionWindow), at(now));

/** Friday 18:00 to Monday 06:00, Berlin time: a weekend freeze. */
const weekendFreeze: PromotionWindowSpec = {
  name: 'weekend',
  kind: 'Deny',
  rrule: 'FREQ=WEEKLY;BYDAY=FR',
  dtstart: 'TZID=Europe/Berlin:20260102T180000',
  dtend: 'TZID=Europe/Berlin:20260105T060000',
};

/** Weekdays 09:00–17:00 New York time. */
const businessHours: PromotionWindowSpec = {
  name: 'business-hours',
  kind: 'Allow',
  rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
  dtstart: 'TZID=America/New_York:20260105T090000',
  dtend: 'TZID=America/New_York:20260105T170000',
};

describe('promotion windows', () => {
  it('closes during a Deny occurrence in its time zone, saying until when, and opens after it', () => {
    // Friday 2026-11-27, 18:30 in Berlin (CET, UTC+1) = 17:30Z.
    expect(status([weekendFreeze], '2026-11-27T17:30:00Z')).toEqual({
      closed: true,
      reason:
        'the Deny promotion window "weekend" is active until 2026-11-30T05:00:00.000Z',
      nextOpen: '2026-11-30T05:00:00.000Z',
    });
    // Thursday: open, and the freeze is announced.
    expect(status([weekendFreeze], '2026-11-26T12:00:00Z')).toEqual({
      closed: false,
      nextClose: '2026-11-27T17:00:00.000Z',
      nextCloseReason:
        'the Deny promotion window "weekend" is active until 2026-11-30T05:00:00.000Z',
    });
  });

  it('follows daylight saving time in the window zone', () => {
    // Berlin is UTC+2 in summer: Friday 2026-07-03 18:00 local = 16:00Z.
    expect(status([weekendFreeze], '2026-07-03T16:00:00Z').closed).toBe(true);
    expect(status([weekendFreeze], '2026-07-03T15:59:59Z').closed).toBe(false);
  });

  it('with Allow windows, is open only inside one of them', () => {
    // Wednesday 10:00 in New York (EST, UTC−5) = 15:00Z.
    expect(status([businessHours], '2026-11-25T15:00:00Z')).toEqual({
      closed: false,
      nextClose: '2026-11-25T22:00:00.000Z',
      nextCloseReason: 'no Allow promotion window is active ("business-hours")',
    });
    // Saturday: closed until Monday 09:00 New York.
    expect(status([businessHours], '2026-11-28T15:00:00Z')).toEqual({
      closed: true,
      reason: 'no Allow promotion window is active ("business-hours")',
      nextOpen: '2026-11-30T14:00:00.000Z',
    });
  });

  it('lets a Deny window win over an active Allow window', () => {
    const incident: PromotionWindowSpec = {
      name: 'incident-42',
      kind: 'Deny',
      dtstart: '20261125T140000Z',
      dtend: '20261125T160000Z',
    };
    expect(
      status([businessHours, incident], '2026-11-25T15:00:00Z'),
    ).toMatchObject({
      closed: true,
      reason:
        'the Deny promotion window "incident-42" is active until 2026-11-25T16:00:00.000Z',
      nextOpen: '2026-11-25T16:00:00.000Z',
    });
  });

  it('treats a one-shot window as [dtstart, dtend) and knows no reopening after a past Allow', () => {
    const once: PromotionWindowSpec = {
      name: 'release-day',
      kind: 'Allow',
      dtstart: '20261201T080000Z',
      dtend: '20261201T180000Z',
    };
    expect(status([once], '2026-12-01T08:00:00Z').closed).toBe(false);
    expect(status([once], '2026-12-01T18:00:00Z')).toEqual({
      closed: true,
      reason: 'no Allow promotion window is active ("release-day")',
    });
  });

  it('is open with no windows', () => {
    expect(status([], '2026-11-26T12:00:00Z')).toEqual({ closed: false });
  });

  it('refuses windows it could never evaluate, naming the field', () => {
    const problem = (spec: Partial<PromotionWindowSpec>) => {
      let thrown: unknown;
      try {
        compilePromotionWindow({ name: 'w', kind: 'Deny', ...spec });
      } catch (error) {
        thrown = error;
      }
      if (!(thrown instanceof PromotionWindowError)) return thrown;
      return `${thrown.field}: ${thrown.message}`;
    };
    expect(problem({ dtend: '20260101T000000Z' })).toBe('dtstart: required');
    expect(problem({ dtstart: '20260101T000000Z' })).toMatch(
      /^dtend: required/,
    );
    expect(
      problem({ dtstart: '2026-01-01 09:00', dtend: '20260101T100000Z' }),
    ).toMatch(/^dtstart: "2026-01-01 09:00" is not an iCal date-time/);
    expect(
      problem({
        dtstart: 'TZID=Mars/Olympus:20260101T090000',
        dtend: 'TZID=Mars/Olympus:20260101T100000',
      }),
    ).toBe('dtstart: unknown time zone "Mars/Olympus"');
    expect(
      problem({ dtstart: '20260101T100000Z', dtend: '20260101T090000Z' }),
    ).toBe('dtend: must be after dtstart');
    expect(
      problem({
        rrule: 'FREQ=SOMETIMES',
        dtstart: '20260101T090000Z',
        dtend: '20260101T100000Z',
      }),
    ).toMatch(/^rrule: "FREQ=SOMETIMES" is not an RFC 5545 recurrence rule/);
    expect(
      problem({ dtstart: '20260230T090000Z', dtend: '20260301T100000Z' }),
    ).toBe('dtstart: "20260230T090000Z" is not a valid date');
  });
});
