import ListItemText from '@material-ui/core/ListItemText';
import MenuItem from '@material-ui/core/MenuItem';
import type { ActionDecision, KargoAction } from '../../permissions';
import { useActionPermission } from '../../permissions';
import { usePipelineActions } from './PipelineActions';

type MenuEntryProps = {
  label: string;
  onClick(): void;
  /** Why the action makes no sense now, if so. */
  unavailableReason?: string;
};

/**
 * A menu entry for an action already decided: disabled with the reason
 * underneath when not allowed (menus show no tooltips on disabled items).
 */
export function DecidedMenuItem(
  props: MenuEntryProps & { decision: ActionDecision },
) {
  const reason = props.decision.reason ?? props.unavailableReason;
  return (
    <MenuItem disabled={Boolean(reason)} onClick={props.onClick}>
      <ListItemText primary={props.label} secondary={reason} />
    </MenuItem>
  );
}

/** A menu entry for a Kargo action on a Stage (or on the project). */
export function ActionMenuItem(
  props: MenuEntryProps & { kargoAction: KargoAction; stage?: string },
) {
  const { project } = usePipelineActions();
  const decision = useActionPermission(props.kargoAction, {
    project,
    stage: props.stage,
  });
  return <DecidedMenuItem {...props} decision={decision} />;
}
