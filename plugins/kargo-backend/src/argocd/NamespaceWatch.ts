import type { LoggerService } from '@backstage/backend-plugin-api';
import { Watch } from '@kubernetes/client-node';
import {
  APPLICATIONS_PLURAL,
  ARGOCD_GROUP,
  ARGOCD_VERSION,
  type Application,
} from './application';
import type { ArgoCDInstance } from './argocdSettings';
import { kubeConfigFor } from './kubeClient';

/** Reconnect delays after failures: 1 s doubling up to this. */
const MAX_BACKOFF_MS = 30_000;

type WatchEvent = {
  type: string;
  object: Application & { code?: number; message?: string };
};

/** One watch, kept open: resumed from the last resourceVersion it saw. */
export class NamespaceWatch {
  private resourceVersion: string | undefined;
  private controller: AbortController | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private connectedAt = 0;
  private stopped = false;

  constructor(
    private readonly instance: ArgoCDInstance,
    private readonly namespace: string,
    private readonly options: {
      onApplication: (name: string) => void;
      logger: LoggerService;
    },
  ) {}

  start() {
    void this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.controller?.abort();
  }

  private get where() {
    return `Argo CD Applications in namespace "${this.namespace}" at ${this.instance.url} (shard "${this.instance.shard}")`;
  }

  private async connect() {
    if (this.stopped) return;
    const path = `/apis/${ARGOCD_GROUP}/${ARGOCD_VERSION}/namespaces/${encodeURIComponent(
      this.namespace,
    )}/${APPLICATIONS_PLURAL}`;
    this.connectedAt = Date.now();
    try {
      this.controller = await new Watch(kubeConfigFor(this.instance)).watch(
        path,
        { allowWatchBookmarks: true, resourceVersion: this.resourceVersion },
        (type, object) => this.onEvent({ type, object }),
        error => this.onDone(error),
      );
    } catch (error) {
      this.onDone(error);
      return;
    }
    if (this.stopped) this.controller.abort();
  }

  private onEvent({ type, object }: WatchEvent) {
    if (type === 'ERROR') {
      // 410 Gone: the resourceVersion is too old; start over with a fresh
      // list (its ADDED events re-touch every Stage, covering the gap).
      if (object?.code === 410) this.resourceVersion = undefined;
      return;
    }
    if (this.failures) {
      this.options.logger.info(`Watching ${this.where} again`);
      this.failures = 0;
    }
    this.resourceVersion =
      object?.metadata?.resourceVersion ?? this.resourceVersion;
    if (type === 'BOOKMARK' || !object?.metadata?.name) return;
    this.options.onApplication(object.metadata.name);
  }

  private onDone(error: unknown) {
    if (this.stopped) return;
    // A watch the server ended normally (its timeout) resumes at once; one
    // that ends as soon as it starts is treated like a failure.
    let delay = Date.now() - this.connectedAt < 1000 ? 1000 : 0;
    if (error && (error as Error).name !== 'AbortError') {
      this.failures += 1;
      delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (this.failures - 1));
      if (this.failures === 1) {
        const code = (error as { statusCode?: number }).statusCode;
        this.options.logger.warn(
          `Cannot watch ${this.where}: ${
            code === 403
              ? `403 Forbidden: the token of ${this.instance.configPath} needs list and watch on applications.argoproj.io`
              : (error as Error).message ?? String(error)
          }; Stage health falls back to polling, retrying the watch with backoff`,
        );
      }
    }
    this.retryTimer = setTimeout(() => void this.connect(), delay);
    this.retryTimer.unref?.();
  }
}
