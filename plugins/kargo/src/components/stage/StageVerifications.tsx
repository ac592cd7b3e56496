import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import { useMemo, useState } from 'react';
import { durationBetween } from '../../model/duration';
import type { PipelineModel } from '../../model/pipelineModel';
import { verificationsOf } from '../../model/stageHistory';
import { KargoStatus } from '../status';
import { ACTIONS_COLUMN, ListTable } from '../table';
import { AnalysisRunDetails } from './AnalysisRunDetails';
import { freightLabel } from './freightLabel';

/**
 * Every verification in the Stage's history, newest first, and the
 * AnalysisRun of the one chosen (the newest that has one, until the user
 * picks another).
 */
export function StageVerifications(props: {
  stage: KargoManifest;
  model: PipelineModel;
}) {
  const { stage, model } = props;
  const verifications = useMemo(() => verificationsOf(stage), [stage]);
  const [chosen, setChosen] = useState<string>();
  const run =
    chosen ?? verifications.find(v => v.analysisRun?.name)?.analysisRun?.name;
  return (
    <>
      <ListTable
        label="Verifications"
        emptyText="No verification has run in this Stage."
        columns={[
          'Freight',
          'Status',
          'Started',
          'Duration',
          'Started by',
          'Message',
          ACTIONS_COLUMN,
        ]}
        items={verifications}
        renderRow={v => {
          const name = v.analysisRun?.name;
          return (
            <TableRow key={v.id ?? v.startTime} selected={name === run}>
              <TableCell>
                {freightLabel(v.freight, model)}
                {v.current ? ' (current)' : ''}
              </TableCell>
              <TableCell>
                <KargoStatus status={v.phase ?? 'Pending'} />
              </TableCell>
              <TableCell>{v.startTime ?? ''}</TableCell>
              <TableCell>
                {durationBetween(v.startTime, v.finishTime) ?? ''}
              </TableCell>
              <TableCell>{v.actor ?? ''}</TableCell>
              <TableCell>{v.message ?? ''}</TableCell>
              <TableCell padding="none">
                {name && (
                  <Button
                    size="small"
                    aria-label={`AnalysisRun ${name}`}
                    onClick={() => setChosen(name)}
                  >
                    AnalysisRun
                  </Button>
                )}
              </TableCell>
            </TableRow>
          );
        }}
      />
      {run && (
        <Box mt={2}>
          <AnalysisRunDetails name={run} />
        </Box>
      )}
    </>
  );
}
