import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import RefreshIcon from '@material-ui/icons/Refresh';
import { useActionPermission } from '../../permissions';
import { usePipelineActions } from './PipelineActions';

/**
 * Asks a Warehouse to discover artifacts now. An icon (no text) so it can
 * sit in a table cell beside the Freight it may bring.
 */
export function WarehouseRefreshButton(props: { warehouse: string }) {
  const { project, api, run, busy } = usePipelineActions();
  const permission = useActionPermission('refreshWarehouse', { project });
  const reason =
    permission.reason ?? (busy ? `Waiting for "${busy}" to finish` : undefined);
  return (
    <Tooltip title={reason ?? `Discover new artifacts for ${props.warehouse}`}>
      <span>
        <IconButton
          size="small"
          aria-label={`Refresh Warehouse ${props.warehouse}`}
          disabled={Boolean(reason)}
          onClick={() =>
            run(`Refresh ${props.warehouse}`, () =>
              api.refreshWarehouse(project, props.warehouse),
            )
          }
        >
          <RefreshIcon fontSize="small" />
        </IconButton>
      </span>
    </Tooltip>
  );
}
