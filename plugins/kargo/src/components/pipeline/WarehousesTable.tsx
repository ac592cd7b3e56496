import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import { describeFreight } from '../../model/artifacts';
import { WarehouseRefreshButton } from '../actions';
import { ListTable } from '../table';

type Subscription = {
  image?: {
    repoURL: string;
    imageSelectionStrategy?: string;
    constraint?: string;
  };
  git?: { repoURL: string; branch?: string; commitSelectionStrategy?: string };
  chart?: { repoURL: string; name?: string; semverConstraint?: string };
};

function describeSubscription(s: Subscription): string {
  if (s.image) {
    return `image ${s.image.repoURL} (${
      s.image.imageSelectionStrategy ?? 'SemVer'
    }${s.image.constraint ? ` ${s.image.constraint}` : ''})`;
  }
  if (s.git) {
    return `git ${s.git.repoURL}${s.git.branch ? ` @ ${s.git.branch}` : ''}`;
  }
  if (s.chart) {
    return `chart ${s.chart.repoURL}${s.chart.name ? ` ${s.chart.name}` : ''}`;
  }
  return Object.keys(s).join(', ');
}

type WarehouseStatus = {
  lastFreightID?: string;
  conditions?: Array<{ type: string; status: string; message?: string }>;
};

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
        const spec = (warehouse.spec ?? {}) as {
          subscriptions?: Subscription[];
          interval?: string;
          freightCreationPolicy?: string;
        };
        return (
          <TableRow key={warehouse.metadata.name}>
            <TableCell>{warehouse.metadata.name}</TableCell>
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
