import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import { memo } from 'react';
import type { StageView } from '../../model/pipelineModel';
import { StageActions } from '../actions';
import { StageApprovalFact, StageGateFacts } from '../gates';
import {
  describeAutoPromotion,
  HealthFact,
  KargoStatus,
  RunningPromotionFact,
  VerificationFact,
} from '../status';
import { ACTIONS_COLUMN, ListTable } from '../table';
import { StageName } from './StageName';

/** Rows rendered before "Show all": a 600-Stage project stays quick. */
const FIRST_ROWS = 100;

function StageRowView(props: { stage: StageView }) {
  const { stage } = props;
  return (
    <TableRow>
      <TableCell>
        <StageName stage={stage} />
        <StageGateFacts stage={stage} />
      </TableCell>
      <TableCell>{stage.sources}</TableCell>
      <TableCell>
        {stage.current.map(c => c.label).join(', ') || 'none yet'}
      </TableCell>
      <TableCell>
        <HealthFact stage={stage} />
      </TableCell>
      <TableCell>
        {stage.lastPromotion ? (
          <KargoStatus status={stage.lastPromotion.phase} />
        ) : (
          'never promoted'
        )}
      </TableCell>
      <TableCell>
        <VerificationFact stage={stage} />
      </TableCell>
      <TableCell>{describeAutoPromotion(stage)}</TableCell>
      <TableCell>
        <RunningPromotionFact stage={stage} />
        <StageApprovalFact stage={stage} />
      </TableCell>
      <TableCell padding="none" style={{ whiteSpace: 'nowrap' }}>
        <StageActions stage={stage} />
      </TableCell>
    </TableRow>
  );
}

const StageRow = memo(StageRowView);

/** The list view of the pipeline: one row per Stage, in pipeline order. */
export function StagesTable(props: { stages: StageView[] }) {
  return (
    <ListTable
      label="Stages"
      columns={[
        'Stage',
        'Takes Freight',
        'Current Freight',
        'Health',
        'Last Promotion',
        'Verification',
        'Auto-promotion',
        'Running Promotion',
        ACTIONS_COLUMN,
      ]}
      items={props.stages}
      renderRow={stage => <StageRow key={stage.name} stage={stage} />}
      firstRows={FIRST_ROWS}
      itemsNoun="Stages"
    />
  );
}
