/** Kargo's per-step execution record (`status.stepExecutionMetadata[]`). */
export type StepStatus =
  | 'Running'
  | 'Succeeded'
  | 'Failed'
  | 'Errored'
  | 'Aborted'
  | 'Skipped';

export type StepMeta = {
  alias: string;
  startedAt?: string;
  finishedAt?: string;
  errorCount: number;
  status?: StepStatus;
  message?: string;
  continueOnError?: boolean;
};

/** Worst first, as Kargo ranks them for the Promotion's phase. */
const RANK: StepStatus[] = [
  'Errored',
  'Failed',
  'Aborted',
  'Running',
  'Skipped',
  'Succeeded',
];

/** A step that failed or errored, and does not have continueOnError. */
export const isFailure = (m: StepMeta) =>
  !m.continueOnError &&
  (m.status === 'Failed' || m.status === 'Errored' || m.status === 'Aborted');

/**
 * The Promotion's phase from its steps: the worst status of the steps
 * without continueOnError; its message is the first such step's message.
 */
export function finalPhase(metas: StepMeta[]): {
  phase: 'Succeeded' | 'Failed' | 'Errored' | 'Aborted';
  message?: string;
} {
  let worst = RANK.length - 1;
  let message: string | undefined;
  for (const m of metas) {
    if (m.continueOnError || !m.status) continue;
    const rank = RANK.indexOf(m.status);
    if (rank < worst) {
      worst = rank;
      message = m.message;
    }
  }
  const status = RANK[worst];
  if (status === 'Errored' || status === 'Failed' || status === 'Aborted') {
    return { phase: status, message };
  }
  return { phase: 'Succeeded' };
}
