import Box from '@material-ui/core/Box';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { DiscoveredSubscription } from '../../model/warehouseModel';
import { ListTable } from '../table';

/** What each subscription found at the last discovery, newest first. */
export function DiscoveredArtifactsList(props: {
  subscriptions: DiscoveredSubscription[];
}) {
  if (!props.subscriptions.length) {
    return (
      <Typography color="textSecondary">
        Nothing discovered yet: refresh the Warehouse.
      </Typography>
    );
  }
  return (
    <>
      {props.subscriptions.map(s => (
        <Box key={s.key} mb={2}>
          <Typography variant="subtitle1">{s.title}</Typography>
          <ListTable
            label={`Discovered ${s.title}`}
            emptyText="No version matches the subscription's filters."
            columns={['Version', 'Details', 'Created']}
            items={s.options}
            renderRow={o => (
              <TableRow key={o.id}>
                <TableCell>{o.label}</TableCell>
                <TableCell style={{ overflowWrap: 'anywhere' }}>
                  {o.detail ?? ''}
                </TableCell>
                <TableCell>{o.at ?? ''}</TableCell>
              </TableRow>
            )}
          />
        </Box>
      ))}
    </>
  );
}
