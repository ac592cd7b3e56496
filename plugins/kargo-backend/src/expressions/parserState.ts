import type { Node } from './ast';

/*
 * Shared pieces of the grammar's jsep hooks: the parser state they work on
 * and small readers of it.
 */

/** The jsep parser state our hooks work on. */
export type Parser = {
  index: number;
  readonly expr: string;
  readonly char: string;
  gobbleSpaces(): void;
  gobbleExpression(): Node | undefined | false;
  gobbleToken(): Node | undefined | false;
  gobbleBinaryOp(): string | false;
  gobbleIdentifier(): { name: string };
  gobbleArguments(untilCode: number): Node[];
  throwError(message: string): never;
  /** How deep the token parser is nested (bounded). */
  kargoDepth?: number;
  /** How many predicates enclose the cursor (`#` is valid inside one). */
  kargoPredicates?: number;
};

export const CLOSE_PAREN = 41;
export const CLOSE_BRACKET = 93;

export const isIdentifierStart = (c: string | undefined) =>
  !!c && /[A-Za-z_$\u0080-\uffff]/.test(c);
export const isIdentifierPart = (c: string | undefined) =>
  !!c && /[\w$\u0080-\uffff]/.test(c);

/** The current character (a call, so TypeScript does not narrow it). */
export const at = (p: Parser): string => p.char;

export function wordAt(p: Parser, word: string): boolean {
  return (
    p.expr.startsWith(word, p.index) &&
    !isIdentifierPart(p.expr[p.index + word.length])
  );
}

export function expect(p: Parser, char: string): void {
  p.gobbleSpaces();
  if (p.char !== char) p.throwError(`expected "${char}"`);
  p.index++;
}

export function required(p: Parser, node: Node | undefined | false): Node {
  if (!node) p.throwError(`unexpected "${p.char || 'end of expression'}"`);
  return node as Node;
}
