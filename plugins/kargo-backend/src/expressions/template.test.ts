import { parse } from 'yaml';
import {
  evaluateTemplate,
  evaluateTemplateString,
  evaluateTemplateStringSync,
} from './template';

/*
 * Kargo's own template cases (pkg/expressions/json_templates_test.go), with
 * the results Kargo asserts, plus its typing rules one by one.
 */

const variables = {
  aString: 'hello',
  anInt: 42,
  aFloat: 3.14,
  aBool: true,
  aStringMap: { aString: 'hello', anotherString: 'world' },
  anIntMap: { anInt: 42, anotherInt: 43 },
  aStringArr: ['one', 'two', 'three'],
  anIntArr: [1, 2, 3],
  aStruct: { AString: 'hello', AnInt: 42 },
};
const scope = { variables };
const one = (template: string, vars: Record<string, unknown> = variables) =>
  evaluateTemplateString(template, { variables: vars });

describe('evaluateTemplate', () => {
  it('evaluates values at any depth and never keys (Kargo: scalars, maps, arrays, recursion)', async () => {
    const config = {
      AString: '${{ aString }}',
      AnInt: '${{ anInt }}',
      AFloat: '${{ aFloat }}',
      ABool: '${{ aBool }}',
      AStringMap: '${{ aStringMap }}',
      AnIntArr: '${{ anIntArr }}',
      AStruct: '${{ aStruct }}',
      nested: {
        key: '${{ aString }}',
        list: ['${{ anInt }}', { deep: '${{ aBool }}' }],
      },
      '${{ aString }}': 'keys stay as written',
      untouched: [7, null, false],
    };
    await expect(evaluateTemplate(config, scope)).resolves.toEqual({
      AString: 'hello',
      AnInt: 42,
      AFloat: 3.14,
      ABool: true,
      AStringMap: variables.aStringMap,
      AnIntArr: [1, 2, 3],
      AStruct: variables.aStruct,
      nested: { key: 'hello', list: [42, { deep: true }] },
      '${{ aString }}': 'keys stay as written',
      untouched: [7, null, false],
    });
    expect(config.AString).toBe('${{ aString }}');
  });

  it.each([
    ['${{ aString }}, world!', 'hello, world!'],
    ['${{ aString }}, ${{ anInt }}!', 'hello, 42!'],
    ['${{ "null" }}', null],
    ['${{ quote(null) }}', 'null'],
    ['${{ quote(true) }}', 'true'],
    ['${{ quote(42) }}', '42'],
    ["${{ quote({ 'foo': 'bar' }) }}", '{"foo":"bar"}'],
    ["${{ quote('foo') }}", 'foo'],
    ["${{ unsafeQuote('foo') }}", '"foo"'],
    ["${{ asYAML([ 'one', 'two' ]) }}", '- one\n- two\n'],
    ["${% '{{.domain}}' %}", '{{.domain}}'],
    ["foo ${{ aString }} and ${% 'bar' %}", 'foo hello and bar'],
  ])('Kargo: %s → %j', async (template, expected) => {
    await expect(one(template)).resolves.toEqual(expected);
  });

  it('Kargo: asYAML and asJSON render maps', async () => {
    const yaml = await one("${{ asYAML({ 'foo': 'bar', 'count': 2 }) }}");
    expect(yaml).toBe('count: 2\nfoo: bar\n');
    const json = (await one(
      "${{ asJSON({ 'foo': 'bar', 'count': 2 }) }}",
    )) as string;
    expect(JSON.parse(json)).toEqual({ foo: 'bar', count: 2 });
    expect(json).toBe('{\n  "count": 2,\n  "foo": "bar"\n}\n');
  });

  it('Kargo: tricky cases dealing with YAML and quotes', async () => {
    const config = parse(`
value1: {"foo": "bar"} # This is a JSON object
value2: '\${{ quote({"foo": "bar"}) }}' # This is a string
value3: | # This is a string
  {"foo": "bar"}
value4: | # This is a JSON object
  \${{ {"foo": "bar"} }}
value5: | # This is a string
  \${{ quote({"foo": "bar"}) }}
value6: | # Make sure we're not tripped up by multiple newlines
  \${{ quote({"foo": "bar"}) }}

value7: 42 # This is a number
value8: "42" # This is a string
value9: '42'	# This is a string
value10: '\${{ quote(42) }}' # This is a string
value11: | # This is a string
  42
value12: | # This is a number
  \${{ 42 }}
value13: | # This is a string
  \${{ quote(42) }}
`);
    await expect(evaluateTemplate(config, scope)).resolves.toEqual({
      value1: { foo: 'bar' },
      value2: '{"foo":"bar"}',
      value3: '{"foo": "bar"}\n',
      value4: { foo: 'bar' },
      value5: '{"foo":"bar"}\n',
      value6: '{"foo":"bar"}\n',
      value7: 42,
      value8: '42',
      value9: '42',
      value10: '42',
      value11: '42\n',
      value12: 42,
      value13: '42\n',
    });
  });

  it('Kargo: reports unclosed expressions and `}}` cutting an expression short', async () => {
    await expect(one('${{ aString ')).rejects.toThrow('unclosed expression');
    await expect(one("${{ '{{.domain}}' }}")).rejects.toThrow(
      'literal not terminated',
    );
  });

  it.each([
    // Kargo turns every result into text, then types the text.
    ['${{ 40 + 2 }}', {}, 42],
    ['${{ 1 }}${{ 2 }}', {}, 12],
    ['v${{ 1 }}', {}, 'v1'],
    ['${{ x }}', { x: '1.0' }, 1],
    ['${{ x }}', { x: '1_000' }, 1000],
    ['${{ x }}', { x: '0x1p-2' }, 0.25],
    ['${{ x }}', { x: '0x10' }, '0x10'],
    ['${{ x }}', { x: '1e400' }, '1e400'],
    ['${{ x }}', { x: 'T' }, true],
    ['${{ x }}', { x: 'yes' }, 'yes'],
    ['${{ x }}', { x: ' [1] ' }, [1]],
    ['${{ x }}', { x: '42\n' }, 42],
    ['${{ x }}', { x: '"quoted"' }, 'quoted'],
    ['${{ x }}', { x: null }, null],
    ['${{ missing }}', {}, null],
    ['a\n${{ x }}\n', { x: '42' }, 'a\n42\n'],
    ['list: ${{ x }}', { x: ['<a>', 1] }, 'list: ["\\u003ca\\u003e",1]'],
    ['${{ x }}', { x: { b: 2, a: [1] } }, { a: [1], b: 2 }],
    ["${{ quote('a\"b') }}", {}, 'a\\"b'],
    ["${{ quote('tab\\there') }}", {}, 'tab\\there'],
    ["${{ unsafeQuote('a\"b') }}", {}, '"a\\"b"'],
    ['42', {}, '42'],
    ['true', {}, 'true'],
    ['{"a": 1}', {}, '{"a": 1}'],
  ])(
    'types %j over %j as %j, as Kargo does',
    async (template, vars, expected) => {
      await expect(one(template, vars)).resolves.toEqual(expected);
    },
  );

  it('refuses results JSON cannot hold', async () => {
    await expect(one('${{ x }}', { x: 'Inf' })).rejects.toThrow(
      'not a number JSON can hold',
    );
    await expect(one('${{ 1 / 0 }}')).rejects.toThrow(
      'unsupported value: +Inf',
    );
  });

  it('has a sync form for scopes without async functions', () => {
    expect(evaluateTemplateStringSync('${{ anInt + 1 }}', scope)).toBe(43);
    expect(() =>
      evaluateTemplateStringSync('${{ f() }}', {
        functions: { f: async () => 1 },
      }),
    ).toThrow('f() returned a Promise');
  });
});
