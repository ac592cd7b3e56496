import type { ReactNode } from 'react';
import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import {
  discoveredSubscriptions,
  WarehouseStatus,
} from '../../model/warehouseModel';
import { usePipelineActions, WarehouseRefreshButton } from '../actions';
import { DetailsDrawer, loadedTab, useDrawerData } from '../drawer';
import { ManifestYaml } from '../manifest/ManifestYaml';
import { AssembleFreight } from './AssembleFreight';
import { DiscoveredArtifactsList } from './DiscoveredArtifactsList';
import { WarehouseOverview } from './WarehouseOverview';

const discovered = (warehouse: KargoManifest) =>
  discoveredSubscriptions(
    (warehouse.status as WarehouseStatus | undefined)?.discoveredArtifacts,
  );

/**
 * A Warehouse's details: subscriptions, last discovery and its errors,
 * what it discovered, Freight assembled by hand, and its manifest.
 */
export function WarehouseDrawer(props: {
  name: string;
  /** The outcome of the last action, shown at the top. */
  notice?: ReactNode;
  onClose(): void;
}) {
  const { name, onClose } = props;
  const { api, project } = usePipelineActions();
  const warehouse = useDrawerData(
    () => api.getWarehouse(project, name),
    [api, project, name],
  );
  return (
    <DetailsDrawer
      title={`Warehouse ${name}`}
      actions={<WarehouseRefreshButton warehouse={name} />}
      notice={props.notice}
      onClose={onClose}
      tabs={[
        {
          label: 'Overview',
          render: loadedTab(warehouse, w => (
            <WarehouseOverview warehouse={w} />
          )),
        },
        {
          label: 'Discovered artifacts',
          render: loadedTab(warehouse, w => (
            <DiscoveredArtifactsList subscriptions={discovered(w)} />
          )),
        },
        {
          label: 'Assemble Freight',
          render: loadedTab(warehouse, w => (
            <AssembleFreight warehouse={name} subscriptions={discovered(w)} />
          )),
        },
        {
          label: 'Manifest',
          render: loadedTab(warehouse, w => <ManifestYaml manifest={w} />),
        },
      ]}
    />
  );
}
