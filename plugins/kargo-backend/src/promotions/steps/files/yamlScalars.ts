import { parse, Scalar, visit, type Node } from 'yaml';

/**
 * Whether `text`, written as a plain (unquoted) YAML scalar, would be read
 * back as something other than this exact string, under YAML 1.2 or 1.1.
 * 1.1 matters because Helm (go-yaml v2) still reads `yes`, `on` and `0777`
 * as a bool and a number: a tag "on" must be written quoted.
 */
export function plainScalarIsAmbiguous(text: string): boolean {
  return (['1.1', '1.2'] as const).some(version => {
    try {
      return parse(text, { version }) !== text;
    } catch {
      return true;
    }
  });
}

/** Quotes every string scalar under `node` that plain style would change. */
export function quoteAmbiguousStrings(node: Node): void {
  visit(node, {
    Scalar(_key, scalar) {
      if (
        typeof scalar.value === 'string' &&
        (!scalar.type || scalar.type === Scalar.PLAIN) &&
        plainScalarIsAmbiguous(scalar.value)
      ) {
        scalar.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
}

/**
 * The scalar style a new value gets in place of a scalar written in
 * `previousType`: the author's quoting is kept for strings when it can
 * carry them; plain strings that would be misread get double quotes;
 * numbers, booleans and null are always plain, as their type demands.
 */
export function scalarTypeFor(
  value: unknown,
  previousType: Scalar.Type | undefined,
): Scalar.Type {
  if (typeof value !== 'string') return Scalar.PLAIN;
  const multiLine = value.includes('\n');
  if (
    (previousType === Scalar.BLOCK_LITERAL ||
      previousType === Scalar.BLOCK_FOLDED) &&
    !multiLine
  ) {
    // A one-line value in a block scalar reads oddly; plain (or quoted) fits.
    return plainScalarIsAmbiguous(value) ? Scalar.QUOTE_DOUBLE : Scalar.PLAIN;
  }
  if (previousType && previousType !== Scalar.PLAIN) return previousType;
  return plainScalarIsAmbiguous(value) ? Scalar.QUOTE_DOUBLE : Scalar.PLAIN;
}

/** Source text of a non-string scalar value, as YAML reads it back. */
export function plainScalarText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  return String(value);
}

export function isScalarValue(
  value: unknown,
): value is string | number | boolean | null {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  );
}
