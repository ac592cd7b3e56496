import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import { describeFreight } from '../../model/artifacts';
import {
  describeSubscription,
  WarehouseSpec,
  WarehouseStatus,
} from '../../model/warehouseModel';
import { WarehouseRefreshButton } from '../actions';
import { ListTable } from '../table';
import { OpenDrawerLink } from './OpenDrawerLink';

/** The newest Freight, or why there is none (the Ready condition's message). */
function newestFreight(
  status: WarehouseStatus | undefined,
  freightByName: Map<string, KargoManifest>,
): string {
  const freight = status?.lastFreightID
    ? freightByName.get(status.lastFreightID)
    : undefined;
  const ready = status?.conditions?.find(c => c.type === 'Ready');
  if (ready?.status === 'False') {
    return `Discovery failed: ${ready.message ?? 'unknown reason'}`;
  }
  if (freight) {
    return describeFreight(freight);
  }
  return ready ? ready.message ?? 'none yet' : 'not discovered yet';
}

/** The project's Warehouses: what they watch and the newest Freight. */
export function WarehousesTable(props: {
  warehouses: KargoManifest[];
  freightByName: Map<string, KargoManifest>;
}) {
  const { freightByName } = props;
  return (
    <ListTable
      label="Warehouses"
      columns={[
        'Warehouse',
        'Subscriptions',
        'Interval',
        'Freight creation',
        'Newest Freight',
      ]}
      items={props.warehouses}
      renderRow={warehouse => {
        const spec = (warehouse.spec ?? {}) as WarehouseSpec;
        return (
          <TableRow key={warehouse.metadata.name}>
            <TableCell>
              <OpenDrawerLink kind="Warehouse" name={warehouse.metadata.name}>
                {warehouse.metadata.name}
              </OpenDrawerLink>
            </TableCell>
            <TableCell>
              {(spec.subscriptions ?? []).map(describeSubscription).join('; ')}
            </TableCell>
            <TableCell>{spec.interval}</TableCell>
            <TableCell>{spec.freightCreationPolicy}</TableCell>
            <TableCell>
              {newestFreight(
                warehouse.status as WarehouseStatus | undefined,
                freightByName,
              )}
              {/* An icon without text: the cell still reads as the Freight. */}
              <WarehouseRefreshButton warehouse={warehouse.metadata.name} />
            </TableCell>
          </TableRow>
        );
      }}
    />
  );
}
