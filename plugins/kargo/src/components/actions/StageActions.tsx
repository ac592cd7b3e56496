import IconButton from '@material-ui/core/IconButton';
import Menu from '@material-ui/core/Menu';
import MoreVertIcon from '@material-ui/icons/MoreVert';
import { useState } from 'react';
import { RETRYABLE_PROMOTION_PHASES } from '../../model/kargoTypes';
import type { CurrentFreight, StageView } from '../../model/pipelineModel';
import { useActionPermissionOnStages } from '../../permissions';
import { ActionButton } from './ActionButton';
import { ActionMenuItem, DecidedMenuItem } from './ActionMenuItem';
import { usePipelineActions } from './PipelineActions';
import { ownFreezeOf } from '../gates/gateStatus';
import { FreezeDialog } from '../gates/FreezeDialog';

/**
 * Promote (choose Freight in the timeline), and the other Stage actions
 * in a menu: abort or retry a Promotion, resume auto-promotion, promote
 * downstream, re-verify, abort verification, freeze or unfreeze, refresh.
 */
export function StageActions(props: { stage: StageView }) {
  const { stage } = props;
  const { startPromoteMode } = usePipelineActions();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [freezing, setFreezing] = useState(false);
  return (
    <>
      <ActionButton
        kargoAction="promote"
        stage={stage.name}
        color="primary"
        variant="outlined"
        onClick={() => startPromoteMode(stage)}
        unavailableReason={
          stage.controlFlow
            ? 'Freight passes through this Stage: promote downstream from its upstream instead'
            : undefined
        }
        aria-label={`Promote to ${stage.name}`}
      >
        Promote
      </ActionButton>
      <IconButton
        size="small"
        aria-label={`More actions for ${stage.name}`}
        aria-haspopup="true"
        onClick={e => setAnchor(e.currentTarget)}
      >
        <MoreVertIcon fontSize="small" />
      </IconButton>
      {/* Mounted only while open: its permission checks run on demand. */}
      {anchor && (
        <Menu anchorEl={anchor} open onClose={() => setAnchor(null)}>
          <StageActionsMenuItems
            stage={stage}
            close={() => setAnchor(null)}
            onFreeze={() => setFreezing(true)}
          />
        </Menu>
      )}
      {freezing && (
        <FreezeDialog stage={stage.name} onClose={() => setFreezing(false)} />
      )}
    </>
  );
}

function StageActionsMenuItems(props: {
  stage: StageView;
  close(): void;
  onFreeze(): void;
}) {
  const { stage, close } = props;
  const ownFreeze = Boolean(ownFreezeOf(stage.manifest));
  const { project, api, run } = usePipelineActions();
  const act = (label: string, call: () => Promise<unknown>) => () => {
    close();
    run(label, call);
  };
  const verifying =
    stage.verification?.phase === 'Running' ||
    stage.verification?.phase === 'Pending';
  const running = stage.running;
  const last = stage.lastPromotion;
  const lastName = last?.name;
  return (
    <>
      {running && (
        <ActionMenuItem
          kargoAction="abort"
          stage={stage.name}
          label={`Abort Promotion ${running.name}`}
          onClick={act(`Abort ${running.name}`, () =>
            api.abortPromotion(project, running.name),
          )}
        />
      )}
      {lastName && RETRYABLE_PROMOTION_PHASES.has(last.phase) && (
        <ActionMenuItem
          kargoAction="retry"
          stage={stage.name}
          label={`Retry the ${last.phase.toLocaleLowerCase('en-US')} Promotion`}
          onClick={act(`Retry ${lastName}`, () =>
            api.retryPromotion(project, lastName),
          )}
        />
      )}
      {stage.holds.map(hold => (
        // Promoting the origin's newest available Freight lifts the hold.
        <ActionMenuItem
          key={`resume:${hold.origin}`}
          kargoAction="promote"
          stage={stage.name}
          label={`Resume auto-promotion from ${hold.origin}`}
          onClick={act(`Resume auto-promotion of ${stage.name}`, () =>
            api.promote(project, stage.name, {
              origin: { kind: 'Warehouse', name: hold.origin },
            }),
          )}
        />
      ))}
      {stage.current.map(current => (
        <PromoteDownstreamItem
          key={current.freightName}
          stage={stage}
          current={current}
          onClick={act(`Promote ${current.label} downstream`, () =>
            api.promoteDownstream(project, stage.name, {
              freight: current.freightName,
            }),
          )}
        />
      ))}
      <ActionMenuItem
        kargoAction="reverify"
        stage={stage.name}
        label="Re-verify current Freight"
        unavailableReason={
          stage.current.length ? undefined : 'The Stage holds no Freight'
        }
        onClick={act(`Re-verify ${stage.name}`, () =>
          api.reverifyStage(project, stage.name),
        )}
      />
      <ActionMenuItem
        kargoAction="abortVerification"
        stage={stage.name}
        label="Abort verification"
        unavailableReason={verifying ? undefined : 'No verification runs'}
        onClick={act(`Abort verification of ${stage.name}`, () =>
          api.abortVerification(project, stage.name),
        )}
      />
      {ownFreeze ? (
        <ActionMenuItem
          kargoAction="freeze"
          label={`Unfreeze ${stage.name}`}
          onClick={act(`Unfreeze ${stage.name}`, () =>
            api.unfreeze(project, { stage: stage.name }),
          )}
        />
      ) : (
        <ActionMenuItem
          kargoAction="freeze"
          label={`Freeze ${stage.name}…`}
          onClick={() => {
            close();
            props.onFreeze();
          }}
        />
      )}
      <ActionMenuItem
        kargoAction="refreshStage"
        stage={stage.name}
        label="Refresh"
        onClick={act(`Refresh ${stage.name}`, () =>
          api.refreshStage(project, stage.name),
        )}
      />
    </>
  );
}

/**
 * Promote the Stage's Freight of one origin into every Stage downstream
 * taking that origin from it: allowed when promoting to each of them is.
 */
function PromoteDownstreamItem(props: {
  stage: StageView;
  current: CurrentFreight;
  onClick(): void;
}) {
  const { stage, current } = props;
  const { project } = usePipelineActions();
  const targets = stage.downstreams
    .filter(d => d.origins.includes(current.origin))
    .map(d => d.stage);
  const decision = useActionPermissionOnStages('promote', project, targets);
  return (
    <DecidedMenuItem
      label={`Promote ${current.label} downstream${
        targets.length ? ` (${targets.join(', ')})` : ''
      }`}
      decision={targets.length ? decision : { allowed: true }}
      unavailableReason={
        targets.length
          ? undefined
          : `No Stage takes ${current.origin} Freight from ${stage.name}`
      }
      onClick={props.onClick}
    />
  );
}
