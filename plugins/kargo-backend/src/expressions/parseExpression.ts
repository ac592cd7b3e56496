import type { Node, NodeOf } from './ast';
import { ExpressionSyntaxError } from './errors';
import { jsep } from './grammar';

export { ExpressionSyntaxError } from './errors';

/** Source longer than this is refused, keeping parsing and evaluation bounded. */
export const MAX_EXPRESSION_LENGTH = 10_000;
/** Syntax trees deeper than this are refused (long operator chains nest too). */
export const MAX_TREE_DEPTH = 256;

const cache = new Map<string, Node>();
const CACHE_LIMIT = 1000;

/** Child nodes, for validation. */
function children(node: Node): Array<Node | null | undefined> {
  switch (node.type) {
    case 'ArrayExpression':
      return node.elements;
    case 'MemberExpression':
      return [node.object, node.property];
    case 'CallExpression':
      return [node.callee, ...node.arguments];
    case 'UnaryExpression':
      return [node.argument];
    case 'BinaryExpression':
      return [node.left, node.right];
    case 'ConditionalExpression':
      return [node.test, node.consequent, node.alternate];
    case 'MapExpression':
      return node.entries.flatMap(e => [e.key, e.value]);
    case 'SliceExpression':
      return [node.object, node.from, node.to].filter(n => n !== undefined);
    case 'Predicate':
      return [node.body];
    case 'Let':
      return [node.value, node.body];
    case 'PipeCall':
      return [node.input, node.call];
    case 'Sequence':
      return node.expressions;
    default:
      return [];
  }
}

const ORDERING = new Set(['<', '<=', '>', '>=']);

const isOrdering = (n: Node): n is NodeOf<'BinaryExpression'> =>
  n.type === 'BinaryExpression' && ORDERING.has(n.operator);

/**
 * expr-lang reads `a < b <= c` as `a < b && b <= c` (orderings only, and not
 * across parentheses); jsep built `(a < b) <= c`. Operands are rewritten by
 * `inner`.
 */
function chainComparisons(
  node: NodeOf<'BinaryExpression'>,
  inner: (n: Node) => Node,
): Node {
  const operators: string[] = [];
  const operands: Node[] = [];
  let current: Node = node;
  while (isOrdering(current) && (current === node || !current.parenthesized)) {
    operators.unshift(current.operator);
    operands.unshift(current.right);
    current = current.left;
  }
  operands.unshift(current);
  const rewritten = operands.map(inner);
  let result: Node | undefined;
  operators.forEach((operator, i) => {
    const comparison: Node = {
      type: 'BinaryExpression',
      operator,
      left: rewritten[i],
      right: rewritten[i + 1],
    };
    result = result
      ? {
          type: 'BinaryExpression',
          operator: '&&',
          left: result,
          right: comparison,
        }
      : comparison;
  });
  return result!;
}

/** Refuses what jsep accepts but expr-lang does not, and overly deep trees. */
function validate(node: Node | null | undefined, depth: number): void {
  if (!node) throw new ExpressionSyntaxError('missing expression');
  if (depth > MAX_TREE_DEPTH) {
    throw new ExpressionSyntaxError('expression is nested too deeply');
  }
  const type = node.type as string;
  if (type === 'Compound' || type === 'SequenceExpression') {
    throw new ExpressionSyntaxError('only one expression is allowed');
  }
  for (const child of children(node)) validate(child, depth + 1);
}

/**
 * expr-lang's pipe takes everything before it as the first argument of the
 * call right after it, and the call's result is the left operand of what
 * follows: `a + b | f() * c` is `f(a + b) * c`. jsep, with `|` loosest,
 * built `(a + b) | (f() * c)`: the call is the leftmost operand on the right.
 */
function pipe(node: NodeOf<'BinaryExpression'>): Node {
  const splice = (right: Node): Node => {
    if (right.type === 'BinaryExpression' && !right.parenthesized) {
      return { ...right, left: splice(right.left) };
    }
    if (right.type === 'CallExpression' && right.callee.type === 'Identifier') {
      return { type: 'PipeCall', input: node.left, call: right };
    }
    throw new ExpressionSyntaxError(
      'the right side of | must be a function call',
    );
  };
  return splice(node.right);
}

/** Applies expr-lang's readings jsep cannot express. */
function rewrite(node: Node): Node {
  if (node.type === 'BinaryExpression' && node.operator === '|') {
    return rewrite(pipe(node));
  }
  if (isOrdering(node)) return chainComparisons(node, rewrite);
  const out: Record<string, unknown> = { ...node };
  for (const [key, value] of Object.entries(node)) {
    if (Array.isArray(value)) {
      out[key] = value.map(v =>
        v && typeof v === 'object' && 'type' in v
          ? rewrite(v)
          : rewriteEntry(v),
      );
    } else if (value && typeof value === 'object' && 'type' in value) {
      out[key] = rewrite(value as Node);
    }
  }
  return out as Node;
}

function rewriteEntry(entry: unknown): unknown {
  if (!entry || typeof entry !== 'object') return entry;
  const { key, value } = entry as { key: Node; value: Node };
  return { key: rewrite(key), value: rewrite(value) };
}

const LITERALS = /("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`)/;
const NEGATED = /\bnot\s+(in|matches|contains|startsWith|endsWith)\b/g;

/**
 * `a not   in b`: jsep matches operators as written, so the negated
 * operators are respelled with one space (outside string literals).
 */
function normalizeNegations(source: string): string {
  if (!/\bnot\s\s/.test(source) && !/\bnot[\t\n\r]/.test(source)) return source;
  return source
    .split(LITERALS)
    .map((part, i) => (i % 2 ? part : part.replace(NEGATED, 'not $1')))
    .join('');
}

/** Parses an expr-lang expression (cached: the same text is parsed once). */
export function parseExpression(source: string): Node {
  const cached = cache.get(source);
  if (cached) return cached;
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionSyntaxError(
      `expression is longer than ${MAX_EXPRESSION_LENGTH} characters`,
    );
  }
  let ast: Node;
  try {
    ast = jsep(normalizeNegations(source)) as unknown as Node;
  } catch (error) {
    const message = (error as Error).message;
    if (message.startsWith('expression is nested too deeply')) {
      throw new ExpressionSyntaxError('expression is nested too deeply');
    }
    throw new ExpressionSyntaxError(
      `invalid expression ${JSON.stringify(source)}: ${message}`,
    );
  }
  if (
    !ast ||
    ((ast.type as string) === 'Compound' && !(ast as any).body.length)
  ) {
    throw new ExpressionSyntaxError('the expression is empty');
  }
  validate(ast, 0);
  ast = rewrite(ast);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(source, ast);
  return ast;
}
