import { evaluateExpression } from './evaluateExpression';

const scope = {
  variables: {
    env: 'prod',
    n: 3,
    tags: ['a', 'b'],
    image: { Tag: 'v1.2.3', Annotations: { team: 'web' } },
  },
  functions: {
    upper: (s: unknown) => String(s).toUpperCase(),
  },
};

describe('evaluateExpression', () => {
  it.each([
    ["env == 'prod' && n > 2", true],
    ["env == 'prod' and not (n > 5)", true],
    ['n * 2 + 1', 7],
    ['n ** 2', 9],
    ["'b' in tags", true],
    ["image.Tag matches '^v1\\\\.'", true],
    ["image.Tag startsWith 'v1' && image.Tag endsWith '.3'", true],
    ["image.Tag contains '.2.'", true],
    ["image.Annotations['team']", 'web'],
    ['missing ?? "default"', 'default'],
    ["n > 1 ? 'many' : 'one'", 'many'],
    ['upper(env)', 'PROD'],
    ['tags[-1]', 'b'],
    ['tags.length', 2],
  ])('%s → %j', (source, expected) => {
    expect(evaluateExpression(source, scope)).toEqual(expected);
  });

  it.each(['constructor', 'process', 'globalThis'])(
    'sees no globals: %s is nil',
    source => {
      expect(evaluateExpression(source, scope)).toBeUndefined();
    },
  );

  it.each([
    ["image['__proto__']", /not accessible/],
    ['image.constructor', /not accessible/],
    ["env.constructor('x')", /only named functions/],
    ['eval("1")', /unknown function eval\(\)/],
    ['toString()', /unknown function toString\(\)/],
  ])('cannot escape the sandbox: %s', (source, error) => {
    expect(() => evaluateExpression(source, scope)).toThrow(error);
  });

  it('says what is wrong with ill-typed or malformed expressions', () => {
    expect(() => evaluateExpression("n + 'x'", scope)).toThrow(
      'cannot add number and string',
    );
    expect(() => evaluateExpression('n && true', scope)).toThrow(
      'left of && must be a bool, not number',
    );
    expect(() => evaluateExpression('n ==', scope)).toThrow(
      /invalid expression/,
    );
    expect(() => evaluateExpression(`${'!'.repeat(100)}true`, scope)).toThrow(
      /nested too deeply/,
    );
    expect(() => evaluateExpression('a.b.c', scope)).toThrow(
      'cannot read "b" of undefined',
    );
  });
});
