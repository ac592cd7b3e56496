/* What an API server does with selectors and merge patches, for the fake. */

/** RFC 7386 JSON merge patch: null deletes, objects merge, the rest replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** Top-level terms of a selector string: commas inside `( )` do not split. */
function terms(selector: string): string[] {
  const result: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      result.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  if (current.trim()) result.push(current.trim());
  return result;
}

/**
 * Whether labels match a Kubernetes label selector string, as an API
 * server decides: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`,
 * `k` (exists), `!k` (does not exist); all terms must hold. Throws on
 * syntax the fake does not understand, so a malformed query fails a test.
 */
export function matchesLabelSelector(
  labels: Record<string, string>,
  selector: string,
): boolean {
  return terms(selector).every(term => {
    const set = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (set) {
      const values = set[3].split(',').map(v => v.trim());
      const has = set[1] in labels && values.includes(labels[set[1]]);
      return set[2] === 'in' ? has : !has;
    }
    const equality = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
    if (equality) {
      const same = labels[equality[1]] === equality[3];
      return equality[2] === '!=' ? !same : same;
    }
    if (/^![^\s=!]+$/.test(term)) return !(term.slice(1) in labels);
    if (/^[^\s=!()]+$/.test(term)) return term in labels;
    throw new Error(`the fake cannot parse the label selector term "${term}"`);
  });
}
