import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  AppRef,
  ApplicationStageIndex,
  StageRef,
} from './ApplicationStageIndex';
import type { ArgoCDInstance, ArgoCDSettings } from './argocdSettings';
import { NamespaceWatch } from './NamespaceWatch';

/** Events of one burst (a sync writes several) become one touch. */
const COALESCE_MS = 10;

/**
 * Watches the Argo CD Applications that Stage health depends on and makes
 * those Stages due the moment one changes, so that health is re-evaluated
 * on change rather than on the next poll (Kargo users wait minutes: issues
 * #3258, #5920). One watch per instance and namespace that some Stage's
 * health actually reads, started as the index learns of them: namespaced
 * list/watch permission is enough. Polling stays as the fallback while a
 * watch is down.
 */
export class ApplicationWatches {
  private readonly watches = new Map<string, NamespaceWatch>();
  private readonly pending = new Map<string, StageRef>();
  private flushTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly options: {
      settings: ArgoCDSettings;
      index: ApplicationStageIndex;
      /** Makes the Stages due now. */
      touch: (stages: StageRef[]) => Promise<void>;
      logger: LoggerService;
    },
  ) {
    options.index.onNewApplication(app => this.ensure(app));
  }

  /** Stops every watch; no touch follows. */
  stop() {
    this.stopped = true;
    clearTimeout(this.flushTimer);
    for (const watch of this.watches.values()) watch.stop();
    this.watches.clear();
  }

  private ensure(app: AppRef) {
    const { settings } = this.options;
    if (this.stopped || !settings.enabled || !settings.watch) return;
    const key = `${app.shard}\u0000${app.namespace}`;
    if (this.watches.has(key)) return;
    let instance: ArgoCDInstance;
    try {
      instance = settings.instanceFor(app.shard);
    } catch {
      return; // the health check itself reports the missing instance
    }
    const watch = new NamespaceWatch(instance, app.namespace, {
      onApplication: name =>
        this.changed({ shard: app.shard, namespace: app.namespace, name }),
      logger: this.options.logger,
    });
    this.watches.set(key, watch);
    watch.start();
  }

  private changed(app: AppRef) {
    for (const stage of this.options.index.stagesFor(app)) {
      this.pending.set(`${stage.project}/${stage.name}`, stage);
    }
    if (this.pending.size && !this.flushTimer && !this.stopped) {
      this.flushTimer = setTimeout(() => this.flush(), COALESCE_MS);
    }
  }

  private flush() {
    this.flushTimer = undefined;
    const stages = [...this.pending.values()];
    this.pending.clear();
    this.options
      .touch(stages)
      .catch(error =>
        this.options.logger.warn(
          `Argo CD Application changed, but its Stages could not be made due: ${error}`,
        ),
      );
  }
}
