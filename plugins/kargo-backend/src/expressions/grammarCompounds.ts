import { Node, PREDICATE_BUILTINS } from './ast';
import {
  expect,
  isIdentifierStart,
  Parser,
  required,
  wordAt,
} from './parserState';

/*
 * The grammar's compound constructs: predicates and closures (`{# > 1}`,
 * `.Tag startsWith 'v'`), `;` sequences, predicate builtin calls (also on
 * the right of a pipe), map literals, `let` and `if {} else {}`.
 */

function predicate(p: Parser): Node {
  p.gobbleSpaces();
  p.kargoPredicates = (p.kargoPredicates ?? 0) + 1;
  let body: Node;
  if (p.char === '{') {
    p.index++;
    body = sequence(p, '}');
    expect(p, '}');
  } else {
    body = required(p, p.gobbleExpression());
  }
  p.kargoPredicates--;
  return { type: 'Predicate', body };
}

/** `a; b; c` up to `close`. */
export function sequence(p: Parser, close: string): Node {
  const expressions: Node[] = [required(p, p.gobbleExpression())];
  p.gobbleSpaces();
  while (p.char === ';') {
    p.index++;
    p.gobbleSpaces();
    if (p.char === close) break;
    expressions.push(required(p, p.gobbleExpression()));
    p.gobbleSpaces();
  }
  return expressions.length === 1
    ? expressions[0]
    : { type: 'Sequence', expressions };
}

/** A call of a predicate builtin; piped calls get their first argument from `|`. */
export function predicateCall(p: Parser, name: string, piped: boolean): Node {
  const roles = PREDICATE_BUILTINS[name].slice(piped ? 1 : 0);
  expect(p, '(');
  const args: Node[] = [];
  for (const [i, role] of roles.entries()) {
    p.gobbleSpaces();
    if (p.char === ')' && role.endsWith('?')) break;
    if (i > 0) expect(p, ',');
    args.push(
      role.startsWith('predicate')
        ? predicate(p)
        : required(p, p.gobbleExpression()),
    );
  }
  p.gobbleSpaces();
  if (p.char === ',') p.index++;
  expect(p, ')');
  return {
    type: 'CallExpression',
    callee: { type: 'Identifier', name },
    arguments: args,
  };
}

/** Whether the identifier starting at `start` is the right side of a pipe. */
export function isPiped(source: string, start: number): boolean {
  let i = start - 1;
  while (i >= 0 && /\s/.test(source[i])) i--;
  return source[i] === '|' && source[i - 1] !== '|';
}

export function mapLiteral(p: Parser): Node {
  p.index++;
  const entries: Array<{ key: Node; value: Node }> = [];
  for (;;) {
    p.gobbleSpaces();
    if (p.char === '}') break;
    if (entries.length) {
      expect(p, ',');
      p.gobbleSpaces();
      if (p.char === '}') break;
    }
    let key: Node;
    const c = p.char;
    if (c === '"' || c === "'" || c === '`' || /\d/.test(c)) {
      const token = required(p, p.gobbleToken()) as {
        value?: unknown;
        raw?: string;
      };
      const text = typeof token.value === 'string' ? token.value : token.raw;
      key = { type: 'Literal', value: String(text) };
    } else if (isIdentifierStart(c)) {
      key = { type: 'Literal', value: p.gobbleIdentifier().name };
    } else if (c === '(') {
      key = required(p, p.gobbleToken());
    } else {
      return p.throwError(
        'a map key must be a quoted string, a number, an identifier, or an expression in parentheses',
      );
    }
    expect(p, ':');
    entries.push({ key, value: required(p, p.gobbleExpression()) });
  }
  p.index++;
  return { type: 'MapExpression', entries };
}

/** `let name = value; body`. */
export function letExpression(p: Parser): Node {
  p.index += 3;
  p.gobbleSpaces();
  const { name } = p.gobbleIdentifier();
  expect(p, '=');
  const value = required(p, p.gobbleExpression());
  expect(p, ';');
  const body = required(p, p.gobbleExpression());
  return { type: 'Let', name, value, body };
}

function block(p: Parser): Node {
  expect(p, '{');
  const body = sequence(p, '}');
  expect(p, '}');
  return body;
}

/** `if cond { a } else if cond2 { b } else { c }`. */
export function ifExpression(p: Parser): Node {
  p.index += 2;
  const test = required(p, p.gobbleExpression());
  const consequent = block(p);
  p.gobbleSpaces();
  if (!wordAt(p, 'else')) p.throwError('expected "else"');
  p.index += 4;
  p.gobbleSpaces();
  const alternate = wordAt(p, 'if') ? ifExpression(p) : block(p);
  return { type: 'ConditionalExpression', test, consequent, alternate };
}
