import { ResponseError } from '@backstage/errors';
import { useCallback, useState } from 'react';
import type { ActionFeedback, PipelineActions } from './PipelineActions';

/** The server's own words for a refusal, without the HTTP preamble. */
export function errorMessage(error: unknown): string {
  if (error instanceof ResponseError) {
    return error.body?.error?.message ?? error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs actions one at a time: marks the tab busy, reloads the pipeline
 * after a success, and keeps the outcome to show above the pipeline.
 */
export function usePipelineActionRunner(reload: () => void) {
  const [busy, setBusy] = useState<string>();
  const [feedback, setFeedback] = useState<ActionFeedback>();
  const run = useCallback<PipelineActions['run']>(
    async (label, act, options) => {
      setBusy(label);
      setFeedback(undefined);
      try {
        await act();
        if (!options?.showsOutcomeItself) {
          setFeedback({ severity: 'success', message: `${label}: done` });
        }
        reload();
        return undefined;
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        if (!options?.showsErrorItself && !options?.showsOutcomeItself) {
          setFeedback({
            severity: 'error',
            message: `${label} failed: ${errorMessage(error)}`,
          });
        }
        return error;
      } finally {
        setBusy(undefined);
      }
    },
    [reload],
  );
  const dismissFeedback = useCallback(() => setFeedback(undefined), []);
  return { busy, feedback, run, dismissFeedback };
}
