import Typography from '@material-ui/core/Typography';
import type { StageView } from '../../model/pipelineModel';
import { KargoStatus } from './KargoStatus';

/** `Running step 2/5: git-commit (git-commit)`, or `Pending`. */
export function describeRunningPromotion(stage: StageView): string {
  const running = stage.running;
  if (!running) return '';
  const step = running.step;
  if (!step || running.phase === 'Pending') return running.phase;
  const uses = step.uses && step.uses !== step.alias ? ` (${step.uses})` : '';
  return `${running.phase} step ${step.number}/${step.count}: ${step.alias}${uses}`;
}

/** `auto-promotion on`, `… held at calm-fox`, or `manual promotion`. */
export function describeAutoPromotion(stage: StageView): string {
  if (!stage.autoPromotion) return 'manual promotion';
  if (!stage.holds.length) return 'auto-promotion on';
  const held = stage.holds
    .map(
      h =>
        `${h.origin}${h.freightName ? ` at ${h.freightName.slice(0, 7)}` : ''}`,
    )
    .join(', ');
  return `auto-promotion held: ${held}`;
}

export function HealthFact(props: { stage: StageView }) {
  const { health, healthIssues } = props.stage;
  return (
    <span title={healthIssues.join('\n') || undefined}>
      <KargoStatus status={health} />
    </span>
  );
}

export function VerificationFact(props: { stage: StageView }) {
  const verification = props.stage.verification;
  if (!verification) {
    return <Typography variant="body2">not verified yet</Typography>;
  }
  return (
    <span title={verification.message}>
      <KargoStatus status={verification.phase}>
        {`verification ${verification.phase}`}
      </KargoStatus>
    </span>
  );
}

/** The running Promotion and its current step; a step's message as title. */
export function RunningPromotionFact(props: { stage: StageView }) {
  const running = props.stage.running;
  if (!running) return null;
  return (
    <span title={running.step?.message ?? running.name}>
      <KargoStatus status={running.phase}>
        {describeRunningPromotion(props.stage)}
      </KargoStatus>
    </span>
  );
}
