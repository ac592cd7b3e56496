import { usePipelineActions } from '../actions/PipelineActions';
import { ReasonDialog } from './ReasonDialog';

/** Asks why, then freezes the project, or one Stage with `stage`. */
export function FreezeDialog(props: { stage?: string; onClose(): void }) {
  const { stage, onClose } = props;
  const { project, api, run } = usePipelineActions();
  const what = stage ?? `project ${project}`;
  return (
    <ReasonDialog
      title={`Freeze ${what}`}
      description={`No Promotion ${
        stage ? 'to this Stage' : 'in this project'
      } starts until the freeze is lifted; queued ones wait.`}
      fieldLabel="Reason (shown to everyone)"
      confirmLabel="Freeze"
      required
      onClose={onClose}
      onConfirm={reason => {
        onClose();
        run(`Freeze ${what}`, () =>
          api.freeze(project, stage ? { stage, reason } : { reason }),
        );
      }}
    />
  );
}
