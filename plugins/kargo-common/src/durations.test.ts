import { formatDuration, parseDuration } from './durations';

describe('parseDuration', () => {
  it.each([
    ['5m0s', 300_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['10s', 10_000],
    ['1m30.5s', 90_500],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '5', '5 minutes', 'm5', '-5m', '5m garbage'])(
    'refuses %j',
    text => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

describe('formatDuration', () => {
  it.each([
    [300_000, '5m0s'],
    [5_400_000, '1h30m0s'],
    [90_500, '1m30.5s'],
    [250, '250ms'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
