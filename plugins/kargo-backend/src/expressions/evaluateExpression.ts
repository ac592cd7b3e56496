import type { Expression } from 'jsep';
import { compileGoRegex } from '@kargo-backstage/plugin-kargo-common';
import { parseExpression } from './parseExpression';

/** What an expression may see: variables and functions, nothing else. */
export type ExpressionScope = {
  variables?: Record<string, unknown>;
  functions?: Record<string, (...args: unknown[]) => unknown>;
};

export class ExpressionEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionEvaluationError';
  }
}

const MAX_DEPTH = 64;
/** Never readable, whatever the value: the way out of the sandbox. */
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

type Node = Expression & Record<string, any>;

function fail(message: string): never {
  throw new ExpressionEvaluationError(message);
}

function member(object: unknown, key: unknown): unknown {
  if (object === null || object === undefined) {
    fail(
      `cannot read ${JSON.stringify(key)} of ${
        object === null ? 'nil' : 'undefined'
      }`,
    );
  }
  const name = String(key);
  if (FORBIDDEN.has(name)) {
    fail(`"${name}" is not accessible`);
  }
  if (Array.isArray(object)) {
    if (name === 'length') return object.length;
    const index = Number(key);
    if (!Number.isInteger(index))
      fail(`array index must be an integer, not ${JSON.stringify(key)}`);
    return object[index < 0 ? object.length + index : index];
  }
  if (typeof object === 'object') {
    // Own data only: no prototype chain, no methods.
    return Object.prototype.hasOwnProperty.call(object, name)
      ? (object as Record<string, unknown>)[name]
      : undefined;
  }
  if (typeof object === 'string' && name === 'length') {
    return object.length;
  }
  return fail(`cannot read ${JSON.stringify(name)} of a ${typeof object}`);
}

function equal(left: unknown, right: unknown): boolean {
  // nil and a missing value are the same to expr-lang.
  const a = left === undefined ? null : left;
  const b = right === undefined ? null : right;
  if (typeof a === 'object' && typeof b === 'object' && a && b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }
  return a === b;
}

const COMPARE: Record<
  string,
  (l: number | string, r: number | string) => boolean
> = {
  '<': (l, r) => l < r,
  '<=': (l, r) => l <= r,
  '>': (l, r) => l > r,
  '>=': (l, r) => l >= r,
};

function binary(op: string, left: unknown, right: unknown): unknown {
  switch (op) {
    case '==':
      return equal(left, right);
    case '!=':
      return !equal(left, right);
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const comparable =
        (typeof left === 'number' && typeof right === 'number') ||
        (typeof left === 'string' && typeof right === 'string');
      if (!comparable)
        fail(`cannot compare ${typeof left} ${op} ${typeof right}`);
      return COMPARE[op](left as number | string, right as number | string);
    }
    case '+':
      if (typeof left === 'string' && typeof right === 'string')
        return left + right;
      if (typeof left === 'number' && typeof right === 'number')
        return left + right;
      return fail(`cannot add ${typeof left} and ${typeof right}`);
    case '-':
    case '*':
    case '/':
    case '%':
    case '**': {
      if (typeof left !== 'number' || typeof right !== 'number') {
        fail(`${op} needs numbers, not ${typeof left} and ${typeof right}`);
      }
      const l = left as number;
      const r = right as number;
      if (op === '-') return l - r;
      if (op === '*') return l * r;
      if (op === '/') return l / r;
      if (op === '%') return l % r;
      return l ** r;
    }
    case 'in':
      if (Array.isArray(right)) return right.some(item => equal(item, left));
      if (right && typeof right === 'object') {
        return Object.prototype.hasOwnProperty.call(right, String(left));
      }
      return fail('"in" needs an array or a map on its right');
    case 'matches':
      if (typeof left !== 'string' || typeof right !== 'string')
        fail('"matches" needs strings');
      return compileGoRegex(right as string).test(left as string);
    case 'contains':
      if (typeof left !== 'string' || typeof right !== 'string')
        fail('"contains" needs strings');
      return (left as string).includes(right as string);
    case 'startsWith':
      if (typeof left !== 'string' || typeof right !== 'string')
        fail('"startsWith" needs strings');
      return (left as string).startsWith(right as string);
    case 'endsWith':
      if (typeof left !== 'string' || typeof right !== 'string')
        fail('"endsWith" needs strings');
      return (left as string).endsWith(right as string);
    default:
      return fail(`operator "${op}" is not supported`);
  }
}

function truthy(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') {
    fail(
      `${what} must be a bool, not ${
        value === null || value === undefined ? 'nil' : typeof value
      }`,
    );
  }
  return value as boolean;
}

function evaluate(node: Node, scope: ExpressionScope, depth: number): unknown {
  if (depth > MAX_DEPTH) fail('expression is nested too deeply');
  const next = (n: Node) => evaluate(n, scope, depth + 1);
  switch (node.type) {
    case 'Literal':
      return node.value;
    case 'Identifier': {
      if (node.name === 'nil' || node.name === 'null') return null;
      if (node.name === 'true') return true;
      if (node.name === 'false') return false;
      const vars = scope.variables ?? {};
      return Object.prototype.hasOwnProperty.call(vars, node.name)
        ? vars[node.name]
        : undefined;
    }
    case 'ArrayExpression':
      return (node.elements as Node[]).map(next);
    case 'MemberExpression': {
      const object = next(node.object);
      const key = node.computed ? next(node.property) : node.property.name;
      return member(object, key);
    }
    case 'CallExpression': {
      const callee = node.callee as Node;
      if (callee.type !== 'Identifier')
        fail('only named functions can be called');
      const fn = scope.functions?.[callee.name];
      if (
        !fn ||
        !Object.prototype.hasOwnProperty.call(scope.functions, callee.name)
      ) {
        fail(`unknown function ${callee.name}()`);
      }
      return fn(...(node.arguments as Node[]).map(next));
    }
    case 'UnaryExpression': {
      const value = next(node.argument);
      if (node.operator === '!' || node.operator === 'not')
        return !truthy(value, `operand of ${node.operator}`);
      if (node.operator === '-' && typeof value === 'number') return -value;
      if (node.operator === '+' && typeof value === 'number') return value;
      return fail(
        `operator "${node.operator}" is not supported on ${typeof value}`,
      );
    }
    case 'BinaryExpression': {
      const op = node.operator as string;
      if (op === '&&' || op === 'and') {
        return (
          truthy(next(node.left), `left of ${op}`) &&
          truthy(next(node.right), `right of ${op}`)
        );
      }
      if (op === '||' || op === 'or') {
        return (
          truthy(next(node.left), `left of ${op}`) ||
          truthy(next(node.right), `right of ${op}`)
        );
      }
      if (op === '??') {
        const left = next(node.left);
        return left === null || left === undefined ? next(node.right) : left;
      }
      return binary(op, next(node.left), next(node.right));
    }
    case 'ConditionalExpression':
      return truthy(next(node.test), 'condition of ?:')
        ? next(node.consequent)
        : next(node.alternate);
    case 'Compound':
      return fail('only one expression is allowed');
    default:
      return fail(`${node.type} is not supported`);
  }
}

/**
 * Evaluates an expr-lang expression over the given scope only. There is no
 * way to reach JavaScript globals, prototypes or methods: member access reads
 * own data properties, and only the scope's functions can be called.
 */
export function evaluateExpression(
  source: string,
  scope: ExpressionScope,
): unknown {
  return evaluate(parseExpression(source) as Node, scope, 0);
}
