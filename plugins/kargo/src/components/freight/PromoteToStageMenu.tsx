import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import Button from '@material-ui/core/Button';
import Menu from '@material-ui/core/Menu';
import { useState } from 'react';
import { freightAlias } from '../../model/artifacts';
import type { StageView } from '../../model/pipelineModel';
import { ActionMenuItem, usePipelineActions } from '../actions';

/**
 * "Promote…": pick one of the Stages that take the Freight's origin. Each
 * entry is decided for its own Stage; the button only opens the list.
 */
export function PromoteToStageMenu(props: {
  freight: KargoManifest;
  stages: StageView[];
}) {
  const { openPromote } = usePipelineActions();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const alias = freightAlias(props.freight);
  return (
    <>
      <Button
        size="small"
        aria-haspopup="true"
        aria-label={`Promote ${alias} to a Stage`}
        disabled={!props.stages.length}
        title={props.stages.length ? undefined : 'No Stage takes this Freight'}
        onClick={e => setAnchor(e.currentTarget)}
      >
        Promote…
      </Button>
      {anchor && (
        <Menu anchorEl={anchor} open onClose={() => setAnchor(null)}>
          {props.stages.map(stage => (
            <ActionMenuItem
              key={stage.name}
              kargoAction="promote"
              stage={stage.name}
              label={stage.name}
              unavailableReason={
                stage.controlFlow
                  ? 'Freight passes through this Stage'
                  : undefined
              }
              onClick={() => {
                setAnchor(null);
                openPromote(stage, props.freight);
              }}
            />
          ))}
        </Menu>
      )}
    </>
  );
}
