import { parseJsonPath } from './jsonPath';
import { evaluateJsonPath } from './jsonPathEvaluate';

const DATA = {
  data: { ok: true, 'dotted.key': 1, nothing: null },
  items: [
    { name: 'a', v: 1, tags: ['x'] },
    { name: 'b', v: 7 },
    { name: 'c', v: 3, tags: ['y', 'z'] },
  ],
};

const find = (template: string, data: unknown = DATA) =>
  evaluateJsonPath(parseJsonPath(template), data);

describe('Kubernetes JSONPath templates', () => {
  it.each([
    ['{$}', [[DATA]]],
    ['{$.data.ok}', [[true]]],
    ['{.data.ok}', [[true]]],
    ["{.data['dotted.key']}", [[1]]],
    ['{.data.nothing}', [[null]]],
    ['{.items[1].name}', [['b']]],
    ['{.items[-1].name}', [['c']]],
    ['{.items[0:2].v}', [[1, 7]]],
    ['{.items[::2].v}', [[1, 3]]],
    ['{.items[*].v}', [[1, 7, 3]]],
    ['{.items[0,2].name}', [['a', 'c']]],
    ['{..tags[0]}', [['x', 'y']]],
    ['{.items[?(@.v > 2)].name}', [['b', 'c']]],
    ['{.items[?(@.name == "b")].v}', [[7]]],
    ['{.items[?(@.tags)].name}', [['a', 'c']]],
    ['{.items[?(@.name =~ "^[ab]$")].v}', [[1, 7]]],
    ['v={.items[0].v}', [['v='], [1]]],
  ])('%s', (template, expected) => {
    expect(find(template)).toEqual(expected);
  });

  it.each([
    ['{.data.missing}', 'missing is not found'],
    ['{.items.name}', 'name is not found'],
    ['{.items[5]}', 'array index out of bounds: index 5, length 3'],
    ['{.data[0]}', 'map[string]interface {} is not array or slice'],
    ['{.items[?(@.name == "b")].tags}', 'tags is not found'],
  ])('%s fails: %s', (template, message) => {
    expect(() => find(template)).toThrow(message);
  });

  it.each([
    ['{.data', 'unclosed { in "{.data"'],
    ['{range .items}', 'unrecognized identifier range'],
    ['{.items[x]}', 'invalid array index x'],
  ])('%s does not parse: %s', (template, message) => {
    expect(() => parseJsonPath(template)).toThrow(message);
  });
});
