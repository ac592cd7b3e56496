/** A Stage, as the Stage queue names it. */
export type StageRef = { project: string; name: string };

/** An Argo CD Application of one instance (shard). */
export type AppRef = { shard: string; namespace: string; name: string };

/**
 * Pairs not seen by a health check for this long are forgotten: a Stage
 * checks its Applications at least every minute while it has checks, so
 * only Stages that no longer watch an Application fall out.
 */
const FORGET_AFTER_MS = 10 * 60_000;

const appKey = (app: AppRef) =>
  `${app.shard}\u0000${app.namespace}/${app.name}`;
const stageKey = (stage: StageRef) => `${stage.project}/${stage.name}`;

/**
 * Which Stages' health depends on which Applications, as the Argo CD health
 * checker last saw it. Kargo's controller keeps the same index (Stages by
 * the Applications their health checks name) so that a change to an
 * Application requeues exactly the Stages that read it. In memory: after a
 * restart it fills again as Stages are reconciled, and until then the
 * reconciler's own polling covers them.
 */
export class ApplicationStageIndex {
  private readonly byApp = new Map<
    string,
    Map<string, { stage: StageRef; seenAt: number }>
  >();
  private readonly listeners: Array<(app: AppRef) => void> = [];

  /** The Stage's health check read the Application just now. */
  record(app: AppRef, stage: StageRef, now = Date.now()) {
    const key = appKey(app);
    let stages = this.byApp.get(key);
    if (!stages) {
      this.byApp.set(key, (stages = new Map()));
      for (const listener of this.listeners) listener(app);
    }
    stages.set(stageKey(stage), { stage, seenAt: now });
  }

  /** The Stages whose health read the Application recently. */
  stagesFor(app: AppRef, now = Date.now()): StageRef[] {
    const key = appKey(app);
    const stages = this.byApp.get(key);
    if (!stages) return [];
    const found: StageRef[] = [];
    for (const [k, entry] of stages) {
      if (now - entry.seenAt > FORGET_AFTER_MS) stages.delete(k);
      else found.push(entry.stage);
    }
    if (!stages.size) this.byApp.delete(key);
    return found;
  }

  /** Hears of every Application the index starts tracking. */
  onNewApplication(listener: (app: AppRef) => void) {
    this.listeners.push(listener);
  }
}
