import {
  compilePromotionWindow,
  type CompiledWindow,
  type PromotionWindowSpec,
  promotionWindowStatus,
  type PromotionWindowStatus,
} from '@kargo-backstage/plugin-kargo-common';
import type { Freeze, Freezes, KargoStore, StoredResource } from '../database';
import {
  matchesNameOrLabelSelector,
  type NameOrLabelSelector,
} from '../selectors/stageSelector';

type WindowManifest = PromotionWindowSpec & {
  stageSelector?: NameOrLabelSelector;
  projectSelector?: NameOrLabelSelector;
};

/** Whether Promotions to a Stage may start now, and why not. */
export type GateState = {
  /** Why not, for messages and refusals; undefined when open. */
  blockedBy?: string;
  /** The freezes in force (project-wide first). */
  freezes: Freeze[];
  /** Kargo's advisory `status.promotionWindowStatus`. */
  windows: PromotionWindowStatus;
};

/** Why no Promotion may start: a freeze first, then the windows. */
function blockedBy(
  project: string,
  stage: string,
  [freeze]: Freeze[],
  windows: PromotionWindowStatus,
): string | undefined {
  if (freeze) {
    const what = freeze.stage ? `Stage "${stage}"` : `project "${project}"`;
    return `${what} is frozen by ${freeze.actor} since ${freeze.createdAt}: ${freeze.reason}`;
  }
  if (windows.closed) {
    const opens = windows.nextOpen ? `; it opens at ${windows.nextOpen}` : '';
    return `the promotion window schedule is closed: ${windows.reason}${opens}`;
  }
  return undefined;
}

const labelsOf = (r: StoredResource | undefined) =>
  (r?.metadata.labels ?? {}) as Record<string, string>;

/** Compiled windows, by their manifest text (windows change rarely). */
const compiled = new Map<string, CompiledWindow>();
function compile(window: WindowManifest): CompiledWindow | undefined {
  const key = JSON.stringify(window);
  let result = compiled.get(key);
  if (!result) {
    try {
      result = compilePromotionWindow(window);
    } catch {
      // Validated when applied; one that slipped through gates nothing.
      return undefined;
    }
    if (compiled.size > 1000) compiled.clear();
    compiled.set(key, result);
  }
  return result;
}

/**
 * The gates in front of every Promotion — manual, automatic, applied as a
 * manifest — beyond Freight availability: emergency freezes of the project
 * or Stage, and Kargo's promotion windows (ProjectConfig and ClusterConfig
 * `promotionWindows`, Kargo Enterprise's format). Checked at admission and
 * again when a queued Promotion would start.
 */
export class PromotionGate {
  constructor(
    private readonly store: KargoStore,
    private readonly freezes: Freezes,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Forgets freezes of deleted projects and Stages. */
  prune(): Promise<number> {
    return this.freezes.prune();
  }

  async check(
    project: string,
    stage: string,
    now = this.clock(),
  ): Promise<GateState> {
    const freezes = await this.freezes.affecting(project, stage);
    const windows = promotionWindowStatus(
      await this.windowsFor(project, stage),
      now,
    );
    return {
      blockedBy: blockedBy(project, stage, freezes, windows),
      freezes,
      windows,
    };
  }

  /** The windows of the ProjectConfig and ClusterConfig matching the Stage. */
  private async windowsFor(
    project: string,
    stageName: string,
  ): Promise<CompiledWindow[]> {
    const [projectConfig, clusterConfig] = await Promise.all([
      this.store.getResource({ kind: 'ProjectConfig', project, name: project }),
      this.store.getResource({
        kind: 'ClusterConfig',
        project: '',
        name: 'cluster',
      }),
    ]);
    const own = (projectConfig?.spec.promotionWindows ??
      []) as WindowManifest[];
    const shared = (clusterConfig?.spec.promotionWindows ??
      []) as WindowManifest[];
    if (!own.length && !shared.length) return [];
    const [stage, projectResource] = await Promise.all([
      this.store.getResource({ kind: 'Stage', project, name: stageName }),
      shared.length
        ? this.store.getResource({ kind: 'Project', project, name: project })
        : undefined,
    ]);
    const stageTarget = { name: stageName, labels: labelsOf(stage) };
    const projectTarget = { name: project, labels: labelsOf(projectResource) };
    return [
      ...own.filter(w =>
        matchesNameOrLabelSelector(w.stageSelector, stageTarget),
      ),
      ...shared.filter(
        w =>
          matchesNameOrLabelSelector(w.projectSelector, projectTarget) &&
          matchesNameOrLabelSelector(w.stageSelector, stageTarget),
      ),
    ]
      .map(compile)
      .filter((w): w is CompiledWindow => !!w);
  }
}
