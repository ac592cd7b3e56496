import { fail } from './errors';

/*
 * One evaluator, two drivers. The evaluator is a generator that yields
 * whenever a function returns a Promise (secret(), freightMetadata() read
 * the database); the async driver awaits it and resumes, the sync driver
 * refuses it. Everything else — operators, builtins, budgets — is shared.
 */

/** A function's unfinished result, with the function's name for errors. */
export type Pending = { promise: PromiseLike<unknown>; what: string };

export type Evaluator<T = unknown> = Generator<Pending, T, unknown>;

export function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return (
    (typeof v === 'object' || typeof v === 'function') &&
    v !== null &&
    typeof (v as { then?: unknown }).then === 'function'
  );
}

/** Runs an evaluation that must not wait for anything. */
export function runSync<T>(evaluation: Evaluator<T>): T {
  const step = evaluation.next();
  if (step.done) return step.value;
  // Nobody will wait for it: keep its failure from going unhandled.
  Promise.resolve(step.value.promise).catch(() => undefined);
  evaluation.return(undefined as T);
  return fail(
    `${step.value.what} returned a Promise: evaluate this expression with evaluateExpressionAsync`,
  );
}

/** Runs an evaluation, awaiting each function result it waits for. */
export async function runAsync<T>(evaluation: Evaluator<T>): Promise<T> {
  let step = evaluation.next();
  while (!step.done) {
    let value: unknown;
    try {
      value = await step.value.promise;
    } catch (error) {
      step = evaluation.throw(error);
      continue;
    }
    step = evaluation.next(value);
  }
  return step.value;
}
