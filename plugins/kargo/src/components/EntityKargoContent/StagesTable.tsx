import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { describeFreight } from './freightSummary';

type RequestedFreight = {
  origin: { name: string };
  sources: { direct?: boolean; stages?: string[] };
};

type StageStatus = {
  health?: { status?: string };
  freightHistory?: Array<{ items?: Record<string, { name?: string }> }>;
  lastPromotion?: { name?: string; status?: { phase?: string } };
};

/** "guestbook (direct)", "guestbook from dev". */
function describeSources(spec: Record<string, unknown> | undefined): string {
  const requested = (spec?.requestedFreight ?? []) as RequestedFreight[];
  return requested
    .map(r => {
      const from = [
        ...(r.sources.direct ? ['Warehouse'] : []),
        ...(r.sources.stages ?? []),
      ];
      return `${r.origin.name} from ${from.join(', ')}`;
    })
    .join('; ');
}

function currentFreight(
  status: StageStatus | undefined,
  freightByName: Map<string, KargoManifest>,
): string {
  const items = status?.freightHistory?.[0]?.items ?? {};
  const labels = Object.values(items).map(item => {
    const freight = item.name ? freightByName.get(item.name) : undefined;
    return freight ? describeFreight(freight) : item.name?.slice(0, 7);
  });
  return labels.filter(Boolean).join(', ') || 'none yet';
}

export function StagesTable(props: {
  stages: KargoManifest[];
  freight: KargoManifest[];
}) {
  const freightByName = new Map(props.freight.map(f => [f.metadata.name, f]));
  if (!props.stages.length) {
    return <Typography>This project has no Stages.</Typography>;
  }
  return (
    <Table size="small" aria-label="Stages">
      <TableHead>
        <TableRow>
          <TableCell>Stage</TableCell>
          <TableCell>Takes Freight</TableCell>
          <TableCell>Current Freight</TableCell>
          <TableCell>Health</TableCell>
          <TableCell>Last Promotion</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.stages.map(stage => {
          const status = stage.status as StageStatus | undefined;
          return (
            <TableRow key={stage.metadata.name}>
              <TableCell>{stage.metadata.name}</TableCell>
              <TableCell>{describeSources(stage.spec)}</TableCell>
              <TableCell>{currentFreight(status, freightByName)}</TableCell>
              <TableCell>{status?.health?.status ?? 'Unknown'}</TableCell>
              <TableCell>
                {status?.lastPromotion?.status?.phase ?? 'never promoted'}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
