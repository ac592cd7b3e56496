/*
 * Small re-implementations of Go standard-library string behaviour that
 * Kargo's Freight naming depends on. Go strings are byte sequences (UTF-8 in
 * practice) while JavaScript strings are UTF-16, so a few helpers convert
 * between a JS string and a "byte string" (one JS char per byte, 0-255), on
 * which byte-oriented Go algorithms (net/url) can be reproduced exactly.
 *
 * Internal to the freight module; not part of the package's public API.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/** UTF-8 encodes a string and returns it as a byte string (one char per byte). */
export function toByteString(value: string): string {
  const bytes = encoder.encode(value);
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}

/** Decodes a byte string (one char per byte) as UTF-8. */
export function fromByteString(value: string): string {
  const bytes = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) {
    bytes[i] = value.charCodeAt(i) & 0xff;
  }
  return decoder.decode(bytes);
}

/**
 * Go's strings.ToLower: per code point, simple (one-to-one) case mapping.
 * JavaScript's toLowerCase uses full case mapping, which differs only for
 * U+0130 (LATIN CAPITAL LETTER I WITH DOT ABOVE), and applies the final-sigma
 * rule, which a per-code-point mapping avoids.
 */
export function goToLower(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(value)) {
    return value.toLowerCase();
  }
  let out = '';
  for (const ch of value) {
    if (ch === '\u0130') {
      out += 'i';
      continue;
    }
    const lower = ch.toLowerCase();
    // A one-code-point result is the simple mapping; anything longer would be
    // a full (special-casing) mapping, which Go does not apply.
    out += [...lower].length === 1 ? lower : ch;
  }
  return out;
}

/** Anything Go's unicode.IsPrint rejects (it accepts L, M, N, P, S and the ASCII space). */
const NOT_GO_PRINTABLE = /[^\p{L}\p{M}\p{N}\p{P}\p{S} ]/gu;
/** Go's unicode.IsSpace (White_Space property), anchored at either end. */
const LEADING_SPACE = /^\p{White_Space}+/u;
const TRAILING_SPACE = /\p{White_Space}+$/u;

/** Go's strings.TrimSpace. */
export function goTrimSpace(value: string): string {
  return value.replace(LEADING_SPACE, '').replace(TRAILING_SPACE, '');
}

/** Removes every code point that Go's unicode.IsPrint rejects. */
export function removeNonPrintable(value: string): string {
  return value.replace(NOT_GO_PRINTABLE, '');
}

/** Go's strings.TrimSuffix. */
export function trimSuffix(value: string, suffix: string): string {
  return suffix !== '' && value.endsWith(suffix)
    ? value.slice(0, value.length - suffix.length)
    : value;
}

/** Go's strings.TrimPrefix. */
export function trimPrefix(value: string, prefix: string): string {
  return prefix !== '' && value.startsWith(prefix)
    ? value.slice(prefix.length)
    : value;
}

/** Go's path.Clean (slash-separated, purely lexical). */
export function goPathClean(path: string): string {
  if (path === '') {
    return '.';
  }
  const rooted = path.startsWith('/');
  const kept: string[] = [];
  // Number of leading ".." segments kept in a relative path; they can't be popped.
  let leadingDotDots = 0;
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') {
      continue;
    }
    if (segment === '..') {
      if (kept.length > leadingDotDots) {
        kept.pop();
      } else if (!rooted) {
        kept.push('..');
        leadingDotDots++;
      }
      continue;
    }
    kept.push(segment);
  }
  const joined = kept.join('/');
  if (rooted) {
    return `/${joined}`;
  }
  return joined === '' ? '.' : joined;
}

/** Go's path.Join: joins the non-empty elements with '/' and cleans the result; "" if all are empty. */
export function goPathJoin(...elements: string[]): string {
  const nonEmpty = elements.filter(e => e !== '');
  if (nonEmpty.length === 0) {
    return '';
  }
  return goPathClean(nonEmpty.join('/'));
}

/**
 * Orders strings as Go's slices.Sort does: by their UTF-8 bytes, which is the
 * same as ordering by code point (JavaScript's default compares UTF-16 code
 * units, which differs for characters above U+FFFF versus U+E000-U+FFFF).
 */
export function compareGoStrings(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) {
      return ca < cb ? -1 : 1;
    }
    if (ca > 0xffff) {
      i++; // skip the low surrogate, identical in both strings
    }
  }
  if (a.length === b.length) {
    return 0;
  }
  return a.length < b.length ? -1 : 1;
}
