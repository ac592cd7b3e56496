import { evaluateExpression } from './evaluateExpression';

const scope = {
  variables: {
    env: 'prod',
    n: 3,
    tags: ['a', 'b'],
    image: { Tag: 'v1.2.3', Annotations: { team: 'web' } },
  },
  functions: {
    upper: (s: unknown) => `<${String(s).toUpperCase()}>`,
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
    ['tags[-1]', 'b'],
    ['tags.length', 2],
    // The scope's functions win over expr-lang's builtins of the same name.
    ['upper(env)', '<PROD>'],
    ['lower(upper(env))', '<prod>'],
  ])('%s → %j', (source, expected) => {
    expect(evaluateExpression(source, scope)).toEqual(expected);
  });

  it.each(['constructor', 'process', 'globalThis', 'require', 'this'])(
    'sees no globals: %s is nil',
    source => {
      expect(evaluateExpression(source, scope)).toBeUndefined();
    },
  );

  it.each([
    ["image['__proto__']", /not accessible/],
    ['image.constructor', /not accessible/],
    ["tags['constructor']", /not accessible/],
    ["env.constructor('x')", /only named functions can be called/],
    ["image.Annotations.hasOwnProperty('team')", /only named functions/],
    ["tags.map('x')", /only named functions/],
    ['[upper][0](env)', /only named functions/],
    ['eval("1")', /unknown function eval\(\)/],
    ['toString()', /unknown function toString\(\)/],
    ['constructor()', /unknown function constructor\(\)/],
    ['__proto__.polluted', /not accessible|cannot read/],
  ])('cannot escape the sandbox: %s', (source, error) => {
    expect(() => evaluateExpression(source, scope)).toThrow(error);
  });

  it('does not let a map literal reach Object.prototype', () => {
    const result = evaluateExpression('{"__proto__": {"polluted": true}}', {});
    expect(({} as any).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.keys(result as object)).toEqual(['__proto__']);
  });

  it('says what is wrong with ill-typed or malformed expressions', () => {
    expect(() => evaluateExpression("n + 'x'", scope)).toThrow(
      'invalid operation: int + string',
    );
    expect(() => evaluateExpression('n && true', scope)).toThrow(
      'left of && must be a bool, not int',
    );
    expect(() => evaluateExpression('n ==', scope)).toThrow(
      /invalid expression/,
    );
    expect(() => evaluateExpression(`${'!'.repeat(100)}true`, scope)).toThrow(
      /nested too deeply/,
    );
    expect(() => evaluateExpression('a.b.c', scope)).toThrow(
      'cannot read "b" of nil',
    );
    expect(() => evaluateExpression('tags[2]', scope)).toThrow(
      'index out of range: 2 (array length is 2)',
    );
  });
});
