import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import { useMemo } from 'react';
import type { PipelineModel } from '../../model/pipelineModel';
import { freightHistoryOf } from '../../model/stageHistory';
import { KargoStatus } from '../status';
import { ListTable } from '../table';
import { freightLabel } from './freightLabel';

/**
 * The Freight the Stage held, newest first (Kargo keeps the last 10), with
 * the outcome of its latest verification.
 */
export function FreightHistoryTable(props: {
  stage: KargoManifest;
  model: PipelineModel;
}) {
  const history = useMemo(() => freightHistoryOf(props.stage), [props.stage]);
  return (
    <ListTable
      label="Freight history"
      emptyText="This Stage has held no Freight yet."
      columns={['When', 'Freight', 'Verification']}
      items={history}
      renderRow={entry => {
        const verification = entry.verifications[0];
        return (
          <TableRow key={entry.index}>
            <TableCell>
              {entry.index === 0 ? 'now' : `-${entry.index}`}
            </TableCell>
            <TableCell>{freightLabel(entry.freight, props.model)}</TableCell>
            <TableCell>
              {verification?.phase ? (
                <KargoStatus status={verification.phase} />
              ) : (
                'not verified'
              )}
            </TableCell>
          </TableRow>
        );
      }}
    />
  );
}
