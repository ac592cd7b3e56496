import type {
  AnalysisArgument,
  AnalysisMetric,
  AnalysisTemplateSpec,
} from '@kargo-backstage/plugin-kargo-common';
import type { AnalysisRun, MeasurementRetention } from './types';

/*
 * Arguments, as Kargo combines templates into one AnalysisRun
 * (pkg/rollouts: flattenTemplates, mergeArgs) and as Argo Rollouts
 * substitutes `{{args.name}}` into a metric before measuring it.
 */

/** An argument with its value known (secrets resolved). */
export type ResolvedArg = { name: string; value?: string };

export type FlatTemplate = {
  metrics: AnalysisMetric[];
  args: AnalysisArgument[];
  measurementRetention: MeasurementRetention[];
};

/** All templates' metrics and arguments, in reference order. */
export function flattenTemplates(
  specs: readonly AnalysisTemplateSpec[],
): FlatTemplate {
  const metrics: AnalysisMetric[] = [];
  const args: AnalysisArgument[] = [];
  const measurementRetention: MeasurementRetention[] = [];
  for (const spec of specs) {
    for (const metric of spec.metrics ?? []) {
      if (metrics.some(m => m.name === metric.name)) {
        throw new Error(`duplicate metric name: "${metric.name}"`);
      }
      metrics.push(metric);
    }
    for (const arg of spec.args ?? []) {
      const existing = args.findIndex(a => a.name === arg.name);
      if (existing < 0) {
        args.push({ ...arg });
        continue;
      }
      const prev = args[existing];
      if (
        prev.value !== undefined &&
        arg.value !== undefined &&
        prev.value !== arg.value
      ) {
        throw new Error(
          `conflicting values for argument "${arg.name}": "${prev.value}" and "${arg.value}"`,
        );
      }
      if (prev.value === undefined && arg.value !== undefined) {
        args[existing] = { ...prev, value: arg.value };
      }
    }
    for (const rule of spec.measurementRetention ?? []) {
      if (measurementRetention.some(r => r.metricName === rule.metricName)) {
        throw new Error(
          `duplicate measurement retention metric name: "${rule.metricName}"`,
        );
      }
      measurementRetention.push(rule);
    }
  }
  return { metrics, args, measurementRetention };
}

/**
 * The Stage's arguments over the templates' declared ones (an argument no
 * template declares is ignored, as in Kargo); every argument must end up
 * with a value or a valueFrom.
 */
export function mergeArgs(
  incoming: readonly ResolvedArg[],
  declared: readonly AnalysisArgument[],
): AnalysisArgument[] {
  const merged = declared.map(arg => {
    const given = incoming.find(a => a.name === arg.name);
    return given?.value !== undefined ? { ...arg, value: given.value } : arg;
  });
  for (const arg of merged) {
    if (arg.value === undefined && arg.valueFrom?.secretKeyRef === undefined) {
      throw new Error(
        `unresolved argument "${arg.name}": neither value nor valueFrom is set`,
      );
    }
  }
  return merged;
}

/**
 * Substitutes `{{args.name}}` (spaces inside the braces allowed) in every
 * string of `value`, as Rollouts' ResolveArgs does over the metric's JSON.
 * Every argument needs a value, and every tag must name one.
 */
export function substituteArgs<T>(value: T, args: readonly ResolvedArg[]): T {
  const values = new Map<string, string>();
  for (const arg of args) {
    if (arg.value === undefined) {
      throw new Error(`argument "${arg.name}" was not supplied`);
    }
    values.set(`args.${arg.name}`, arg.value);
  }
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return substituteString(v, values);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v).map(([k, item]) => [k, walk(item)]),
      );
    }
    return v;
  };
  return walk(value) as T;
}

function substituteString(text: string, values: Map<string, string>): string {
  let out = '';
  let at = 0;
  for (;;) {
    const open = text.indexOf('{{', at);
    if (open < 0) return out + text.slice(at);
    const close = text.indexOf('}}', open + 2);
    if (close < 0) {
      throw new Error(`cannot find end tag "}}" in ${JSON.stringify(text)}`);
    }
    const tag = text.slice(open + 2, close);
    const value = values.get(tag.trim());
    if (value === undefined) throw new Error(`failed to resolve {{${tag}}}`);
    out += text.slice(at, open) + value;
    at = close + 2;
  }
}

/**
 * The run's metrics with their arguments substituted, a secret argument
 * standing in as a placeholder (as Rollouts validates and schedules a run
 * without reading its secrets). Throws when an argument cannot be resolved.
 */
export function metricsWithoutSecrets(run: AnalysisRun): AnalysisMetric[] {
  const args = (run.spec.args ?? []).map(arg => ({
    name: arg.name,
    value: arg.valueFrom?.secretKeyRef ? 'temp-for-secret' : arg.value,
  }));
  return run.spec.metrics.map(metric => substituteArgs(metric, args));
}

/** Secret values in a text replaced by `*****`, as Rollouts redacts them. */
export function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce(
    (out, secret) => (secret ? out.split(secret).join('*****') : out),
    text,
  );
}
