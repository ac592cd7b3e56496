import { compileGoRegex } from '@kargo-backstage/plugin-kargo-common';
import { posix } from 'node:path';

/*
 * The matchers Kargo applies to paths: Go (RE2) regular expressions (compiled
 * by kargo-common's compileGoRegex), doublestar globs, and base directories
 * (Kargo: pkg/pattern).
 */

/** Something that matches a tag name or a path. */
export interface Matcher {
  matches(value: string): boolean;
}

/**
 * Converts a doublestar (github.com/bmatcuk/doublestar/v4) glob to a RegExp:
 * `*` and `?` stay within one path segment, `**` as a whole segment matches
 * any number of segments, `[...]`/`[!...]`/`[^...]` classes, `{a,b}`
 * alternatives and `\` escapes.
 */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  let braceDepth = 0;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '\\') {
      const next = glob[i + 1];
      if (next === undefined) throw new Error('pattern ends with "\\"');
      out += escapeRegExp(next);
      i++;
    } else if (ch === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const atEnd = i + 2 === glob.length || glob[i + 2] === '/';
        if (atStart && atEnd) {
          if (i + 2 === glob.length) {
            // Trailing `**`: anything; `dir/**` also matches `dir` itself.
            if (out.endsWith('\\/')) out = `${out.slice(0, -2)}(?:/.*)?`;
            else out += '.*';
            i += 1;
          } else {
            // `**/`: zero or more whole segments.
            out += '(?:[^/]*(?:/[^/]*)*/)?';
            i += 2;
          }
          continue;
        }
        // `**` inside a segment acts like `*`.
        out += '[^/]*';
        i++;
        continue;
      }
      out += '[^/]*';
    } else if (ch === '?') {
      out += '[^/]';
    } else if (ch === '[') {
      const end = findClassEnd(glob, i);
      if (end < 0) throw new Error('unterminated character class');
      let body = glob.slice(i + 1, end);
      let negate = false;
      if (body.startsWith('!') || body.startsWith('^')) {
        negate = true;
        body = body.slice(1);
      }
      const cls = body.replace(/\\(.)/g, '$1').replace(/[\\\]^[]/g, '\\$&');
      out += negate ? `(?:(?!/)[^${cls}])` : `[${cls}]`;
      i = end;
    } else if (ch === '{') {
      braceDepth++;
      out += '(?:';
    } else if (ch === '}' && braceDepth > 0) {
      braceDepth--;
      out += ')';
    } else if (ch === ',' && braceDepth > 0) {
      out += '|';
    } else {
      out += escapeRegExp(ch);
    }
  }
  if (braceDepth > 0) throw new Error('unterminated "{"');
  return new RegExp(`^${out}$`, 's');
}

function findClassEnd(glob: string, start: number): number {
  let i = start + 1;
  if (glob[i] === '!' || glob[i] === '^') i++;
  for (; i < glob.length; i++) {
    if (glob[i] === '\\') i++;
    else if (glob[i] === ']') return i;
  }
  return -1;
}

function escapeRegExp(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/**
 * Kargo's "base directory" matcher (a selector without prefix): a path
 * matches when `filepath.Rel(base, path)` succeeds and contains no `..`
 * (so `src` matches `src`, `src/a/b.txt`, but not `srcfoo/x`).
 */
export function baseDirMatches(base: string, path: string): boolean {
  const b = posix.normalize(base);
  const p = posix.normalize(path);
  // Go's filepath.Rel fails when one path is absolute and the other is not.
  if (b.startsWith('/') !== p.startsWith('/')) return false;
  const rel = posix.relative(b === '.' ? '' : b, p === '.' ? '' : p) || '.';
  return !rel.includes('..');
}

/**
 * Parses a path selector like Kargo's pattern.ParsePathPattern: `glob:…`,
 * `regex:…`/`regexp:…`, or a base directory. Throws on invalid patterns.
 */
export function parsePathSelector(selector: string): Matcher {
  if (selector.startsWith('glob:')) {
    const re = globToRegExp(selector.slice('glob:'.length));
    return { matches: p => re.test(p) };
  }
  for (const prefix of ['regex:', 'regexp:']) {
    if (selector.startsWith(prefix)) {
      const re = compileGoRegex(selector.slice(prefix.length));
      return { matches: p => re.test(p) };
    }
  }
  return { matches: p => baseDirMatches(selector, p) };
}

/** Any of several selectors; undefined when there are none. */
export function parsePathSelectors(
  selectors: string[] | undefined,
): Matcher | undefined {
  if (!selectors || selectors.length === 0) return undefined;
  const matchers = selectors.map(parsePathSelector);
  return { matches: p => matchers.some(m => m.matches(p)) };
}

/**
 * Kargo's rule for a commit's changed paths: the commit counts when at least
 * one path is included (or there is no include list) and not excluded.
 */
export function pathsMatch(
  paths: string[],
  include: Matcher | undefined,
  exclude: Matcher | undefined,
): boolean {
  return paths.some(
    p => (!include || include.matches(p)) && !(exclude && exclude.matches(p)),
  );
}
