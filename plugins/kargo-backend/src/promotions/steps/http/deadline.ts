import { formatDuration } from '@kargo-backstage/plugin-kargo-common';

/**
 * Runs `work` with a signal that aborts when `parent` does (Promotion
 * aborted, step timed out) or after `timeoutMs` (0 = no limit), and turns
 * the abort into an error that says which of the two happened. The limit
 * covers the whole exchange, body included, like Go's http.Client.Timeout.
 */
export async function withDeadline<T>(
  parent: AbortSignal,
  timeoutMs: number,
  what: string,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const timer = new AbortController();
  const handle =
    timeoutMs > 0 ? setTimeout(() => timer.abort(), timeoutMs) : undefined;
  const signal = AbortSignal.any([parent, timer.signal]);
  try {
    return await work(signal);
  } catch (error) {
    if (parent.aborted) {
      throw new Error(`${what} was aborted`, { cause: error });
    }
    if (timer.signal.aborted) {
      throw new Error(`${what} timed out after ${formatDuration(timeoutMs)}`, {
        cause: error,
      });
    }
    throw error;
  } finally {
    clearTimeout(handle);
  }
}
