import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';

/** One part of a dotted key such as `image.tag` or `containers.0.image`. */
export type KeyPart = {
  name: string;
  /**
   * The part was written `:name`: a numeric-looking name that must be an
   * object key, never a list index (sjson's colon hint).
   */
  forceKey: boolean;
};

/**
 * Splits a key the way Kargo does for yaml-, json- and toml-update (sjson's
 * path syntax): dots separate parts unless escaped as `\.`; `\:` is a
 * literal colon; a leading unescaped `:` marks a part as an object key.
 * Anything else after a backslash, empty parts and stray colons are errors,
 * so a mistyped key fails loudly instead of addressing something else.
 */
export function splitKey(key: string): KeyPart[] {
  const trimmed = key.trim();
  if (trimmed === '') {
    throw new TerminalStepError('key: must not be empty');
  }
  const parts: KeyPart[] = [];
  let current = '';
  let forceKey = false;
  let escaped = false;
  for (const char of trimmed) {
    if (escaped) {
      if (char !== '.' && char !== ':') {
        throw new TerminalStepError(
          `key ${JSON.stringify(
            key,
          )}: invalid escape sequence "\\${char}" (only "\\." and "\\:" are allowed)`,
        );
      }
      current += char;
      escaped = false;
    } else if (char === '\\') {
      escaped = true;
    } else if (char === '.') {
      if (current === '') {
        throw new TerminalStepError(
          `key ${JSON.stringify(key)}: empty key part`,
        );
      }
      parts.push({ name: current, forceKey });
      current = '';
      forceKey = false;
    } else if (char === ':') {
      if (current !== '' || forceKey) {
        throw new TerminalStepError(
          `key ${JSON.stringify(key)}: unexpected colon (escape it as "\\:")`,
        );
      }
      forceKey = true;
    } else {
      current += char;
    }
  }
  if (escaped) {
    throw new TerminalStepError(
      `key ${JSON.stringify(key)}: ends with a lone backslash`,
    );
  }
  if (current === '') {
    throw new TerminalStepError(`key ${JSON.stringify(key)}: empty key part`);
  }
  parts.push({ name: current, forceKey });
  return parts;
}

/**
 * A list index in a key part: `n`, Kargo's legacy `[n]`, or `-1` for
 * "append". Returns undefined for anything else (the part is then a key).
 */
export function parseIndex(part: KeyPart): number | undefined {
  if (part.forceKey) return undefined;
  const match = /^(?:(-?\d+)|\[(-?\d+)\])$/.exec(part.name);
  if (!match) return undefined;
  const index = Number(match[1] ?? match[2]);
  if (!Number.isSafeInteger(index) || index < -1) return undefined;
  return index;
}

/** `a.b.0` for messages, re-escaping dots inside parts. */
export function describeKey(parts: KeyPart[]): string {
  return parts
    .map(p => `${p.forceKey ? ':' : ''}${p.name.replace(/([.:])/g, '\\$1')}`)
    .join('.');
}
