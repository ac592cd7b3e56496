import { ResponseErrorPanel } from '@backstage/core-components';
import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { useId, useState } from 'react';
import { freightAlias, freightOrigin } from '../../model/artifacts';
import type { CurrentFreight, StageView } from '../../model/pipelineModel';
import { ActionButton, usePipelineActions } from '../actions';
import { FreightDiffTable } from './FreightDiffTable';

/** What the Stage runs now of the Freight's origin, in a sentence. */
function describeCurrent(
  stage: StageView,
  origin: string,
  current: CurrentFreight | undefined,
  incoming: KargoManifest,
): string {
  if (!current) {
    return `${stage.name} holds no Freight from ${origin} yet.`;
  }
  if (current.freightName === incoming.metadata.name) {
    // Kargo allows it: the steps run again (e.g. to repair drift).
    return `${stage.name} already runs ${current.label}: promoting runs its steps again.`;
  }
  return `${stage.name} runs ${current.label} from ${origin} now.`;
}

/**
 * Confirms a promotion: what the Stage runs now against what it would
 * run, artifact by artifact, then promotes. A refusal (Freight not
 * available, no permission…) stays in the dialog with the server's words.
 */
export function PromoteDialog(props: {
  stage: StageView;
  freight: KargoManifest;
  onClose(): void;
  onPromoted(): void;
}) {
  const { stage, freight, onClose, onPromoted } = props;
  const { project, api, run } = usePipelineActions();
  const [error, setError] = useState<Error>();
  const titleId = useId();
  const alias = freightAlias(freight);
  const origin = freightOrigin(freight);
  const current = stage.current.find(c => c.origin === origin);
  const others = stage.current.filter(c => c.origin !== origin);

  const promote = async () => {
    setError(undefined);
    const failure = await run(
      `Promote ${alias} to ${stage.name}`,
      () =>
        api.promote(project, stage.name, { freight: freight.metadata.name }),
      { showsErrorItself: true },
    );
    if (failure) {
      setError(failure);
    } else {
      onPromoted();
    }
  };

  return (
    <Dialog
      open
      onClose={onClose}
      maxWidth="md"
      fullWidth
      aria-labelledby={titleId}
    >
      <DialogTitle id={titleId}>
        Promote {alias} to {stage.name}
      </DialogTitle>
      <DialogContent>
        <Typography gutterBottom>
          {describeCurrent(stage, origin, current, freight)}
        </Typography>
        <FreightDiffTable current={current?.freight} incoming={freight} />
        {others.length > 0 && (
          <Typography variant="body2" color="textSecondary">
            Stays as it is: {others.map(o => o.label).join(', ')}.
          </Typography>
        )}
        {error && <ResponseErrorPanel error={error} />}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <ActionButton
          kargoAction="promote"
          stage={stage.name}
          color="primary"
          variant="contained"
          onClick={promote}
        >
          Promote
        </ActionButton>
      </DialogActions>
    </Dialog>
  );
}
