import { z } from 'zod';
import { checkGoRegex } from '../goRegex';
import {
  checkDnsLabel,
  checkDnsSubdomain,
  DNS_SUBDOMAIN_MESSAGE,
  isDnsSubdomainPattern,
} from '../k8sNames';
import { parseSemverConstraint } from '../../semver/semverConstraint';

/*
 * Building blocks shared by the per-kind schemas. Every object is strict
 * (unknown fields are errors, like `kubectl apply` strict field validation),
 * and `null` fields are treated as absent, like the API server prunes nulls of
 * non-nullable fields before defaulting.
 */

/** Removes null-valued fields from a plain object; other values pass through. */
export function dropNulls(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const entries = Object.entries(value).filter(([, v]) => v !== null);
  return Object.fromEntries(entries);
}

/** A strict object whose null fields count as absent. */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.preprocess(dropNulls, z.strictObject(shape));
}

/**
 * Kargo's Go code treats zero values (`""`, `0`) of some subscription fields
 * as "unset" and then applies its defaults, so map them to undefined first.
 */
export function goZeroAsUnset<T extends z.ZodType>(schema: T, zero: unknown) {
  return z.preprocess(v => (v === zero ? undefined : v), schema);
}

/** A string checked by a function returning a problem description or undefined. */
export function checkedString(check: (value: string) => string | undefined) {
  return z.string().superRefine((value, ctx) => {
    const problem = check(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

// ---------------------------------------------------------------------------
// Names

/** Object names and references: RFC 1123 subdomain, at most 253 characters. */
export const k8sName = checkedString(checkDnsSubdomain);
/** RFC 1123 label, at most 63 characters (namespaces, projects, subscription names). */
export const dnsLabel = checkedString(checkDnsLabel);
/** CRD fields that carry the subdomain pattern without a length limit. */
export const k8sNamePattern = checkedString(v =>
  isDnsSubdomainPattern(v) ? undefined : DNS_SUBDOMAIN_MESSAGE,
);

// ---------------------------------------------------------------------------
// Durations and timestamps

/** The pattern Kargo's CRDs put on `interval` and `requiredSoakTime`. */
export const CRD_DURATION_RE = /^([0-9]+(\.[0-9]+)?(s|m|h))+$/;
/** Anything Go's time.ParseDuration accepts (used where the CRD has no pattern). */
export const GO_DURATION_RE =
  /^[-+]?(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$/;

export const crdDuration = z.string().regex(CRD_DURATION_RE, {
  error: 'must be a duration such as 5m0s (units h, m, s)',
});
export const goDuration = z.string().regex(GO_DURATION_RE, {
  error: 'must be a duration such as 5m0s',
});

const RFC3339_RE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;

/** Go's time.Parse(time.RFC3339, ...), used for metav1.Time fields. */
export function isRfc3339(value: string): boolean {
  const m = RFC3339_RE.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const offsetOk = m[8] === 'Z' || (Number(m[9]) < 24 && Number(m[10]) < 60);
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth &&
    hour < 24 &&
    minute < 60 &&
    second < 60 &&
    offsetOk
  );
}

export const rfc3339 = checkedString(v =>
  isRfc3339(v)
    ? undefined
    : 'must be an RFC 3339 timestamp such as 2024-01-02T15:04:05Z',
);

// ---------------------------------------------------------------------------
// Regexes, path selectors and semver constraints

/** A regex Kargo compiles with Go's RE2 engine. */
export const goRegex = checkedString(v => {
  const problem = checkGoRegex(v);
  return problem && `must be a valid regular expression: ${problem}`;
});
export const goRegexList = z.array(goRegex);

/**
 * Glob syntax check in the spirit of the doublestar library Kargo uses:
 * brackets and braces must be balanced and a pattern may not end in `\`.
 */
export function checkGlob(glob: string): string | undefined {
  let brackets = false;
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '\\') {
      if (i === glob.length - 1) return 'must not end with "\\"';
      i++;
    } else if (brackets) {
      if (ch === ']') brackets = false;
    } else if (ch === '[') brackets = true;
    else if (ch === '{') braces++;
    else if (ch === '}' && --braces < 0) return 'has an unmatched "}"';
  }
  if (brackets) return 'has an unclosed "["';
  if (braces > 0) return 'has an unclosed "{"';
  return undefined;
}

/**
 * Name or path selectors: `glob:<pattern>`, `regex:<pattern>` or
 * `regexp:<pattern>`; anything else is an exact value.
 */
export function checkSelectorPattern(value: string): string | undefined {
  const regex = /^(regex|regexp):/.exec(value);
  if (regex) {
    const problem = checkGoRegex(value.slice(regex[0].length));
    return problem && `invalid ${regex[1]} pattern: ${problem}`;
  }
  if (value.startsWith('glob:')) {
    const problem = checkGlob(value.slice('glob:'.length));
    return problem && `invalid glob pattern: glob ${problem}`;
  }
  return undefined;
}

export const pathSelectorList = z.array(checkedString(checkSelectorPattern));

/** A Masterminds semver constraint; empty means "no constraint" in Kargo. */
export const semverConstraint = checkedString(v => {
  if (v === '') return undefined;
  const parsed = parseSemverConstraint(v);
  return parsed.ok
    ? undefined
    : `must be a valid semver constraint: ${parsed.reason}`;
});

// ---------------------------------------------------------------------------
// Small shared structures

/** Opaque JSON object (step config, subscription config, artifact metadata). */
export const jsonObject = z.record(z.string(), z.unknown());
export const stringMap = z.record(z.string(), z.string());

/** Where Freight comes from; only Warehouses exist today. */
export const freightOrigin = strictObject({
  kind: z.enum(['Warehouse']),
  name: z.string(),
});

/** `vars` entries usable in expressions. */
export const expressionVariable = strictObject({
  name: z.string().regex(/^[a-zA-Z_]\w*$/, {
    error:
      'must start with a letter or "_" and contain only letters, digits and "_"',
  }),
  value: z.string().optional(),
});
export const expressionVariables = z.array(expressionVariable);

/** metav1.LabelSelector, as the CRDs declare it (operators are not checked). */
export const labelSelectorShape = {
  matchLabels: stringMap.optional(),
  matchExpressions: z
    .array(
      strictObject({
        key: z.string(),
        operator: z.string(),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional(),
};
export const labelSelector = strictObject(labelSelectorShape);

/** Reference to a Secret in the same namespace (CRD default for name: ""). */
export const localObjectReference = strictObject({
  name: z.string().default(''),
});

/** Refinement helper: reports each value that repeats an earlier one. */
export function reportDuplicates<T>(
  ctx: z.core.$RefinementCtx,
  items: readonly T[],
  keyOf: (item: T) => string | undefined,
  report: (
    index: number,
    firstIndex: number,
    key: string,
  ) => {
    path: PropertyKey[];
    message: string;
  },
): void {
  const first = new Map<string, number>();
  items.forEach((item, index) => {
    const key = keyOf(item);
    if (key === undefined) return;
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, index);
    else ctx.addIssue({ code: 'custom', ...report(index, earlier, key) });
  });
}
