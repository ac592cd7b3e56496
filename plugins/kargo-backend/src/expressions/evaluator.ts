import { Node, NodeOf, PREDICATE_BUILTINS } from './ast';
import { BUILTINS } from './builtins';
import { fail } from './errors';
import { bounded, checkArray, Limits } from './limits';
import { binaryOperation, requireBool, unaryOperation } from './operators';
import { Evaluator, isPromiseLike } from './pending';
import { callPredicateBuiltin } from './predicates';
import { readMember, slice } from './members';
import { ExprObject, hasOwn, isNil, typeName } from './values';

/** A function an expression may call; it may return a Promise. */
export type ExpressionFunction = (...args: unknown[]) => unknown;

/** What an expression may see: variables and functions, nothing else. */
export type ExpressionScope = {
  variables?: Record<string, unknown>;
  functions?: Record<string, ExpressionFunction>;
};

/** Local names: `let` bindings and a predicate's `#`, `#index`, `#acc`. */
type Frame = {
  locals?: Record<string, unknown>;
  item?: { value: unknown; index: number; acc?: unknown };
  parent?: Frame;
};

/** The value of a chain cut short by `?.` on nil, until the chain ends. */
const SHORT = Symbol('nil chain');

const isChain = (n: Node) =>
  n.type === 'MemberExpression' ||
  n.type === 'CallExpression' ||
  n.type === 'SliceExpression';

/**
 * One evaluation of one syntax tree over one scope. Member access reads own
 * data only, and the only callables are the scope's functions, expr-lang's
 * builtins and the whitelisted methods of ExprObjects; every node visited
 * and every predicate iteration counts against the step budget.
 */
export class Evaluation {
  private steps = 0;

  constructor(
    private readonly scope: ExpressionScope,
    private readonly limits: Limits,
  ) {}

  *run(node: Node): Evaluator {
    return yield* this.value(node, {});
  }

  private *value(node: Node, frame: Frame): Evaluator {
    const v = yield* this.node(node, frame);
    return v === SHORT ? null : v;
  }

