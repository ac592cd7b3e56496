import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import Box from '@material-ui/core/Box';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import { ActionButton } from '../actions/ActionButton';
import { usePipelineActions } from '../actions/PipelineActions';
import { projectFreezeOf } from './gateStatus';
import { FreezeDialog } from './FreezeDialog';
import { describeFreeze } from './StageGates';

/**
 * Stop-the-line for the whole project: a banner while it is frozen (with
 * the reason, who and since when) and Unfreeze; Freeze otherwise.
 */
export function ProjectFreezeControl(props: { stages: KargoManifest[] }) {
  const { project, api, run } = usePipelineActions();
  const [freezing, setFreezing] = useState(false);
  const freeze = projectFreezeOf(props.stages);
  const unfreeze = (
    <ActionButton
      kargoAction="freeze"
      aria-label={`Unfreeze project ${project}`}
      onClick={() =>
        run(`Unfreeze project ${project}`, () => api.unfreeze(project))
      }
    >
      Unfreeze
    </ActionButton>
  );
  return (
    <>
      {freeze ? (
        <Box mb={1}>
          <Alert severity="warning" action={unfreeze} role="status">
            {describeFreeze(freeze)}
          </Alert>
        </Box>
      ) : (
        <Box display="flex" justifyContent="flex-end">
          <ActionButton
            kargoAction="freeze"
            aria-label={`Freeze project ${project}`}
            onClick={() => setFreezing(true)}
          >
            Freeze project
          </ActionButton>
        </Box>
      )}
      {freezing && <FreezeDialog onClose={() => setFreezing(false)} />}
    </>
  );
}
