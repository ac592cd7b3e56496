import { compileGoRegex } from '@kargo-backstage/plugin-kargo-common';
import type { Operand, Segment, Step } from './jsonPath';

/*
 * Evaluates a parsed Kubernetes JSONPath over decoded JSON the way
 * client-go's FindResults does: each step maps the current values to the
 * next ones; a field no value has is an error ("x is not found").
 */

const isMap = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const isNil = (v: unknown) => v === null || v === undefined;

function goType(v: unknown): string {
  if (isNil(v)) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  if (isMap(v)) return 'map[string]interface {}';
  return typeof v === 'number' ? 'float64' : typeof v;
}

function children(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  return isMap(v) ? Object.values(v) : [];
}

function slice(values: unknown[], step: Extract<Step, { kind: 'slice' }>) {
  const out: unknown[] = [];
  for (const v of values) {
    if (isNil(v)) continue;
    if (!Array.isArray(v))
      throw new Error(`${goType(v)} is not array or slice`);
    const len = v.length;
    let start = step.start ?? 0;
    if (start < 0) start += len;
    let end = step.end ?? len;
    if (end < 0 || (step.index && end === 0)) end += len;
    if (start === end) continue;
    if (start < 0 || start >= len) {
      throw new Error(
        `array index out of bounds: index ${start}, length ${len}`,
      );
    }
    if (end < 0 || end > len) {
      throw new Error(
        `array index out of bounds: index ${end - 1}, length ${len}`,
      );
    }
    if (start > end) {
      throw new Error(
        `starting index ${start} is greater than ending index ${end}`,
      );
    }
    if (step.step !== undefined && step.step <= 0) {
      throw new Error('step must be > 0');
    }
    for (let i = start; i < end; i += step.step ?? 1) out.push(v[i]);
  }
  return out;
}

function compare(left: unknown, op: string, right: unknown): boolean {
  if (op === '==') return left === right;
  if (op === '!=') return left !== right;
  if (op === '=~') {
    if (typeof left !== 'string' || typeof right !== 'string') {
      throw new Error('regexp search only support string now');
    }
    return compileGoRegex(right).test(left);
  }
  const comparable =
    (typeof left === 'number' && typeof right === 'number') ||
    (typeof left === 'string' && typeof right === 'string');
  if (!comparable) throw new Error('incompatible types for comparison');
  const [a, b] = [left as number | string, right as number | string];
  if (op === '<') return a < b;
  if (op === '>') return a > b;
  return op === '<=' ? a <= b : a >= b;
}

function single(values: unknown[]): unknown[] {
  if (values.length > 1)
    throw new Error('can only compare one element at a time');
  return values;
}

function operand(item: unknown, right: Operand): unknown[] {
  return 'literal' in right ? [right.literal] : walk([item], right.path);
}

function filter(values: unknown[], step: Extract<Step, { kind: 'filter' }>) {
  const out: unknown[] = [];
  for (const v of values) {
    if (!Array.isArray(v)) {
      throw new Error(
        `${goType(v)} is not array or slice and cannot be filtered`,
      );
    }
    for (const item of v) {
      if (step.op === 'exists') {
        let found: unknown[] = [];
        try {
          found = walk([item], step.left);
        } catch {
          // a missing field: the item does not match
        }
        if (found.length) out.push(item);
        continue;
      }
      const [left] = single(walk([item], step.left));
      const [right] = single(operand(item, step.right!));
      if (left === undefined || right === undefined) continue;
      if (compare(left, step.op, right)) out.push(item);
    }
  }
  return out;
}

function apply(values: unknown[], step: Step): unknown[] {
  switch (step.kind) {
    case 'field': {
      const out = values
        .filter(
          v => isMap(v) && Object.prototype.hasOwnProperty.call(v, step.name),
        )
        .map(v => (v as Record<string, unknown>)[step.name]);
      if (!out.length) throw new Error(`${step.name} is not found`);
      return out;
    }
    case 'wildcard':
      return values.flatMap(children);
    case 'recursive': {
      const out: unknown[] = [];
      const visit = (v: unknown) => {
        const kids = children(v);
        if (!kids.length) return;
        out.push(v);
        kids.forEach(visit);
      };
      values.forEach(visit);
      return out;
    }
    case 'slice':
      return slice(values, step);
    case 'union':
      return step.branches.flatMap(branch => apply(values, branch));
    default:
      return filter(values, step);
  }
}

function walk(values: unknown[], steps: Step[]): unknown[] {
  return steps.reduce(apply, values);
}

/**
 * The results of each segment: a text segment yields its text, a path
 * segment the values it selects (Go's FindResults).
 */
export function evaluateJsonPath(
  segments: Segment[],
  data: unknown,
): unknown[][] {
  return segments.map(segment =>
    'text' in segment ? [segment.text] : walk([data], segment.steps),
  );
}
