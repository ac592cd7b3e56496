/*
 * Argo Rollouts' rules for one metric of an AnalysisTemplate
 * (analysisutil.ValidateMetric), shared by the manifest schema (at apply
 * time, skipping what `{{args.…}}` fills in later) and the backend's
 * analysis engine (on the metric with its arguments resolved).
 */

/** Kubernetes IntOrString: `count: 5` or `count: "{{args.count}}"`. */
export type IntOrString = number | string;

/** Whether a field is filled in by argument substitution later. */
export function isTemplated(value: unknown): boolean {
  return typeof value === 'string' && value.includes('{{');
}

/**
 * intstr.IntOrString.IntValue(), which Rollouts reads these fields with: a
 * string that is not a decimal integer counts as 0.
 */
export function intOrStringValue(value: IntOrString | undefined): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return Math.trunc(value);
  return /^[+-]?\d+$/.test(value) ? Number(value) : 0;
}

const DURATION_UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const DURATION_PART = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;

/**
 * Milliseconds of a Go duration as time.ParseDuration reads it (Rollouts'
 * DurationString: "30s", "1m30s", "1.5h", "0"); undefined if it is none.
 */
export function parseRolloutsDuration(text: string): number | undefined {
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.replace(/^[-+]/, '');
  if (body === '0') return 0;
  if (!body) return undefined;
  let ms = 0;
  let at = 0;
  DURATION_PART.lastIndex = 0;
  for (let m = DURATION_PART.exec(body); m; m = DURATION_PART.exec(body)) {
    ms += Number(m[1]) * DURATION_UNIT_MS[m[2]];
    at = DURATION_PART.lastIndex;
  }
  return at === body.length ? sign * ms : undefined;
}

/** The fields of a metric the rules read. */
export type MetricCounts = {
  interval?: string;
  initialDelay?: string;
  count?: IntOrString;
  failureLimit?: IntOrString;
  inconclusiveLimit?: IntOrString;
  consecutiveErrorLimit?: IntOrString;
  consecutiveSuccessLimit?: IntOrString;
};

const DURATION_FIELDS = [
  ['interval', 'interval'],
  ['initialDelay', 'startDelay'],
] as const;

export type MetricRuleIssue = { field: keyof MetricCounts; message: string };

/**
 * Rollouts' ValidateMetric, less the provider count (the schema checks
 * that). With `skipTemplated`, rules reading a field that holds
 * `{{args.…}}` are skipped: they are checked once arguments are resolved.
 * `durations: false` leaves the duration syntax to the caller.
 */
export function checkMetricRules(
  metric: MetricCounts,
  options: { skipTemplated?: boolean; durations?: boolean } = {},
): MetricRuleIssue[] {
  const issues: MetricRuleIssue[] = [];
  const known = (field: keyof MetricCounts) =>
    !(options.skipTemplated && isTemplated(metric[field]));
  const int = (field: keyof MetricCounts) =>
    intOrStringValue(metric[field] as IntOrString | undefined);
  const count = int('count');
  const failureLimit = int('failureLimit');
  const successLimit = int('consecutiveSuccessLimit');
  const inconclusiveLimit = int('inconclusiveLimit');
  const add = (field: keyof MetricCounts, message: string) =>
    issues.push({ field, message });

  if (known('consecutiveSuccessLimit') && successLimit < 0) {
    add('consecutiveSuccessLimit', 'consecutiveSuccessLimit must be >= 0');
  }
  if (known('failureLimit') && failureLimit < -1) {
    add('failureLimit', 'failureLimit must be >= 0, or -1 to be disabled');
  }
  if (
    known('failureLimit') &&
    known('consecutiveSuccessLimit') &&
    successLimit === 0 &&
    failureLimit === -1
  ) {
    add(
      'failureLimit',
      'failureLimit and consecutiveSuccessLimit cannot both be disabled',
    );
  }
  if (known('inconclusiveLimit') && inconclusiveLimit < 0) {
    add('inconclusiveLimit', 'inconclusiveLimit must be >= 0');
  }
  if (known('consecutiveErrorLimit') && int('consecutiveErrorLimit') < 0) {
    add('consecutiveErrorLimit', 'consecutiveErrorLimit must be >= 0');
  }
  const countKnown = known('count');
  const limitsKnown =
    countKnown && known('failureLimit') && known('consecutiveSuccessLimit');
  if (limitsKnown && count > 0) {
    if (successLimit >= 0 && failureLimit >= 0) {
      if (count < failureLimit + successLimit) {
        add(
          'count',
          `count (${count}) must be >= failureLimit + consecutiveSuccessLimit (${failureLimit} + ${successLimit}) if both >= 0`,
        );
      }
    } else if (successLimit >= 0 && count < successLimit) {
      add('count', 'count must be >= consecutiveSuccessLimit');
    }
  }
  if (countKnown && known('inconclusiveLimit') && count > 0) {
    if (count < inconclusiveLimit) {
      add('count', 'count must be >= inconclusiveLimit');
    }
  }
  if (countKnown && count > 1 && !metric.interval) {
    add('interval', 'interval must be specified when count > 1');
  }
  const durations = options.durations === false ? [] : DURATION_FIELDS;
  for (const [field, name] of durations) {
    const value = metric[field];
    if (value && known(field) && parseRolloutsDuration(value) === undefined) {
      add(
        field,
        `invalid ${name} string: time: invalid duration ${JSON.stringify(
          value,
        )}`,
      );
    }
  }
  return issues;
}
