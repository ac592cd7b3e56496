/*
 * The Kubernetes JSONPath templates (k8s.io/client-go/util/jsonpath) that a
 * web metric's `jsonPath` is written in: `{$.data.ok}`, `{.items[0].value}`,
 * `{.items[?(@.name=="x")].value}`. Supported: `$`, `@`, `.field`, `['field']`,
 * `[n]` (negative too), slices `[a:b:c]`, `[*]` / `.*`, `..`, unions `[a,b]`
 * and filters with ==, !=, <, >, <=, >=, =~ or existence; text outside the
 * braces. Not supported: `range` / `end`.
 */

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'wildcard' }
  | { kind: 'recursive' }
  | {
      kind: 'slice';
      start?: number;
      end?: number;
      step?: number;
      index: boolean;
    }
  | { kind: 'union'; branches: Step[] }
  | { kind: 'filter'; left: Step[]; op: string; right?: Operand };
type Operand = { path: Step[] } | { literal: unknown };
type Segment = { text: string } | { steps: Step[] };

const NAME_END = /[.[\s()=!<>,~]/;
const COMPARISONS = ['==', '!=', '<=', '>=', '=~', '<', '>'];

/** Index of the bracket closing the one at `open`, quotes and parens aware. */
function closing(src: string, open: number, close: string): number {
  const pairs: Record<string, string> = { '[': ']', '(': ')', '{': '}' };
  let depth = 0;
  let quote = '';
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (pairs[c]) depth++;
    else if (Object.values(pairs).includes(c) && --depth === 0) {
      if (c !== close) break;
      return i;
    }
  }
  throw new Error(`unclosed ${src[open]} in ${JSON.stringify(src)}`);
}

function unquote(text: string): string | undefined {
  const q = text[0];
  if ((q !== '"' && q !== "'") || text[text.length - 1] !== q) return undefined;
  return text.slice(1, -1).replace(/\\(.)/g, '$1');
}

function bracketItem(item: string): Step {
  const text = item.trim();
  const quoted = unquote(text);
  if (quoted !== undefined) return { kind: 'field', name: quoted };
  if (text === '*') return { kind: 'wildcard' };
  const slice = /^(-?\d*)(?::(-?\d*))?(?::(-?\d*))?$/.exec(text);
  if (!slice || !text) throw new Error(`invalid array index ${text}`);
  const num = (s?: string) => (s ? Number(s) : undefined);
  const index = !text.includes(':');
  const start = num(slice[1]);
  return index
    ? { kind: 'slice', start, end: start! + 1, index: true }
    : { kind: 'slice', start, end: num(slice[2]), step: num(slice[3]), index };
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let from = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) quote = c === quote ? '' : quote;
    else if (c === '"' || c === "'") quote = c;
    else if (c === ',') {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  return [...parts, text.slice(from)];
}

function parseFilter(body: string): Step {
  let quote = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quote) quote = c === quote ? '' : quote;
    else if (c === '"' || c === "'") quote = c;
    else {
      const op = COMPARISONS.find(o => body.startsWith(o, i));
      if (!op) continue;
      const left = parsePath(body.slice(0, i));
      const rightText = body.slice(i + op.length).trim();
      const quoted = unquote(rightText);
      let right: Operand;
      if (quoted !== undefined) right = { literal: quoted };
      else if (/^[@$]/.test(rightText)) right = { path: parsePath(rightText) };
      else if (rightText === 'true' || rightText === 'false') {
        right = { literal: rightText === 'true' };
      } else if (rightText !== '' && !Number.isNaN(Number(rightText))) {
        right = { literal: Number(rightText) };
      } else throw new Error(`invalid filter operand ${rightText}`);
      return { kind: 'filter', left, op, right };
    }
  }
  return { kind: 'filter', left: parsePath(body), op: 'exists' };
}

/** The steps of one path such as `$.items[0].name`. */
function parsePath(src: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  const name = () => {
    const from = i;
    while (i < src.length && !NAME_END.test(src[i])) i++;
    const text = src.slice(from, i);
    if (!text) throw new Error(`missing field name at ${i} of ${src}`);
    return text === '*'
      ? { kind: 'wildcard' as const }
      : { kind: 'field' as const, name: text };
  };
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c) || c === '$' || c === '@') i++;
    else if (src.startsWith('..', i)) {
      i += 2;
      steps.push({ kind: 'recursive' });
      if (i < src.length && src[i] !== '[') steps.push(name());
    } else if (c === '.') {
      i++;
      steps.push(name());
    } else if (c === '[') {
      const end = closing(src, i, ']');
      const inner = src.slice(i + 1, end).trim();
      i = end + 1;
      if (inner.startsWith('?(') && inner.endsWith(')')) {
        steps.push(parseFilter(inner.slice(2, -1)));
      } else {
        const items = splitTopLevel(inner).map(bracketItem);
        steps.push(
          items.length > 1 ? { kind: 'union', branches: items } : items[0],
        );
      }
    } else {
      const word = /^\w+/.exec(src.slice(i))?.[0] ?? c;
      throw new Error(`unrecognized identifier ${word}`);
    }
  }
  return steps;
}

/** Parses a JSONPath template; throws on a syntax error. */
export function parseJsonPath(template: string): Segment[] {
  const segments: Segment[] = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      segments.push({ text: template.slice(i) });
      break;
    }
    if (open > i) segments.push({ text: template.slice(i, open) });
    const close = closing(template, open, '}');
    segments.push({ steps: parsePath(template.slice(open + 1, close)) });
    i = close + 1;
  }
  return segments;
}

export type { Operand, Segment, Step };
