import { parseAuthorizedStages } from './authorization';
import { toLabelSelector } from './labelSelector';
import { matchesLabelSelector } from './__testUtils__/apiServerSemantics';

describe('authorized-stage annotation values', () => {
  it('reads comma-separated entries, ignoring whitespace and empty entries', () => {
    expect(parseAuthorizedStages(' shop : dev ,, shop:prod ,')).toEqual([
      { project: 'shop', stage: 'dev' },
      { project: 'shop', stage: 'prod' },
    ]);
  });

  it.each([
    [
      'shop',
      'invalid authorized Stage "shop": expected format "<project>:<stage>"',
    ],
    [
      'shop:',
      'invalid authorized Stage "shop:": expected format "<project>:<stage>"',
    ],
    [
      '*:dev',
      'invalid authorized Stage "*:dev": deprecated glob expressions are no longer supported',
    ],
    [' , ', 'no authorized Stages found in " , "'],
  ])('refuses %j', (value, message) => {
    expect(() => parseAuthorizedStages(value)).toThrow(message);
  });
});

describe('label selectors for the Kubernetes API', () => {
  it('writes matchLabels and matchExpressions in the API server syntax', () => {
    const query = toLabelSelector({
      matchLabels: { 'app.kubernetes.io/part-of': 'shop' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['dev', 'qa'] },
        { key: 'tier', operator: 'NotIn', values: ['db'] },
        { key: 'team', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    });
    expect(query).toBe(
      'app.kubernetes.io/part-of=shop,env in (dev,qa),tier notin (db),team,!legacy',
    );
    const labels = {
      'app.kubernetes.io/part-of': 'shop',
      env: 'qa',
      team: 'a',
    };
    expect(matchesLabelSelector(labels, query)).toBe(true);
    expect(matchesLabelSelector({ ...labels, legacy: 'y' }, query)).toBe(false);
    expect(matchesLabelSelector({ ...labels, env: 'prod' }, query)).toBe(false);
  });

  it.each([
    [{}, 'selector must have at least one match criterion'],
    [{ matchLabels: { env: 'a,b' } }, 'invalid value "a,b" for label "env"'],
    [{ matchLabels: { 'bad key': 'x' } }, 'invalid label key "bad key"'],
    [
      { matchExpressions: [{ key: 'env', operator: 'In' as const }] },
      "values set can't be empty",
    ],
    [
      {
        matchExpressions: [
          { key: 'env', operator: 'Exists' as const, values: ['x'] },
        ],
      },
      'values set must be empty',
    ],
  ])('refuses %j', (selector, message) => {
    expect(() => toLabelSelector(selector)).toThrow(message);
  });
});
