import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import Box from '@material-ui/core/Box';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  Condition,
  describeSubscription,
  WarehouseSpec,
  WarehouseStatus,
} from '../../model/warehouseModel';
import { KargoStatus } from '../status';
import { ListTable } from '../table';

/**
 * The status word (and icon) of a condition: Ready says whether discovery
 * works; the others state a fact, true or not.
 */
function conditionStatus(c: Condition): string {
  if (c.type === 'Ready') return c.status === 'True' ? 'Healthy' : 'Unhealthy';
  return c.status === 'True' ? 'Succeeded' : 'Unknown';
}

/**
 * What the Warehouse watches, how often, and how its last discovery went
 * (its conditions, with the error when it failed).
 */
export function WarehouseOverview(props: { warehouse: KargoManifest }) {
  const spec = (props.warehouse.spec ?? {}) as WarehouseSpec;
  const status = (props.warehouse.status ?? {}) as WarehouseStatus;
  const discoveredAt = status.discoveredArtifacts?.discoveredAt;
  return (
    <>
      <Typography variant="subtitle1">Subscriptions</Typography>
      <ul aria-label="Subscriptions">
        {(spec.subscriptions ?? []).map((s, i) => (
          <li key={i}>{describeSubscription(s)}</li>
        ))}
      </ul>
      <Typography variant="body2">
        Discovers every {spec.interval ?? '5m0s'}; Freight creation:{' '}
        {spec.freightCreationPolicy ?? 'Automatic'}.
      </Typography>
      <Typography variant="body2">
        Last discovery: {discoveredAt ?? 'not yet'}
      </Typography>
      <Box mt={2}>
        <ListTable
          label="Conditions"
          columns={['Condition', 'Status', 'Reason', 'Message', 'Since']}
          items={status.conditions ?? []}
          renderRow={c => (
            <TableRow key={c.type}>
              <TableCell>{c.type}</TableCell>
              <TableCell>
                <KargoStatus status={conditionStatus(c)}>
                  {c.status}
                </KargoStatus>
              </TableCell>
              <TableCell>{c.reason ?? ''}</TableCell>
              <TableCell>{c.message ?? ''}</TableCell>
              <TableCell>{c.lastTransitionTime ?? ''}</TableCell>
            </TableRow>
          )}
        />
      </Box>
    </>
  );
}
