import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { freightAlias } from '../../model/artifacts';
import { ActionButton } from '../actions/ActionButton';
import { usePipelineActions } from '../actions/PipelineActions';
import { formatTime, rejectedStagesOf, rejectionOf } from './gateStatus';
import { ReasonDialog } from './ReasonDialog';

function describeRejection(
  where: string,
  rejection: { rejectedBy?: string; rejectedAt?: string; reason?: string },
): string {
  const by = rejection.rejectedBy ? ` by ${rejection.rejectedBy}` : '';
  const at = rejection.rejectedAt
    ? ` on ${formatTime(rejection.rejectedAt)}`
    : '';
  return `Rejected ${where}${by}${at}: ${
    rejection.reason ?? 'no reason given'
  }`;
}

/**
 * Marks rejected Freight on its card: for which Stages (or the whole
 * project), by whom, when and why, each with "Lift rejection".
 */
export function FreightRejectionNotes(props: { freight: KargoManifest }) {
  const { freight } = props;
  const { project, api, run } = usePipelineActions();
  const alias = freightAlias(freight);
  const projectWide = rejectionOf(freight);
  const entries: Array<{
    key: string;
    stage?: string;
    text: string;
  }> = [
    ...(projectWide
      ? [
          {
            key: '*',
            text: describeRejection('in the project', projectWide.rejection),
          },
        ]
      : []),
    ...rejectedStagesOf(freight).map(([stage, rejection]) => ({
      key: stage,
      stage,
      text: describeRejection(`for ${stage}`, rejection),
    })),
  ];
  if (!entries.length) return null;
  return (
    <div role="note" aria-label={`Rejections of ${alias}`}>
      {entries.map(entry => (
        <div key={entry.key}>
          <Typography variant="body2" color="error">
            {entry.text}
          </Typography>
          <ActionButton
            // Project-wide rejections are lifted with the freeze permission.
            kargoAction={entry.stage ? 'rejectFreight' : 'freeze'}
            stage={entry.stage}
            aria-label={`Lift rejection of ${alias}${
              entry.stage ? ` for ${entry.stage}` : ''
            }`}
            onClick={() =>
              run(
                `Lift rejection of ${alias}${
                  entry.stage ? ` for ${entry.stage}` : ''
                }`,
                () =>
                  api.unrejectFreight(
                    project,
                    freight.metadata.name,
                    entry.stage ? { stage: entry.stage } : undefined,
                  ),
              )
            }
          >
            Lift rejection
          </ActionButton>
        </div>
      ))}
    </div>
  );
}

/** "Reject for <Stage>" in promote mode, with a reason. */
export function FreightRejectionActions(props: {
  freight: KargoManifest;
  stage: string;
}) {
  const { freight, stage } = props;
  const { project, api, run } = usePipelineActions();
  const [open, setOpen] = useState(false);
  const alias = freightAlias(freight);
  if (rejectionOf(freight, stage)) return null;
  return (
    <>
      <ActionButton
        kargoAction="rejectFreight"
        stage={stage}
        aria-label={`Reject ${alias} for ${stage}`}
        onClick={() => setOpen(true)}
      >
        Reject for {stage}
      </ActionButton>
      {open && (
        <ReasonDialog
          title={`Reject ${alias} for ${stage}`}
          description={`No manual or automatic Promotion to ${stage} takes this Freight until the rejection is lifted.`}
          fieldLabel="Reason"
          confirmLabel="Reject"
          required
          onClose={() => setOpen(false)}
          onConfirm={reason => {
            setOpen(false);
            run(`Reject ${alias} for ${stage}`, () =>
              api.rejectFreight(project, freight.metadata.name, {
                stage,
                reason,
              }),
            );
          }}
        />
      )}
    </>
  );
}
