import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  type KargoKind,
  type KargoProjectSignal,
  kargoProjectSignalChannel,
} from '@kargo-backstage/plugin-kargo-common';

export type ProjectChangeSignalsOptions = {
  signals: SignalsService;
  logger: LoggerService;
  /**
   * A project's signal goes out once its writes have been quiet this long:
   * a reconciliation writes several rows, and a write inside a transaction
   * is reported before its commit — the page must not re-read too early.
   */
  quietMs?: number;
  /** …but never later than this after its first unpublished write. */
  maxDelayMs?: number;
};

type Pending = {
  kinds: Set<KargoKind>;
  firstAt: number;
  timer: NodeJS.Timeout;
};

/**
 * Publishes a Backstage signal on `kargo:project:<name>` when a project's
 * resources change, so open entity tabs re-read the pipeline at once
 * instead of on their next poll. Bursts coalesce into one signal per
 * project. The signal carries only the project and the kinds that changed:
 * what the page then reads goes through the permission-checked API.
 */
export class ProjectChangeSignals {
  private readonly pending = new Map<string, Pending>();
  private readonly quietMs: number;
  private readonly maxDelayMs: number;
  private failing = false;
  private stopped = false;

  constructor(private readonly options: ProjectChangeSignalsOptions) {
    this.quietMs = options.quietMs ?? 150;
    this.maxDelayMs = options.maxDelayMs ?? 1000;
  }

  /** A write touched the project (the store's change listener). */
  changed = (project: string, kind: KargoKind): void => {
    if (this.stopped) return;
    const now = Date.now();
    const pending = this.pending.get(project);
    if (pending) {
      pending.kinds.add(kind);
      clearTimeout(pending.timer);
      pending.timer = this.schedule(project, pending.firstAt, now);
      return;
    }
    this.pending.set(project, {
      kinds: new Set([kind]),
      firstAt: now,
      timer: this.schedule(project, now, now),
    });
  };

  /** Publishes nothing more; drops what is waiting (shutdown). */
  stop(): void {
    this.stopped = true;
    for (const pending of this.pending.values()) clearTimeout(pending.timer);
    this.pending.clear();
  }

  private schedule(project: string, firstAt: number, now: number) {
    const delay = Math.max(
      0,
      Math.min(this.quietMs, firstAt + this.maxDelayMs - now),
    );
    const timer = setTimeout(() => this.publish(project), delay);
    // Never what keeps the process alive.
    timer.unref();
    return timer;
  }

  private async publish(project: string): Promise<void> {
    const pending = this.pending.get(project);
    if (!pending) return;
    this.pending.delete(project);
    const message: KargoProjectSignal = {
      project,
      kinds: [...pending.kinds].sort(),
    };
    try {
      await this.options.signals.publish({
        recipients: { type: 'broadcast' },
        channel: kargoProjectSignalChannel(project),
        message,
      });
      if (this.failing) {
        this.failing = false;
        this.options.logger.info('Kargo project signals are published again');
      }
    } catch (error) {
      // Pages fall back to polling; say so once, not for every write.
      if (!this.failing) {
        this.failing = true;
        this.options.logger.warn(
          `Cannot publish Kargo project signals (pages fall back to polling): ${
            (error as Error).message
          }`,
        );
      }
    }
  }
}
