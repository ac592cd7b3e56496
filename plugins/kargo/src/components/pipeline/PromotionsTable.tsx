import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import Button from '@material-ui/core/Button';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import { describeFreight } from '../../model/artifacts';
import { durationBetween } from '../../model/duration';
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

type PromotionRowOptions = {
  /** False in a Stage's own list, where the Stage goes without saying. */
  showStage: boolean;
  /** Shows the Promotion's steps (the Stage drawer), if offered. */
  onShowSteps?(name: string): void;
  /** The Promotion whose steps are shown. */
  selected?: string;
};

function PromotionRow(
  props: PromotionRowOptions & {
    promotion: KargoManifest;
    model: PipelineModel;
  },
) {
  const { promotion, model, showStage, onShowSteps } = props;
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
    <TableRow selected={props.selected === name}>
      <TableCell>{name}</TableCell>
      {showStage && <TableCell>{spec.stage}</TableCell>}
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
      <TableCell>
        {durationBetween(status.startedAt, status.finishedAt) ?? ''}
      </TableCell>
      <TableCell padding="none" style={{ whiteSpace: 'nowrap' }}>
        {onShowSteps && (
          <Button
            size="small"
            aria-label={`Steps of ${name}`}
            onClick={() => onShowSteps(name)}
          >
            Steps
          </Button>
        )}
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

/** Promotions, newest first, with abort and retry (and their steps). */
export function PromotionsTable(
  props: Partial<PromotionRowOptions> & {
    promotions: KargoManifest[];
    model: PipelineModel;
  },
) {
  const { promotions, model, showStage = true, ...options } = props;
  return (
    <ListTable
      label="Promotions"
      emptyText="No Promotions yet."
      columns={[
        'Promotion',
        ...(showStage ? ['Stage'] : []),
        'Freight',
        'Phase',
        'Step',
        'Started by',
        'Duration',
        ACTIONS_COLUMN,
      ]}
      items={promotions}
      renderRow={p => (
        <PromotionRow
          key={p.metadata.name}
          promotion={p}
          model={model}
          showStage={showStage}
          {...options}
        />
      )}
      firstRows={FIRST_ROWS}
      itemsNoun="Promotions"
    />
  );
}
