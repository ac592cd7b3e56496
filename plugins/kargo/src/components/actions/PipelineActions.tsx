import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import { createContext, ReactNode, useContext } from 'react';
import type { KargoApi } from '../../api';
import type { StageView } from '../../model/pipelineModel';

/** The outcome of the last action, shown above the pipeline. */
export type ActionFeedback = {
  severity: 'success' | 'error';
  message: string;
};

/**
 * What every button in a project's pipeline needs: the API, a way to run
 * an action (busy state, reload after, feedback), and the dialogs.
 */
export type PipelineActions = {
  project: string;
  api: KargoApi;
  /** Label of the action running now, if any: other buttons wait. */
  busy?: string;
  /**
   * Runs an action, then reloads the pipeline. Resolves to the error when
   * it failed (never throws); the error is also shown above the pipeline
   * unless `showsErrorItself` (a dialog that keeps it in view), and the
   * success too unless `showsOutcomeItself` (a form that says what it made).
   */
  run(
    label: string,
    act: () => Promise<unknown>,
    options?: { showsErrorItself?: boolean; showsOutcomeItself?: boolean },
  ): Promise<Error | undefined>;
  /** Opens the promote dialog: this Freight into this Stage. */
  openPromote(stage: StageView, freight: KargoManifest): void;
  /** Shows the Freight timeline as the choice of Freight for a Stage. */
  startPromoteMode(stage: StageView): void;
  /** Opens the drawer of a Stage or a Warehouse. */
  openDrawer(drawer: PipelineDrawer): void;
};

/** The Stage or Warehouse whose details are open beside the pipeline. */
export type PipelineDrawer = { kind: 'Stage' | 'Warehouse'; name: string };

const PipelineActionsContext = createContext<PipelineActions | undefined>(
  undefined,
);

/**
 * Changes each time the pipeline loads again, so that views loading more
 * (the drawers) load again with it. A context of its own: a reload
 * re-renders those views only, not every button of a 600-Stage pipeline.
 */
const ReloadKeyContext = createContext(0);

export function PipelineActionsProvider(props: {
  value: PipelineActions;
  reloadKey: number;
  children: ReactNode;
}) {
  return (
    <PipelineActionsContext.Provider value={props.value}>
      <ReloadKeyContext.Provider value={props.reloadKey}>
        {props.children}
      </ReloadKeyContext.Provider>
    </PipelineActionsContext.Provider>
  );
}

export function useReloadKey(): number {
  return useContext(ReloadKeyContext);
}

export function usePipelineActions(): PipelineActions {
  const actions = useContext(PipelineActionsContext);
  if (!actions) {
    throw new Error('usePipelineActions needs a PipelineActionsProvider');
  }
  return actions;
}
