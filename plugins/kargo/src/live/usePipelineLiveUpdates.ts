import { useSignal } from '@backstage/plugin-signals-react';
import { kargoProjectSignalChannel } from '@kargo-backstage/plugin-kargo-common';
import { useEffect, useRef } from 'react';
import usePageVisible from './usePageVisible';

/** While a Promotion runs, the pipeline is read again this often. */
export const POLL_WHILE_RUNNING_MS = 5_000;
/** Otherwise (a Warehouse may discover, someone else may promote). */
export const POLL_IDLE_MS = 15_000;

/**
 * Keeps a project's pipeline current without a reload of the page: loads
 * it again on each signal the backend publishes for the project, and polls
 * as a fallback (5 s while a Promotion runs, else 15 s) for portals
 * without the signals plugin. Polling pauses while the browser tab is hidden and
 * catches up as soon as it is shown again.
 *
 * @param lastAnswer - changes with each answer: the next poll is timed
 *   from it, so slow answers never pile up.
 */
export function usePipelineLiveUpdates(options: {
  project: string;
  running: boolean;
  reload(): void;
  lastAnswer: unknown;
}) {
  const { project, running, reload, lastAnswer } = options;
  const { lastSignal } = useSignal(kargoProjectSignalChannel(project));
  useEffect(() => {
    if (lastSignal) reload();
  }, [lastSignal, reload]);

  const visible = usePageVisible();
  const missedWhileHidden = useRef(false);
  useEffect(() => {
    if (!visible) {
      missedWhileHidden.current = true;
      return undefined;
    }
    if (missedWhileHidden.current) {
      missedWhileHidden.current = false;
      reload();
      return undefined;
    }
    const timer = setTimeout(
      reload,
      running ? POLL_WHILE_RUNNING_MS : POLL_IDLE_MS,
    );
    return () => clearTimeout(timer);
  }, [visible, running, reload, lastAnswer]);
}
