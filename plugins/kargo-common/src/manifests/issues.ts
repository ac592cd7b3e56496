import { z } from 'zod';

/** One problem found in a manifest, e.g. `{ path: 'spec.interval', message: 'required' }`. */
export type ManifestIssue = { path: string; message: string };

/** The path used for problems with the document as a whole. */
export const ROOT_PATH = '(root)';

const IDENTIFIER_RE = /^[A-Za-z_$][\w$]*$/;

/**
 * Formats a zod path like Kubernetes field paths: `spec.steps[0].as`,
 * `metadata.labels[app.kubernetes.io/name]`.
 */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (IDENTIFIER_RE.test(String(key))) {
      out += out ? `.${String(key)}` : String(key);
    } else out += `[${String(key)}]`;
  }
  return out || ROOT_PATH;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  boolean: 'a boolean',
  number: 'a number',
  int: 'an integer',
  bigint: 'an integer',
  object: 'an object',
  record: 'an object',
  map: 'an object',
  array: 'a list',
  tuple: 'a list',
};

function describe(value: unknown): string {
  if (typeof value === 'string' && value !== '') return value;
  return JSON.stringify(value);
}

function sizeMessage(
  issue: { origin?: string; inclusive?: boolean },
  bound: number | bigint,
  atLeast: boolean,
): string {
  const n = Number(bound);
  switch (issue.origin) {
    case 'string':
      if (atLeast && n === 1) return 'must not be empty';
      return `must be ${atLeast ? 'at least' : 'at most'} ${n} characters`;
    case 'array':
    case 'set':
      return `must have ${atLeast ? 'at least' : 'at most'} ${n} item${
        n === 1 ? '' : 's'
      }`;
    default:
      if (issue.inclusive === false) {
        return `must be ${atLeast ? 'greater' : 'less'} than ${n}`;
      }
      return `must be ${atLeast ? 'at least' : 'at most'} ${n}`;
  }
}

/**
 * Turns zod's issue codes into short, human messages. Messages given
 * explicitly in the schemas (refinements, patterns) take precedence over this
 * map, so it only words the generic cases.
 */
export const manifestErrorMap: z.core.$ZodErrorMap = issue => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      if (issue.values.length === 1) {
        return `must be ${describe(issue.values[0])}`;
      }
      return `must be one of ${issue.values.map(describe).join(', ')}`;
    case 'too_small':
      return sizeMessage(issue, issue.minimum, true);
    case 'too_big':
      return sizeMessage(issue, issue.maximum, false);
    case 'invalid_format':
      if (issue.format === 'regex' && 'pattern' in issue) {
        return `must match the pattern ${String(issue.pattern)}`;
      }
      return `must be a valid ${issue.format}`;
    case 'unrecognized_keys':
      return 'unknown field';
    case 'not_multiple_of':
      return `must be a multiple of ${Number(issue.divisor)}`;
    case 'invalid_key':
      return 'invalid key';
    default:
      return 'invalid value';
  }
};

/**
 * Converts a zod error into manifest issues. An unknown-keys issue is split
 * into one `unknown field` issue per key, at that key's path, the way
 * `kubectl apply` strict field validation reports them.
 */
export function toManifestIssues(error: z.ZodError): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  const seen = new Set<string>();
  const push = (path: ReadonlyArray<PropertyKey>, message: string) => {
    const formatted = formatPath(path);
    const key = `${formatted}\u0000${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    issues.push({ path: formatted, message });
  };
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) push([...issue.path, key], 'unknown field');
    } else {
      push(issue.path, issue.message);
    }
  }
  return issues;
}

/** Joins issues as `path: message; path: message`. */
export function formatIssues(issues: ReadonlyArray<ManifestIssue>): string {
  return issues.map(i => `${i.path}: ${i.message}`).join('; ');
}
