import { fail } from './errors';

/** Bounds on one evaluation; each can be lowered or raised per call. */
export type EvaluationOptions = {
  /** Nodes evaluated and predicate iterations run (default 100,000). */
  maxSteps?: number;
  /** Longest string an expression may build, in characters (default 10 MiB). */
  maxStringLength?: number;
  /** Longest array (or map) an expression may build (default 1,000,000). */
  maxArrayLength?: number;
  /** The clock `now()` reads (default: the system clock). */
  now?: () => Date;
};

export type Limits = Required<EvaluationOptions>;

export const DEFAULT_LIMITS: Limits = {
  maxSteps: 100_000,
  maxStringLength: 10 * 1024 * 1024,
  maxArrayLength: 1_000_000,
  now: () => new Date(),
};

export function limitsFrom(options: EvaluationOptions = {}): Limits {
  return {
    maxSteps: options.maxSteps ?? DEFAULT_LIMITS.maxSteps,
    maxStringLength: options.maxStringLength ?? DEFAULT_LIMITS.maxStringLength,
    maxArrayLength: options.maxArrayLength ?? DEFAULT_LIMITS.maxArrayLength,
    now: options.now ?? DEFAULT_LIMITS.now,
  };
}

export function checkArray(length: number, limits: Limits): void {
  if (length > limits.maxArrayLength) {
    fail(
      `expression would build an array of ${length} items; the limit is ${limits.maxArrayLength}`,
    );
  }
}

export function checkString(length: number, limits: Limits): void {
  if (length > limits.maxStringLength) {
    fail(
      `expression would build a string of ${length} characters; the limit is ${limits.maxStringLength}`,
    );
  }
}

/** A value an expression built, checked against the size limits. */
export function bounded<T>(value: T, limits: Limits): T {
  if (typeof value === 'string') checkString(value.length, limits);
  else if (Array.isArray(value)) checkArray(value.length, limits);
  return value;
}
