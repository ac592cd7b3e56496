import { Link } from '@backstage/core-components';
import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import { useMemo } from 'react';
import { ArtifactChange, diffFreight } from '../../model/freightDiff';
import { ListTable } from '../table';

/**
 * Side by side, per artifact: what the Stage runs now and what the
 * promotion brings, with a compare link where the Git host has one.
 */
export function FreightDiffTable(props: {
  current?: KargoManifest;
  incoming: KargoManifest;
}) {
  const { current, incoming } = props;
  const changes = useMemo(
    () => diffFreight(current, incoming),
    [current, incoming],
  );
  return (
    <ListTable
      label="Changes"
      columns={['Artifact', 'Current', 'Incoming', 'Change']}
      items={changes}
      renderRow={change => (
        <TableRow key={change.key}>
          <TableCell title={change.to?.repoURL ?? change.from?.repoURL}>
            {change.name} ({change.kind})
          </TableCell>
          <TableCell title={change.from?.fullVersion}>
            {change.from?.version ?? 'none'}
          </TableCell>
          <TableCell title={change.to?.fullVersion}>
            {change.to?.version ?? 'removed'}
          </TableCell>
          <TableCell>
            <ChangeSummary change={change} />
          </TableCell>
        </TableRow>
      )}
    />
  );
}

/** `unchanged`, a compare link, or `from → to` where there is no link. */
function ChangeSummary(props: { change: ArtifactChange }) {
  const { change } = props;
  if (!change.changed) {
    return <>unchanged</>;
  }
  const from = change.from?.version ?? 'none';
  const to = change.to?.version ?? 'removed';
  if (change.compareUrl) {
    return (
      <Link to={change.compareUrl}>
        compare {from}...{to}
      </Link>
    );
  }
  return <>{`${from} → ${to}`}</>;
}
