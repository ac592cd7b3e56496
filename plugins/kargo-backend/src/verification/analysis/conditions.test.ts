import { assessMeasurement, evaluateCondition } from './conditions';

describe("Rollouts' measurement conditions", () => {
  it.each([
    [{}, 1, 'Successful'],
    [{ successCondition: 'result > 1' }, 2, 'Successful'],
    [{ successCondition: 'result > 1' }, 1, 'Failed'],
    [{ failureCondition: 'result > 1' }, 1, 'Successful'],
    [{ failureCondition: 'result > 1' }, 2, 'Failed'],
    [
      { successCondition: 'result > 5', failureCondition: 'result < 1' },
      3,
      'Inconclusive',
    ],
    [
      { successCondition: 'result > 0', failureCondition: 'result > 0' },
      3,
      'Failed',
    ],
  ])('%j with result %j is %s', (metric, result, phase) => {
    expect(assessMeasurement(result, metric)).toBe(phase);
  });

  it.each([
    ['result.ok and not result.degraded', { ok: true, degraded: false }],
    ['len(result) == 2 or result[0] == 9', [1, 2]],
    ['asInt(result.count) == 12', { count: '12' }],
    ['asFloat(result) > 0.5', '0.75'],
    ['asInt(result) == 3', 3.9],
    ['isInf(result[0]) and !isInf(result[1])', [Infinity, 1]],
    ['isNaN(result[0])', [NaN]],
    ['!(result[0] < 1) && !(result[0] >= 1)', [NaN]],
    ['default(result, 7) == 7', null],
    ['default(result, 7) == 3', 3],
    ['isNil(result)', undefined],
    ['result.missing == nil', {}],
  ])('%s holds for %j', (condition, result) => {
    expect(evaluateCondition(result, condition)).toBe(true);
  });

  it.each([
    ['result', 1, 'expected bool, but got float64'],
    ['asInt(result) > 1', 'x', 'strconv.ParseInt: parsing "x": invalid syntax'],
    ['isNaN(result)', 'x', 'isNaN() needs a number, not string'],
  ])('%s over %j is an error: %s', (condition, result, message) => {
    expect(() => evaluateCondition(result, condition)).toThrow(message);
  });

  it('names the condition that could not be evaluated', () => {
    expect(() =>
      assessMeasurement('x', { successCondition: 'asInt(result) > 1' }),
    ).toThrow(
      'could not evaluate successCondition "asInt(result) > 1": strconv.ParseInt: parsing "x": invalid syntax',
    );
    expect(() =>
      assessMeasurement([], { failureCondition: 'result[0] > 1' }),
    ).toThrow(
      'could not evaluate failureCondition "result[0] > 1": metric result is nil or empty: no data returned from the metric provider',
    );
  });
});
