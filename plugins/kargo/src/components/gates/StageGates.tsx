import type { PromotionApprovalRequest } from '@kargo-backstage/plugin-kargo-common';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import AcUnitIcon from '@material-ui/icons/AcUnit';
import ScheduleIcon from '@material-ui/icons/Schedule';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import type { StageView } from '../../model/pipelineModel';
import { ActionButton } from '../actions/ActionButton';
import { usePipelineActions, useReloadKey } from '../actions/PipelineActions';
import { errorMessage } from '../actions/usePipelineActionRunner';
import {
  approvalRequestOf,
  formatTime,
  freezeOf,
  promotionWindowOf,
  WAIT_FOR_APPROVAL,
} from './gateStatus';
import { ReasonDialog } from './ReasonDialog';

const useStyles = makeStyles(theme => ({
  chip: { marginTop: 2, marginRight: 4, maxWidth: '100%' },
  line: {
    fontSize: theme.typography.body2.fontSize,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  },
}));

/** `Frozen by user:default/ana since …: incident 42`. */
export function describeFreeze(freeze: {
  reason: string;
  actor: string;
  createdAt: string;
  stage?: string;
}): string {
  const what = freeze.stage ? 'Frozen' : 'Project frozen';
  return `${what} by ${freeze.actor} since ${formatTime(freeze.createdAt)}: ${
    freeze.reason
  }`;
}

/**
 * Whether Promotions to the Stage may start: a freeze (the Stage's or the
 * project's) with its reason, who and since when; a closed promotion
 * window and when it opens; a window about to close.
 */
export function StageGateFacts(props: { stage: StageView }) {
  const classes = useStyles();
  const freeze = freezeOf(props.stage.manifest);
  const window = promotionWindowOf(props.stage.manifest);
  return (
    <>
      {freeze && (
        <Chip
          size="small"
          color="secondary"
          icon={<AcUnitIcon />}
          className={classes.chip}
          label={describeFreeze(freeze)}
          title={describeFreeze(freeze)}
          aria-label={describeFreeze(freeze)}
        />
      )}
      {window?.closed && (
        <Chip
          size="small"
          icon={<ScheduleIcon />}
          className={classes.chip}
          label={`Promotions closed: ${window.reason ?? 'promotion window'}${
            window.nextOpen ? `, opens ${formatTime(window.nextOpen)}` : ''
          }`}
        />
      )}
      {window && !window.closed && window.nextClose && (
        <Typography
          variant="body2"
          color="textSecondary"
          className={classes.line}
          title={window.nextCloseReason}
        >
          ⚠ Promotions close {formatTime(window.nextClose)}
          {window.nextCloseReason ? `: ${window.nextCloseReason}` : ''}
        </Typography>
      )}
    </>
  );
}

/** How many lines the gate facts take in a Stage's graph node. */
export function gateLines(stage: StageView): number {
  const window = promotionWindowOf(stage.manifest);
  return (
    (freezeOf(stage.manifest) ? 1 : 0) +
    (window?.closed || window?.nextClose ? 1 : 0) +
    (stage.running?.step?.uses === WAIT_FOR_APPROVAL ? 4 : 0)
  );
}

/** The Stage's running Promotion, when it waits for approval. */
export function StageApprovalFact(props: { stage: StageView }) {
  const running = props.stage.running;
  if (running?.step?.uses !== WAIT_FOR_APPROVAL) return null;
  return (
    <PromotionApproval stage={props.stage.name} promotion={running.name} />
  );
}

/** `users alice, bob; groups release; owners of linked components`. */
export function describeApprovers(
  approvers: PromotionApprovalRequest['approvers'],
): string {
  const parts = [
    ...(approvers.users?.length ? [`users ${approvers.users.join(', ')}`] : []),
    ...(approvers.groups?.length
      ? [`groups ${approvers.groups.join(', ')}`]
      : []),
    ...(approvers.owners ? ['owners of linked components'] : []),
  ];
  return parts.join('; ') || 'anyone allowed to review';
}

/**
 * A Promotion waiting in a `wait-for-approval` step: who asked, who may
 * approve, who has, N of M, and Approve / Reject.
 */
export function PromotionApproval(props: { stage: string; promotion: string }) {
  const { stage, promotion } = props;
  const classes = useStyles();
  const { api, project, run } = usePipelineActions();
  const reloadKey = useReloadKey();
  const [dialog, setDialog] = useState<'approve' | 'reject'>();
  const steps = useAsync(
    () => api.getPromotionSteps(project, promotion),
    [api, project, promotion, reloadKey],
  );
  const request = steps.value && approvalRequestOf(steps.value.items);
  const approved = request?.approvedBy ?? [];
  return (
    <section aria-label={`Approval of ${promotion}`}>
      {steps.error && (
        <Typography variant="body2" color="error" className={classes.line}>
          Approval request could not be read: {errorMessage(steps.error)}
        </Typography>
      )}
      {request ? (
        <>
          <Typography variant="body2" className={classes.line}>
            Waiting for approval: {approved.length} of {request.minApprovals}
            {request.requestedBy ? `, asked by ${request.requestedBy}` : ''}
          </Typography>
          {request.message && (
            <Typography variant="body2" className={classes.line}>
              {request.message}
            </Typography>
          )}
          <Typography
            variant="body2"
            color="textSecondary"
            className={classes.line}
          >
            May approve: {describeApprovers(request.approvers)}
            {request.forbidRequester ? ' (not the requester)' : ''}
          </Typography>
          <Typography
            variant="body2"
            color="textSecondary"
            className={classes.line}
          >
            Approved by: {approved.length ? approved.join(', ') : 'nobody yet'}
          </Typography>
        </>
      ) : (
        !steps.error && (
          <Typography variant="body2" className={classes.line}>
            Waiting for approval
          </Typography>
        )
      )}
      <ActionButton
        kargoAction="reviewPromotion"
        stage={stage}
        color="primary"
        aria-label={`Approve ${promotion}`}
        onClick={() => setDialog('approve')}
      >
        Approve
      </ActionButton>
      <ActionButton
        kargoAction="reviewPromotion"
        stage={stage}
        aria-label={`Reject ${promotion}`}
        onClick={() => setDialog('reject')}
      >
        Reject
      </ActionButton>
      {dialog === 'approve' && (
        <ReasonDialog
          title={`Approve ${promotion}`}
          description={`Counts as one approval of the Promotion to ${stage}.`}
          fieldLabel="Comment (optional)"
          confirmLabel="Approve"
          required={false}
          onClose={() => setDialog(undefined)}
          onConfirm={comment => {
            setDialog(undefined);
            run(`Approve ${promotion}`, () =>
              api.approvePromotion(
                project,
                promotion,
                comment ? { comment } : {},
              ),
            );
          }}
        />
      )}
      {dialog === 'reject' && (
        <ReasonDialog
          title={`Reject ${promotion}`}
          description={`The Promotion to ${stage} fails at once with the reason.`}
          fieldLabel="Reason"
          confirmLabel="Reject"
          required
          onClose={() => setDialog(undefined)}
          onConfirm={reason => {
            setDialog(undefined);
            run(`Reject ${promotion}`, () =>
              api.rejectPromotion(project, promotion, reason),
            );
          }}
        />
      )}
    </section>
  );
}
