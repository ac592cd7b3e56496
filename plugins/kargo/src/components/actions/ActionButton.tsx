import Button, { ButtonProps } from '@material-ui/core/Button';
import type { MouseEvent } from 'react';
import Tooltip from '@material-ui/core/Tooltip';
import type { KargoAction } from '../../permissions';
import { useActionPermission } from '../../permissions';
import { usePipelineActions } from './PipelineActions';

export type ActionButtonProps = Omit<
  ButtonProps,
  'onClick' | 'disabled' | 'action'
> & {
  /** The Kargo action the button takes: decides whether it is allowed. */
  kargoAction: KargoAction;
  /** The Stage it acts on (Stage permissions are decided per Stage). */
  stage?: string;
  onClick(event: MouseEvent<HTMLButtonElement>): void;
  /** Why the action makes no sense now (e.g. nothing to abort), if so. */
  unavailableReason?: string;
};

/**
 * A button for a Kargo action: disabled, with the reason as its tooltip,
 * when the user lacks the permission, the action does not apply, or
 * another action is still running.
 */
export function ActionButton(props: ActionButtonProps) {
  const {
    kargoAction,
    stage,
    onClick,
    unavailableReason,
    children,
    ...buttonProps
  } = props;
  const { project, busy } = usePipelineActions();
  const permission = useActionPermission(kargoAction, { project, stage });
  const reason =
    permission.reason ??
    unavailableReason ??
    (busy ? `Waiting for "${busy}" to finish` : undefined);
  const button = (
    <Button
      size="small"
      {...buttonProps}
      disabled={Boolean(reason)}
      onClick={onClick}
    >
      {children}
    </Button>
  );
  if (!reason) {
    return button;
  }
  // A disabled button fires no events: the span carries the tooltip.
  return (
    <Tooltip title={reason}>
      <span>{button}</span>
    </Tooltip>
  );
}
