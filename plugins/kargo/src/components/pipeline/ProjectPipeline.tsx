import { useSearchParams } from 'react-router-dom';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  KargoManifest,
  ProjectPipeline as ProjectPipelineAnswer,
} from '@kargo-backstage/plugin-kargo-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useDeferredValue, useMemo, useState } from 'react';
import { kargoApiRef } from '../../api';
import { usePipelineLiveUpdates } from '../../live';
import {
  buildPipelineModel,
  filterStages,
  StageView,
} from '../../model/pipelineModel';
import {
  PipelineActions,
  PipelineActionsProvider,
  PipelineDrawer,
  usePipelineActionRunner,
} from '../actions';
import { FreightTimeline } from '../freight/FreightTimeline';
import { PromoteDialog } from '../promote/PromoteDialog';
import { StageDrawer } from '../stage/StageDrawer';
import { WarehouseDrawer } from '../warehouse/WarehouseDrawer';
import { PipelineGraph } from './PipelineGraph';
import { ProjectFreezeControl } from '../gates';
import { PipelineToolbar, PipelineViewMode } from './PipelineToolbar';
import { PromotionsTable } from './PromotionsTable';
import { StagesTable } from './StagesTable';
import { WarehousesTable } from './WarehousesTable';

function Section(props: { title: string; children: React.ReactNode }) {
  return (
    <Box component="section" mt={3} aria-label={props.title}>
      <Typography variant="h6">{props.title}</Typography>
      {props.children}
    </Box>
  );
}

/**
 * One Kargo project's pipeline: Stages as a list or a graph, the Freight
 * timeline, Warehouses and recent Promotions, and every action on them.
 */
export function ProjectPipeline(props: {
  project: ProjectPipelineAnswer;
  reload(): void;
  reloadKey: number;
}) {
  const { project, reload, reloadKey } = props;
  const api = useApi(kargoApiRef);
  const model = useMemo(() => buildPipelineModel(project), [project]);
  const [query, setQuery] = useState('');
  // Typing stays responsive on big projects: filtering renders after.
  const deferredQuery = useDeferredValue(query);
  const stages = useMemo(
    () => filterStages(model.stages, deferredQuery),
    [model, deferredQuery],
  );
  const warehouseNames = useMemo(
    () => model.warehouses.map(w => w.metadata.name),
    [model],
  );
  // In the address (`?view=graph`): links and reloads keep the view.
  const [params, setParams] = useSearchParams();
  const view: PipelineViewMode =
    params.get('view') === 'graph' ? 'graph' : 'list';
  const setView = (next: PipelineViewMode) => {
    const updated = new URLSearchParams(params);
    if (next === 'list') updated.delete('view');
    else updated.set('view', next);
    setParams(updated, { replace: true });
  };
  const [promoteTargetName, setPromoteTargetName] = useState<string>();
  const [promoting, setPromoting] = useState<{
    stage: StageView;
    freight: KargoManifest;
  }>();
  const [drawer, setDrawer] = useState<PipelineDrawer>();
  const { busy, feedback, run, dismissFeedback } =
    usePipelineActionRunner(reload);

  usePipelineLiveUpdates({
    project: project.name,
    running: model.stages.some(s => s.running),
    reload,
    lastAnswer: model,
  });

  const actions = useMemo<PipelineActions>(
    () => ({
      project: project.name,
      api,
      busy,
      run,
      openPromote: (stage, freight) => setPromoting({ stage, freight }),
      startPromoteMode: stage => {
        // The timeline is behind the drawer: show it.
        setDrawer(undefined);
        setPromoteTargetName(stage.name);
      },
      openDrawer: setDrawer,
    }),
    [project.name, api, busy, run],
  );
  const feedbackAlert = feedback && (
    <Alert severity={feedback.severity} onClose={dismissFeedback}>
      {feedback.message}
    </Alert>
  );
  const drawerStage =
    drawer?.kind === 'Stage' ? model.stagesByName.get(drawer.name) : undefined;
  const promoteTarget = promoteTargetName
    ? model.stagesByName.get(promoteTargetName)
    : undefined;

  return (
    <PipelineActionsProvider value={actions} reloadKey={reloadKey}>
      <InfoCard title={`Kargo project ${project.name}`}>
        {feedbackAlert}
        {model.stages.length ? (
          <>
            <ProjectFreezeControl stages={project.stages} />
            <PipelineToolbar
              query={query}
              onQueryChange={setQuery}
              view={view}
              onViewChange={setView}
            />
            {!stages.length && (
              <Typography>No Stage matches "{deferredQuery}".</Typography>
            )}
            {stages.length > 0 && view === 'list' && (
              <StagesTable stages={stages} />
            )}
            {stages.length > 0 && view === 'graph' && (
              <PipelineGraph
                stages={stages}
                warehouses={warehouseNames}
                searching={Boolean(deferredQuery.trim())}
              />
            )}
          </>
        ) : (
          <Typography>This project has no Stages.</Typography>
        )}
        <Box mt={3}>
          <FreightTimeline
            model={model}
            promoteTarget={promoteTarget}
            onExitPromoteMode={() => setPromoteTargetName(undefined)}
            reloadKey={reloadKey}
          />
        </Box>
        <Section title="Warehouses">
          <WarehousesTable
            warehouses={model.warehouses}
            freightByName={model.freightByName}
          />
        </Section>
        <Section title="Recent Promotions">
          <PromotionsTable promotions={project.promotions} model={model} />
        </Section>
      </InfoCard>
      {drawerStage && (
        <StageDrawer
          stage={drawerStage}
          model={model}
          notice={feedbackAlert}
          onClose={() => setDrawer(undefined)}
        />
      )}
      {drawer?.kind === 'Warehouse' && (
        <WarehouseDrawer
          name={drawer.name}
          notice={feedbackAlert}
          onClose={() => setDrawer(undefined)}
        />
      )}
      {promoting && (
        <PromoteDialog
          stage={
            model.stagesByName.get(promoting.stage.name) ?? promoting.stage
          }
          freight={promoting.freight}
          onClose={() => setPromoting(undefined)}
          onPromoted={() => {
            setPromoting(undefined);
            setPromoteTargetName(undefined);
          }}
        />
      )}
    </PipelineActionsProvider>
  );
}
