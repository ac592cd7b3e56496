import jsep from 'jsep';
import ternary from '@jsep-plugin/ternary';
import { Node, PREDICATE_BUILTINS } from './ast';
import {
  ifExpression,
  isPiped,
  letExpression,
  mapLiteral,
  predicateCall,
  sequence,
} from './grammarCompounds';
import { scanNumber, scanQuoted, scanRaw } from './literals';
import {
  at,
  CLOSE_BRACKET,
  CLOSE_PAREN,
  expect,
  isIdentifierStart,
  Parser,
  required,
  wordAt,
} from './parserState';

/*
 * expr-lang's grammar on jsep. jsep keeps doing what it does well — binary
 * operator precedence, the ternary, argument lists — and its hooks parse
 * expr-lang's own tokens: Go literals, maps, predicates with `#` and
 * `.Field`, closures, slices, optional chaining, `let`, comments.
 */

/** Deeper nesting is refused, keeping parsing and evaluation bounded. */
export const MAX_NESTING = 64;

// expr-lang's binary operators and precedence (parser/operator), shifted by
// one because jsep reads precedence 0 as "not an operator".
const BINARY_OPERATORS: Array<[string[], number, boolean?]> = [
  [['|'], 1],
  [['or', '||'], 11],
  [['and', '&&'], 16],
  [
    [
      ...['==', '!=', '<', '>', '<=', '>='],
      ...['in', 'matches', 'contains', 'startsWith', 'endsWith'],
      ...['not in', 'not matches', 'not contains'],
      ...['not startsWith', 'not endsWith'],
    ],
    21,
  ],
  [['..'], 26],
  [['+', '-'], 31],
  [['*', '/', '%'], 61],
  [['**', '^'], 101, true],
  [['??'], 501],
];
// expr-lang's unary operators bind their operand at these precedences.
const UNARY_PRECEDENCE: Record<string, number> = {
  '!': 51,
  not: 51,
  '-': 91,
  '+': 91,
};

jsep.plugins.register(ternary);
// jsep's live operator tables: the `jsep` export holds copies made at load.
const operators: {
  binary_ops: Record<string, number>;
  right_associative: Set<string>;
} = (jsep as any).Jsep;
jsep.removeAllBinaryOps();
jsep.removeAllUnaryOps();
for (const [ops, precedence, right] of BINARY_OPERATORS) {
  for (const op of ops) jsep.addBinaryOp(op, precedence, right);
}
jsep.removeLiteral('this');

/** A unary operand: binary operators at or above `min` bind inside it. */
function unaryOperand(p: Parser, min: number): Node {
  let left = required(p, p.gobbleToken());
  for (;;) {
    const before = p.index;
    const op = p.gobbleBinaryOp();
    const precedence = op ? operators.binary_ops[op] : 0;
    if (!op || precedence < min) {
      p.index = before;
      return left;
    }
    const right = unaryOperand(
      p,
      operators.right_associative.has(op) ? precedence : precedence + 1,
    );
    left = { type: 'BinaryExpression', operator: op, left, right };
  }
}

function literal(p: Parser, scan: typeof scanQuoted | typeof scanNumber): Node {
  try {
    const start = p.index;
    const { value, end } = scan(p.expr, start);
    p.index = end;
    return { type: 'Literal', value, raw: p.expr.slice(start, end) };
  } catch (error) {
    return p.throwError((error as Error).message);
  }
}

