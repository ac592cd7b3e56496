import { timeAgo } from './duration';

describe('timeAgo', () => {
  const now = Date.parse('2026-11-26T12:00:00Z');
  it.each([
    ['2026-11-26T11:59:30Z', 'just now'],
    ['2026-11-26T12:00:10Z', 'just now'],
    ['2026-11-26T11:59:00Z', '1 minute ago'],
    ['2026-11-26T11:15:00Z', '45 minutes ago'],
    ['2026-11-26T10:59:00Z', '1 hour ago'],
    ['2026-11-25T00:00:00Z', '36 hours ago'],
    ['2026-11-20T12:00:00Z', '6 days ago'],
  ])('%s → %s', (iso, text) => {
    expect(timeAgo(iso, now)).toBe(text);
  });

  it('says nothing without a time', () => {
    expect(timeAgo(undefined, now)).toBeUndefined();
    expect(timeAgo('yesterday', now)).toBeUndefined();
  });
});
