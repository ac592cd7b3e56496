import {
  isCompleted,
  REFRESH_ANNOTATION,
  sourcesOf,
  type Application,
} from '../application';
import type { FakeKubernetesApi } from './fakeKubernetesApi';

/** How the fake controller treats one Application's syncs. */
export type SyncBehaviour = {
  /** How a sync ends (default Succeeded). */
  outcome?: 'Succeeded' | 'Failed' | 'Error';
  /** operationState.message when it ends. */
  message?: string;
  /** Health after a sync (default Healthy; Failed/Error keep the old one). */
  health?: string;
  /** What each source resolves to (default: its targetRevision). */
  revisions?: string[];
  /** Never finish operations: they stay Running. */
  hold?: boolean;
  /** Leave reconciledAt before finishedAt: health not reassessed yet. */
  staleReconcile?: boolean;
};

/** Argo CD writes times with second precision. */
const seconds = (date: Date) => `${date.toISOString().slice(0, 19)}Z`;

/**
 * A tiny Argo CD application controller over the fake API: it picks up a
 * requested `operation` (operationState Running), finishes it as the test
 * says (phase, finishedAt, syncResult revisions, sync and health status,
 * reconciledAt), removes `operation`, and honours hard-refresh requests by
 * reconciling. Runs when told to (`reconcile`) or on every write (`auto`).
 */
export class FakeArgoCDController {
  private readonly behaviours = new Map<string, SyncBehaviour>();
  private auto = false;

  constructor(
    private readonly api: FakeKubernetesApi,
    private readonly clock: () => Date = () => new Date(),
  ) {
    api.onChange(object => {
      if (this.auto && object.kind === 'Application') {
        setImmediate(() => this.reconcile());
      }
    });
  }

  behave(namespace: string, name: string, behaviour: SyncBehaviour) {
    this.behaviours.set(`${namespace}/${name}`, behaviour);
  }

  /** React to every change as a real controller would (engine tests). */
  runAutomatically() {
    this.auto = true;
  }

  /** Someone syncs from Argo CD's UI: an operation Running, not Kargo's. */
  startForeignOperation(namespace: string, name: string, username: string) {
    const app = this.app(namespace, name);
    const operation = { initiatedBy: { username }, sync: { revision: 'HEAD' } };
    app.operation = operation;
    app.status = {
      ...app.status,
      operationState: {
        operation,
        phase: 'Running',
        message: 'one or more tasks are running',
        startedAt: seconds(this.clock()),
      },
    };
    this.api.put(app);
  }

  /** One pass over every Application, like a controller's work queue. */
  reconcile() {
    for (const app of this.api.list<Application>('Application')) {
      const next = this.step(structuredClone(app));
      if (next) this.api.put(next);
    }
  }

  private app(namespace: string, name: string): Application {
    const app = this.api.get<Application>('Application', namespace, name);
    if (!app) throw new Error(`no Application ${namespace}/${name}`);
    return app;
  }

  /** The App after one reconciliation, or undefined when nothing changes. */
  private step(app: Application): Application | undefined {
    const behaviour =
      this.behaviours.get(`${app.metadata.namespace}/${app.metadata.name}`) ??
      {};
    const status = (app.status ??= {});
    let changed = false;
    const state = status.operationState;
    if (app.operation && (!state || isCompleted(state.phase))) {
      status.operationState = {
        operation: structuredClone(app.operation),
        phase: 'Running',
        message: 'one or more tasks are running',
        startedAt: seconds(this.clock()),
      };
      changed = true;
    }
    const running = status.operationState;
    if (running && !isCompleted(running.phase) && !behaviour.hold) {
      this.finish(app, behaviour);
      changed = true;
    } else if (
      app.metadata.annotations?.[REFRESH_ANNOTATION] &&
      !app.operation
    ) {
      status.reconciledAt = seconds(this.clock());
      changed = true;
    }
    if (
      changed &&
      app.metadata.annotations?.[REFRESH_ANNOTATION] &&
      !app.operation
    ) {
      delete app.metadata.annotations[REFRESH_ANNOTATION];
    }
    return changed ? app : undefined;
  }

  private finish(app: Application, behaviour: SyncBehaviour) {
    const status = app.status!;
    const state = status.operationState!;
    const now = this.clock();
    const outcome = behaviour.outcome ?? 'Succeeded';
    const sources = sourcesOf(app);
    const revisions = sources.map(
      (s, i) => behaviour.revisions?.[i] ?? s.targetRevision ?? 'HEAD',
    );
    const multi = (app.spec.sources?.length ?? 0) > 0;
    const revision = multi ? { revisions } : { revision: revisions[0] };
    state.phase = outcome;
    state.message =
      behaviour.message ??
      (outcome === 'Succeeded'
        ? 'successfully synced (all tasks run)'
        : 'one or more objects failed to apply');
    state.finishedAt = seconds(now);
    state.syncResult = {
      ...revision,
      ...(multi
        ? { sources: structuredClone(sources) }
        : { source: structuredClone(sources[0]) }),
    };
    if (outcome === 'Succeeded') {
      status.sync = { status: 'Synced', ...revision };
      status.health = { status: behaviour.health ?? 'Healthy' };
    } else {
      status.sync = { ...status.sync, status: 'OutOfSync' };
    }
    status.reconciledAt = behaviour.staleReconcile
      ? seconds(new Date(now.getTime() - 60_000))
      : seconds(now);
    delete app.operation;
  }
}
