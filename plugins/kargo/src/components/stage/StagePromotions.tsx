import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import {
  PromotionStatus,
  TERMINAL_PROMOTION_PHASES,
} from '../../model/kargoTypes';
import type { PipelineModel } from '../../model/pipelineModel';
import { usePipelineActions } from '../actions';
import { Loaded, useDrawerData } from '../drawer';
import { StageApprovalFact, StageGateFacts } from '../gates';
import { PromotionsTable } from '../pipeline/PromotionsTable';
import { PromotionSteps } from './PromotionSteps';

/** How many of the Stage's newest Promotions the drawer lists. */
const STAGE_PROMOTIONS = 20;

/**
 * The Stage's Promotions, newest first, and the steps of the one chosen
 * (the newest until the user picks another).
 */
export function StagePromotions(props: {
  stage: string;
  model: PipelineModel;
}) {
  const { stage, model } = props;
  const { api, project } = usePipelineActions();
  const [chosen, setChosen] = useState<string>();
  const promotions = useDrawerData(
    () => api.listPromotions(project, { stage, limit: STAGE_PROMOTIONS }),
    [api, project, stage],
  );
  const view = model.stagesByName.get(stage);
  return (
    <>
      {view && (
        <Box mb={2}>
          <StageGateFacts stage={view} />
          <StageApprovalFact stage={view} />
        </Box>
      )}
      <Loaded state={promotions}>
        {({ items }) => {
          const shown =
            items.find(p => p.metadata.name === chosen) ??
            items[0] ??
            undefined;
          const phase = (shown?.status as PromotionStatus | undefined)?.phase;
          return (
            <>
              <PromotionsTable
                promotions={items}
                model={model}
                showStage={false}
                onShowSteps={setChosen}
                selected={shown?.metadata.name}
              />
              {shown && (
                <Box mt={2} component="section" aria-label="Promotion steps">
                  <Typography variant="h6">
                    Steps of {shown.metadata.name}
                  </Typography>
                  <PromotionSteps
                    promotion={shown.metadata.name}
                    running={!TERMINAL_PROMOTION_PHASES.has(phase ?? 'Pending')}
                  />
                </Box>
              )}
            </>
          );
        }}
      </Loaded>
    </>
  );
}
