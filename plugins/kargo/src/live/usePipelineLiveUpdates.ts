import { useSignal } from '@backstage/plugin-signals-react';
import { useEffect, useRef } from 'react';
import usePageVisible from './usePageVisible';

/** While a Promotion runs, the pipeline is read again this often. */
export const POLL_WHILE_RUNNING_MS = 5_000;
/** Otherwise (a Warehouse may discover, someone else may promote). */
export const POLL_IDLE_MS = 15_000;

/**
 * The signals channel of a project. The backend does not publish on it yet
 * (see the README): until it does, polling keeps the page current.
 */
export function kargoProjectChannel(project: string): string {
  return `kargo:project:${project}`;
}

/**
 * Keeps a project's pipeline current without a reload of the page: loads
 * it again on each signal of its channel, and polls (5 s while a Promotion
 * runs, else 15 s). Polling pauses while the browser tab is hidden and
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
  const { lastSignal } = useSignal(kargoProjectChannel(project));
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