function primary(p: Parser): Node | undefined {
  const c = p.char;
  if (c === '"' || c === "'") return literal(p, scanQuoted);
  if (c === '`') return literal(p, scanRaw);
  if (/\d/.test(c) || (c === '.' && /\d/.test(p.expr[p.index + 1] ?? ''))) {
    return literal(p, scanNumber);
  }
  if (c === '#' || c === '.') {
    if (!p.kargoPredicates)
      p.throwError(`"${c}" is only allowed inside a predicate`);
    p.index++;
    if (c === '.') {
      const property = p.gobbleIdentifier() as Node;
      return {
        type: 'MemberExpression',
        object: { type: 'Pointer', name: '' },
        property,
        computed: false,
      };
    }
    return {
      type: 'Pointer',
      name: isIdentifierStart(p.char) ? p.gobbleIdentifier().name : '',
    };
  }
  if (c === '(') {
    p.index++;
    const node = sequence(p, ')');
    expect(p, ')');
    // Marked so that `(a < b) < c` is not read as the chain `a < b < c`.
    return node.type === 'BinaryExpression'
      ? { ...node, parenthesized: true }
      : node;
  }
  if (c === '[') {
    p.index++;
    return {
      type: 'ArrayExpression',
      elements: p.gobbleArguments(CLOSE_BRACKET),
    };
  }
  if (c === '{') return mapLiteral(p);
  for (const op of ['!', '-', '+', 'not']) {
    if (op === 'not' ? wordAt(p, op) : c === op) {
      p.index += op.length;
      return {
        type: 'UnaryExpression',
        operator: op,
        argument: unaryOperand(p, UNARY_PRECEDENCE[op]),
      };
    }
  }
  if (!isIdentifierStart(c)) return undefined;
  const start = p.index;
  const { name } = p.gobbleIdentifier();
  if (name === 'true' || name === 'false')
    return { type: 'Literal', value: name === 'true', raw: name };
  if (name === 'nil' || name === 'null')
    return { type: 'Literal', value: null, raw: name };
  p.gobbleSpaces();
  if (
    p.char === '(' &&
    Object.prototype.hasOwnProperty.call(PREDICATE_BUILTINS, name)
  ) {
    return predicateCall(p, name, isPiped(p.expr, start));
  }
  return { type: 'Identifier', name };
}

/** Member access, optional chaining, indexes, slices and calls after a token. */
function postfix(p: Parser, token: Node): Node {
  let node = token;
  for (;;) {
    p.gobbleSpaces();
    const c = p.char;
    const optional = c === '?' && p.expr[p.index + 1] === '.';
    if (optional || (c === '.' && p.expr[p.index + 1] !== '.')) {
      p.index += optional ? 2 : 1;
      p.gobbleSpaces();
      if (optional && p.char === '[') {
        p.index++;
        const property = required(p, p.gobbleExpression());
        expect(p, ']');
        node = {
          type: 'MemberExpression',
          object: node,
          property,
          computed: true,
          optional,
        };
        continue;
      }
      const property = p.gobbleIdentifier() as Node;
      node = {
        type: 'MemberExpression',
        object: node,
        property,
        computed: false,
        optional,
      };
    } else if (c === '[') {
      p.index++;
      p.gobbleSpaces();
      const from =
        p.char === ':' ? undefined : required(p, p.gobbleExpression());
      p.gobbleSpaces();
      if (p.char === ':') {
        p.index++;
        p.gobbleSpaces();
        const to =
          at(p) === ']' ? undefined : required(p, p.gobbleExpression());
        node = { type: 'SliceExpression', object: node, from, to };
      } else {
        node = {
          type: 'MemberExpression',
          object: node,
          property: from!,
          computed: true,
        };
      }
      expect(p, ']');
    } else if (c === '(') {
      p.index++;
      node = {
        type: 'CallExpression',
        callee: node,
        arguments: p.gobbleArguments(CLOSE_PAREN),
      };
    } else {
      return node;
    }
  }
}

jsep.hooks.add('gobble-token', function token(this: any, env: { node?: any }) {
  const p = this as Parser;
  p.kargoDepth = (p.kargoDepth ?? 0) + 1;
  if (p.kargoDepth > MAX_NESTING)
    p.throwError('expression is nested too deeply');
  try {
    const node = primary(p);
    if (node) env.node = postfix(p, node);
  } finally {
    p.kargoDepth--;
  }
});

// `let name = value; body`, at the start of an expression.
// Statements that start an expression: `let` and `if {} else {}`.
jsep.hooks.add(
  'gobble-expression',
  function statements(this: any, env: { node?: any }) {
    const p = this as Parser;
    p.gobbleSpaces();
    if (wordAt(p, 'let')) env.node = letExpression(p);
    else if (wordAt(p, 'if')) env.node = ifExpression(p);
  },
);

// Comments: `// to the end of the line` and `/* … */`.
jsep.hooks.add('gobble-spaces', function comments(this: any) {
  const p = this as Parser;
  for (;;) {
    if (p.expr.startsWith('//', p.index)) {
      const end = p.expr.indexOf('\n', p.index);
      p.index = end < 0 ? p.expr.length : end;
    } else if (p.expr.startsWith('/*', p.index)) {
      const end = p.expr.indexOf('*/', p.index + 2);
      if (end < 0) p.throwError('unterminated comment');
      p.index = end + 2;
    } else {
      return;
    }
    while (/\s/.test(p.expr[p.index] ?? '')) p.index++;
  }
});

export { jsep };
