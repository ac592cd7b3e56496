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
   * unless `showsErrorItself` (a dialog that keeps it in view).
   */
  run(
    label: string,
    act: () => Promise<unknown>,
    options?: { showsErrorItself?: boolean },
  ): Promise<Error | undefined>;
  /** Opens the promote dialog: this Freight into this Stage. */
  openPromote(stage: StageView, freight: KargoManifest): void;
  /** Shows the Freight timeline as the choice of Freight for a Stage. */
  startPromoteMode(stage: StageView): void;
};

const PipelineActionsContext = createContext<PipelineActions | undefined>(
  undefined,
);

export function PipelineActionsProvider(props: {
  value: PipelineActions;
  children: ReactNode;
}) {
  return (
    <PipelineActionsContext.Provider value={props.value}>
      {props.children}
    </PipelineActionsContext.Provider>
  );
}

export function usePipelineActions(): PipelineActions {
  const actions = useContext(PipelineActionsContext);
  if (!actions) {
    throw new Error('usePipelineActions needs a PipelineActionsProvider');
  }
  return actions;
}
