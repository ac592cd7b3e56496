import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import type { ReactNode } from 'react';

type Tone = 'ok' | 'warning' | 'error' | 'pending' | 'running' | 'aborted';

const STATUS_BY_TONE = {
  ok: StatusOK,
  warning: StatusWarning,
  error: StatusError,
  pending: StatusPending,
  running: StatusRunning,
  aborted: StatusAborted,
};

/** Kargo's words for health, Promotion and verification phases, by tone. */
const TONES: Record<string, Tone> = {
  Healthy: 'ok',
  Succeeded: 'ok',
  Successful: 'ok',
  NotApplicable: 'pending',
  Unknown: 'pending',
  Pending: 'pending',
  Progressing: 'running',
  Running: 'running',
  Unhealthy: 'error',
  Failed: 'error',
  Errored: 'error',
  Error: 'error',
  Inconclusive: 'warning',
  Aborted: 'aborted',
};

/**
 * A Kargo status word with Backstage's status icon beside it. The word
 * stays readable by screen readers (Backstage's Status hides itself).
 */
export function KargoStatus(props: { status: string; children?: ReactNode }) {
  const Status = STATUS_BY_TONE[TONES[props.status] ?? 'pending'];
  return (
    <span style={{ whiteSpace: 'nowrap' }}>
      <Status aria-hidden={false} aria-label={undefined}>
        {props.children ?? props.status}
      </Status>
    </span>
  );
}