  private *node(node: Node, frame: Frame): Evaluator {
    if (++this.steps > this.limits.maxSteps) {
      fail(
        `expression exceeded its budget of ${this.limits.maxSteps} evaluation steps`,
      );
    }
    switch (node.type) {
      case 'Literal':
        return node.value;
      case 'Identifier':
        return this.identifier(node.name, frame);
      case 'Pointer':
        return this.pointer(node.name, frame);
      case 'ArrayExpression': {
        const items: unknown[] = [];
        for (const element of node.elements)
          items.push(yield* this.value(element, frame));
        return bounded(items, this.limits);
      }
      case 'MapExpression': {
        checkArray(node.entries.length, this.limits);
        const map: Record<string, unknown> = {};
        for (const { key, value } of node.entries) {
          const k = yield* this.value(key, frame);
          if (typeof k !== 'string')
            fail(`a map key must be a string, not ${typeName(k)}`);
          Object.defineProperty(map, k as string, {
            value: yield* this.value(value, frame),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        return map;
      }
      case 'MemberExpression':
        return yield* this.member(node, frame);
      case 'SliceExpression': {
        const object = yield* this.node(node.object, frame);
        if (object === SHORT) return SHORT;
        const from = node.from && (yield* this.value(node.from, frame));
        const to = node.to && (yield* this.value(node.to, frame));
        return slice(object, from, to);
      }
      case 'CallExpression':
        return yield* this.call(node, frame);
      case 'UnaryExpression':
        return unaryOperation(
          node.operator,
          yield* this.value(node.argument, frame),
        );
      case 'BinaryExpression':
        return yield* this.binary(node, frame);
      case 'ConditionalExpression': {
        const test = requireBool(
          yield* this.value(node.test, frame),
          'condition of ?:',
        );
        return yield* this.value(
          test ? node.consequent : node.alternate,
          frame,
        );
      }
      case 'PipeCall': {
        const value = yield* this.value(node.input, frame);
        return yield* this.call(node.call, frame, { value });
      }
      case 'Let': {
        const value = yield* this.value(node.value, frame);
        return yield* this.value(node.body, {
          locals: { [node.name]: value },
          parent: frame,
        });
      }
      case 'Sequence': {
        let last: unknown;
        for (const expression of node.expressions)
          last = yield* this.value(expression, frame);
        return last;
      }
      case 'Predicate':
        return fail(
          'a predicate can only be an argument of a builtin such as filter()',
        );
      default:
        return fail(`${(node as Node).type} is not supported`);
    }
  }

  private identifier(name: string, frame: Frame): unknown {
    for (let f: Frame | undefined = frame; f; f = f.parent) {
      if (f.locals && hasOwn(f.locals, name)) return f.locals[name];
    }
    const variables = this.scope.variables ?? {};
    if (name === '$env') return { ...variables };
    return hasOwn(variables, name) ? variables[name] : undefined;
  }

  private pointer(name: string, frame: Frame): unknown {
    for (let f: Frame | undefined = frame; f; f = f.parent) {
      if (!f.item) continue;
      if (name === '') return f.item.value;
      if (name === 'index') return f.item.index;
      if (name === 'acc') return f.item.acc;
      return fail(`unknown pointer #${name}`);
    }
    return fail('# is only defined inside a predicate');
  }

  /** An object in a chain, raw: SHORT if an earlier `?.` met nil. */
  private *chainObject(node: Node, frame: Frame): Evaluator {
    return isChain(node)
      ? yield* this.node(node, frame)
      : yield* this.value(node, frame);
  }

  private *member(node: NodeOf<'MemberExpression'>, frame: Frame): Evaluator {
    const object = yield* this.chainObject(node.object, frame);
    if (object === SHORT || (isNil(object) && node.optional)) return SHORT;
    const key = node.computed
      ? yield* this.value(node.property, frame)
      : (node.property as NodeOf<'Identifier'>).name;
    return readMember(object, key);
  }

  private *arguments(nodes: Node[], frame: Frame): Evaluator<unknown[]> {
    const args: unknown[] = [];
    for (const n of nodes) args.push(yield* this.value(n, frame));
    return args;
  }

  private *call(
    node: NodeOf<'CallExpression'>,
    frame: Frame,
    piped?: { value: unknown },
  ): Evaluator {
    const callee = node.callee;
    if (callee.type === 'Identifier') {
      return yield* this.callNamed(callee.name, node.arguments, frame, piped);
    }
    if (callee.type !== 'MemberExpression' || callee.computed || piped) {
      return fail('only named functions can be called');
    }
    const object = yield* this.chainObject(callee.object, frame);
    if (object === SHORT || (isNil(object) && callee.optional)) return SHORT;
    const name = (callee.property as NodeOf<'Identifier'>).name;
    if (!(object instanceof ExprObject)) {
      return fail(
        `only named functions can be called: ${typeName(
          object,
        )} has no method ${name}()`,
      );
    }
    const args = yield* this.arguments(node.arguments, frame);
    return yield* this.settle(
      object.callMethod(name, args),
      `${object.exprType}.${name}()`,
    );
  }

  private *callNamed(
    name: string,
    argNodes: Node[],
    frame: Frame,
    piped?: { value: unknown },
  ): Evaluator {
    if (hasOwn(PREDICATE_BUILTINS, name)) {
      const values: unknown[] = piped ? [piped.value] : [];
      let predicate: Node | undefined;
      for (const n of argNodes) {
        if (n.type === 'Predicate') predicate = n.body;
        else values.push(yield* this.value(n, frame));
      }
      const body = predicate;
      const run =
        body &&
        ((item: unknown, index: number, acc?: unknown) =>
          this.value(body, {
            item: { value: item, index, acc },
            parent: frame,
          }));
      const result = yield* callPredicateBuiltin(
        name,
        values[0],
        run,
        values.slice(1),
        this.limits,
      );
      return bounded(result, this.limits);
    }
    const args = yield* this.arguments(argNodes, frame);
    if (piped) args.unshift(piped.value);
    const functions = this.scope.functions ?? {};
    if (hasOwn(functions, name)) {
      return yield* this.settle(functions[name](...args), `${name}()`);
    }
    if (hasOwn(BUILTINS, name))
      return bounded(BUILTINS[name](args, this.limits), this.limits);
    return fail(`unknown function ${name}()`);
  }

  /** A function's result, waited for when it is a Promise. */
  private *settle(result: unknown, what: string): Evaluator {
    const value = isPromiseLike(result)
      ? yield { promise: result, what }
      : result;
    return bounded(value, this.limits);
  }

  private *binary(node: NodeOf<'BinaryExpression'>, frame: Frame): Evaluator {
    const op = node.operator;
    if (op === '&&' || op === 'and' || op === '||' || op === 'or') {
      const and = op === '&&' || op === 'and';
      const left = requireBool(
        yield* this.value(node.left, frame),
        `left of ${op}`,
      );
      if (left !== and) return left;
      return requireBool(
        yield* this.value(node.right, frame),
        `right of ${op}`,
      );
    }
    if (op === '??') {
      const left = yield* this.value(node.left, frame);
      return isNil(left) ? yield* this.value(node.right, frame) : left;
    }
    const left = yield* this.value(node.left, frame);
    const right = yield* this.value(node.right, frame);
    return bounded(binaryOperation(op, left, right, this.limits), this.limits);
  }
}
