/**
 * Kargo compiles tag filters and path selectors with Go's `regexp` package
 * (RE2 syntax). We check them with JavaScript's RegExp, after rejecting the
 * constructs RE2 refuses (which JavaScript would happily accept) and
 * translating the Go-only syntax JavaScript does not know.
 */

const RE2 = "Kargo's Go RE2 regex engine";

/** Go refuses repetition counts above this. */
const MAX_REPEAT = 1000;

interface Translation {
  source: string;
  flags: string;
}

/**
 * Scans the pattern once, outside and inside character classes, returning
 * either a reason it is unsupported by RE2 or a JS-compatible translation.
 */
function translate(pattern: string): Translation | string {
  let out = '';
  let flags = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    const rest = pattern.slice(i);
    if (ch === '\\') {
      const next = pattern[i + 1] ?? '';
      const after = pattern[i + 2] ?? '';
      // A lone digit escape is a backreference in Perl/JS; Go treats 1-7
      // followed by another octal digit as an octal escape and refuses the rest.
      if (/[1-9]/.test(next) && (next > '7' || !/[0-7]/.test(after))) {
        return `backreferences are not supported by ${RE2}`;
      }
      if (next === 'k' && after === '<') {
        return `backreferences are not supported by ${RE2}`;
      }
      if (!inClass && next === 'A') {
        out += '^';
      } else if (!inClass && next === 'z') {
        out += '$';
      } else if (next === 'Q') {
        // \Q...\E quotes a literal run.
        const end = pattern.indexOf('\\E', i + 2);
        const literal = pattern.slice(i + 2, end < 0 ? undefined : end);
        out += literal.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end < 0 ? pattern.length : end + 1;
        continue;
      } else {
        out += ch + next;
      }
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      // `]` right after `[` or `[^` is a literal in RE2.
      const lead = /^\[\^?\]/.exec(rest);
      if (lead) {
        out += `${lead[0].slice(1, -1)}\\]`;
        i += lead[0].length - 1;
      }
      continue;
    }
    if (rest.startsWith('(?=') || rest.startsWith('(?!')) {
      return `lookahead is not supported by ${RE2}`;
    }
    if (rest.startsWith('(?<=') || rest.startsWith('(?<!')) {
      return `lookbehind is not supported by ${RE2}`;
    }
    if (rest.startsWith('(?>')) {
      return `atomic groups are not supported by ${RE2}`;
    }
    if (rest.startsWith('(?P=')) {
      return `backreferences are not supported by ${RE2}`;
    }
    if (rest.startsWith('(?P<')) {
      out += '(?<';
      i += 3;
      continue;
    }
    // Inline flag groups: `(?i)` sets flags, `(?i:...)` scopes them. JS lacks
    // both in Node 20, so leading flags become RegExp flags and the rest are
    // dropped (the pattern's validity does not depend on them).
    const inline = /^\(\?([imsU-]*)(\)|:)/.exec(rest);
    if (inline && rest.startsWith('(?') && !rest.startsWith('(?:')) {
      if (inline[2] === ')') {
        if (out === '') {
          for (const f of inline[1].split('-')[0]) {
            if ('ims'.includes(f) && !flags.includes(f)) flags += f;
          }
        }
      } else {
        out += '(?:';
      }
      i += inline[0].length - 1;
      continue;
    }
    const repeat = /^\{(\d+)(,(\d*))?\}/.exec(rest);
    if (repeat) {
      const counts = [repeat[1], repeat[3]].filter(Boolean).map(Number);
      if (counts.some(n => n > MAX_REPEAT)) {
        return `repeat counts above ${MAX_REPEAT} are not supported by ${RE2}`;
      }
    }
    out += ch;
  }
  return { source: out, flags };
}

/**
 * Returns why the pattern would not compile in Kargo, or undefined when it is
 * a valid RE2 regular expression (as far as JavaScript can tell).
 */
export function checkGoRegex(pattern: string): string | undefined {
  const t = translate(pattern);
  if (typeof t === 'string') return t;
  try {
    // eslint-disable-next-line no-new
    new RegExp(t.source, t.flags);
    return undefined;
  } catch (e) {
    // (Not `instanceof Error`: errors may come from another realm.)
    const msg = String((e as { message?: unknown })?.message ?? e);
    // Drop V8's "Invalid regular expression: /.../: " prefix.
    return msg.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
  }
}

/**
 * A JavaScript RegExp that matches as Kargo's Go regexp would (Go-only
 * syntax translated); throws an Error saying why when RE2 would refuse the
 * pattern. The one place Go patterns become RegExps.
 */
export function compileGoRegex(pattern: string): RegExp {
  const problem = checkGoRegex(pattern);
  if (problem) {
    throw new Error(problem);
  }
  const t = translate(pattern) as Translation;
  return new RegExp(t.source, t.flags);
}
