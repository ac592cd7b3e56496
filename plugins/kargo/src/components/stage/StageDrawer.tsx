import type { ReactNode } from 'react';
import type { PipelineModel, StageView } from '../../model/pipelineModel';
import { StageActions, usePipelineActions } from '../actions';
import { DetailsDrawer, loadedTab, useDrawerData } from '../drawer';
import { ManifestYaml } from '../manifest/ManifestYaml';
import { FreightHistoryTable } from './FreightHistoryTable';
import { StageAuditTrail } from './StageAuditTrail';
import { StagePromotions } from './StagePromotions';
import { StageVerifications } from './StageVerifications';

/**
 * A Stage's details: its Promotions with their steps, verifications,
 * Freight history, who decided what (audit) and manifest, and the Stage's
 * actions.
 */
export function StageDrawer(props: {
  stage: StageView;
  model: PipelineModel;
  /** The outcome of the last action, shown at the top. */
  notice?: ReactNode;
  onClose(): void;
}) {
  const { stage, model, onClose } = props;
  const { api, project } = usePipelineActions();
  // The pipeline carries only the current Freight of each Stage: the
  // history (up to 10 entries) is on the Stage itself.
  const manifest = useDrawerData(
    () => api.getStage(project, stage.name),
    [api, project, stage.name],
  );
  return (
    <DetailsDrawer
      title={`Stage ${stage.name}`}
      actions={<StageActions stage={stage} />}
      notice={props.notice}
      onClose={onClose}
      tabs={[
        {
          label: 'Promotions',
          render: () => <StagePromotions stage={stage.name} model={model} />,
        },
        {
          label: 'Verifications',
          render: loadedTab(manifest, m => (
            <StageVerifications stage={m} model={model} />
          )),
        },
        {
          label: 'Freight history',
          render: loadedTab(manifest, m => (
            <FreightHistoryTable stage={m} model={model} />
          )),
        },
        {
          label: 'Audit',
          render: () => <StageAuditTrail stage={stage.name} model={model} />,
        },
        {
          label: 'Manifest',
          render: loadedTab(manifest, m => <ManifestYaml manifest={m} />),
        },
      ]}
    />
  );
}
