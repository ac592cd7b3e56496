/*
 * The syntax tree: jsep's node shapes (Literal, Identifier, MemberExpression,
 * CallExpression, UnaryExpression, BinaryExpression, ConditionalExpression,
 * ArrayExpression) plus the expr-lang constructs our grammar adds.
 */

export type Node =
  | { type: 'Literal'; value: unknown; raw?: string }
  | { type: 'Identifier'; name: string }
  | { type: 'ArrayExpression'; elements: Node[] }
  | {
      type: 'MemberExpression';
      object: Node;
      property: Node;
      computed: boolean;
      optional?: boolean;
    }
  | { type: 'CallExpression'; callee: Node; arguments: Node[] }
  | { type: 'UnaryExpression'; operator: string; argument: Node }
  | {
      type: 'BinaryExpression';
      operator: string;
      left: Node;
      right: Node;
      /** Written in parentheses (which stops comparison chaining). */
      parenthesized?: boolean;
    }
  | {
      type: 'ConditionalExpression';
      test: Node;
      consequent: Node;
      alternate: Node;
    }
  /** `{a: 1, "b": 2, (expr): 3}`; an identifier key is its name. */
  | { type: 'MapExpression'; entries: Array<{ key: Node; value: Node }> }
  /** `list[from:to]`, either bound optional. */
  | { type: 'SliceExpression'; object: Node; from?: Node; to?: Node }
  /** A predicate argument (`{# > 1}` or `.Tag startsWith 'v'`), run per item. */
  | { type: 'Predicate'; body: Node }
  /** `#`, `#acc`, `#index` inside a predicate (`.Field` is `#.Field`). */
  | { type: 'Pointer'; name: string }
  /** `let name = value; body`. */
  | { type: 'Let'; name: string; value: Node; body: Node }
  /** `input | call(args)`: `call(input, args)`. */
  | { type: 'PipeCall'; input: Node; call: NodeOf<'CallExpression'> }
  /** `a; b` inside a closure: evaluates both, yields the last. */
  | { type: 'Sequence'; expressions: Node[] };

export type NodeOf<T extends Node['type']> = Extract<Node, { type: T }>;

/**
 * expr-lang's builtins whose arguments include predicates, with the role of
 * each argument ('?' marks an optional one).
 */
export const PREDICATE_BUILTINS: Readonly<Record<string, readonly string[]>> = {
  all: ['expr', 'predicate'],
  none: ['expr', 'predicate'],
  any: ['expr', 'predicate'],
  one: ['expr', 'predicate'],
  filter: ['expr', 'predicate'],
  map: ['expr', 'predicate'],
  count: ['expr', 'predicate?'],
  sum: ['expr', 'predicate?'],
  find: ['expr', 'predicate'],
  findIndex: ['expr', 'predicate'],
  findLast: ['expr', 'predicate'],
  findLastIndex: ['expr', 'predicate'],
  groupBy: ['expr', 'predicate'],
  sortBy: ['expr', 'predicate', 'expr?'],
  reduce: ['expr', 'predicate', 'expr?'],
};
