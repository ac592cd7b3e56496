import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { describeFreight } from '../../model/artifacts';
import {
  CREATE_ACTOR_ANNOTATION,
  PromotionSpec,
  PromotionStatus,
  RETRYABLE_PROMOTION_PHASES,
  TERMINAL_PROMOTION_PHASES,
} from '../../model/kargoTypes';
import type { PipelineModel } from '../../model/pipelineModel';
import { ActionButton, usePipelineActions } from '../actions';
import { KargoStatus } from '../status';
import { ACTIONS_COLUMN, ListTable } from '../table';

const FIRST_ROWS = 10;
function PromotionRow(props: {
  promotion: KargoManifest;
  model: PipelineModel;
}) {
  const { promotion, model } = props;
  const { project, api, run } = usePipelineActions();
  const name = promotion.metadata.name;
  const spec = (promotion.spec ?? {}) as PromotionSpec;
  const status = (promotion.status ?? {}) as PromotionStatus;
  const phase = status.phase ?? 'Pending';
  const freight = spec.freight
    ? model.freightByName.get(spec.freight)
    : undefined;
  const stage = spec.stage ? model.stagesByName.get(spec.stage) : undefined;
  const step = stage?.running?.name === name ? stage.running.step : undefined;
  return (
    <TableRow>
      <TableCell>{name}</TableCell>
      <TableCell>{spec.stage}</TableCell>
      <TableCell>
        {freight ? describeFreight(freight) : spec.freight?.slice(0, 7)}
      </TableCell>
      <TableCell title={status.message}>
        <KargoStatus status={phase} />
      </TableCell>
      <TableCell>
        {step ? `${step.number}/${step.count}: ${step.alias}` : ''}
      </TableCell>
      <TableCell>
        {promotion.metadata.annotations?.[CREATE_ACTOR_ANNOTATION] ?? ''}
      </TableCell>
      <TableCell padding="none" style={{ whiteSpace: 'nowrap' }}>
        {!TERMINAL_PROMOTION_PHASES.has(phase) && (
          <ActionButton
            kargoAction="abort"
            stage={spec.stage}
            onClick={() =>
              run(`Abort ${name}`, () => api.abortPromotion(project, name))
            }
          >
            Abort
          </ActionButton>
        )}
        {RETRYABLE_PROMOTION_PHASES.has(phase) && (
          <ActionButton
            kargoAction="retry"
            stage={spec.stage}
            onClick={() =>
              run(`Retry ${name}`, () => api.retryPromotion(project, name))
            }
          >
            Retry
          </ActionButton>
        )}
      </TableCell>
    </TableRow>
  );
}

/** The project's recent Promotions, newest first, with abort and retry. */
export function PromotionsTable(props: {
  promotions: KargoManifest[];
  model: PipelineModel;
}) {
  if (!props.promotions.length) {
    return <Typography color="textSecondary">No Promotions yet.</Typography>;
  }
  return (
    <ListTable
      label="Promotions"
      columns={[
        'Promotion',
        'Stage',
        'Freight',
        'Phase',
        'Step',
        'Started by',
        ACTIONS_COLUMN,
      ]}
      items={props.promotions}
      renderRow={p => (
        <PromotionRow key={p.metadata.name} promotion={p} model={props.model} />
      )}
      firstRows={FIRST_ROWS}
      itemsNoun="recent Promotions"
    />
  );
}
