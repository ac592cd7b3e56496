import { parseEntityRef } from '@backstage/catalog-model';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type {
  KargoManifest,
  StageAuditEntry,
} from '@kargo-backstage/plugin-kargo-common';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import { describeFreightNamed } from '../../model/artifacts';
import type { PipelineModel } from '../../model/pipelineModel';
import { describeAuditEntry, FreightNamer } from '../../model/stageAudit';
import { usePipelineActions } from '../actions';
import { Loaded, useDrawerData } from '../drawer';
import { formatTime } from '../gates';
import { ListTable } from '../table';

/** Recent Freight read to name the Freight of older entries by alias. */
const FREIGHT_NAMED = 100;

/** Rows shown before "Show all". */
const FIRST_ROWS = 20;

/** The actor's user entity ref, when the actor is a user. */
function userRefOf(actor: string): string | undefined {
  try {
    const ref = parseEntityRef(actor);
    return ref.kind.toLocaleLowerCase('en-US') === 'user' ? actor : undefined;
  } catch {
    return undefined;
  }
}

/** Who acted: a link to the user's page, or the service as the server says. */
function AuditActor(props: { actor: string }) {
  const user = userRefOf(props.actor);
  return user ? (
    <EntityRefLink entityRef={user} defaultKind="user" />
  ) : (
    <>{props.actor}</>
  );
}

/** Names Freight by what the pipeline or the recent Freight know of it. */
function freightNamer(
  model: PipelineModel,
  recent: KargoManifest[],
): FreightNamer {
  const known = new Map(model.freightByName);
  for (const f of recent) {
    if (!known.has(f.metadata.name)) known.set(f.metadata.name, f);
  }
  return name => describeFreightNamed(name, known.get(name));
}

/**
 * "Who promoted or approved what, when" for a Stage: its Promotions with
 * who started them and how they ended, reviews, approvals and rejections of
 * Freight for it, and the freezes in force. Newest first.
 */
export function StageAuditTrail(props: {
  stage: string;
  model: PipelineModel;
}) {
  const { stage, model } = props;
  const { api, project } = usePipelineActions();
  const trail = useDrawerData(
    () =>
      Promise.all([
        api.getStageAudit(project, stage),
        // Only to show aliases rather than names: the trail without them
        // is still worth showing.
        api
          .listFreight(project, { limit: FREIGHT_NAMED })
          .then(list => list.items)
          .catch(() => [] as KargoManifest[]),
      ]),
    [api, project, stage],
  );
  return (
    <Loaded state={trail}>
      {([{ items }, recent]) => {
        const freightName = freightNamer(model, recent);
        return (
          <ListTable<StageAuditEntry>
            label="Audit trail"
            emptyText="Nobody has promoted, approved, rejected or frozen anything for this Stage yet."
            columns={['When', 'Who', 'What']}
            items={items}
            firstRows={FIRST_ROWS}
            itemsNoun="entries"
            renderRow={entry => (
              <TableRow
                key={`${entry.at} ${entry.action} ${entry.actor} ${
                  entry.promotion ?? entry.freight ?? ''
                }`}
              >
                <TableCell style={{ whiteSpace: 'nowrap' }}>
                  {formatTime(entry.at)}
                </TableCell>
                <TableCell>
                  <AuditActor actor={entry.actor} />
                </TableCell>
                <TableCell>{describeAuditEntry(entry, freightName)}</TableCell>
              </TableRow>
            )}
          />
        );
      }}
    </Loaded>
  );
}
