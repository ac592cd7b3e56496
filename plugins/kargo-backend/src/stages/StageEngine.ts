import type { LoggerService } from '@backstage/backend-plugin-api';
import type { StageClaim, StageQueue } from '../database';
import { WorkLoop } from '../engine/WorkLoop';
import type { StageReconciler } from './StageReconciler';

/** After a reconciliation failed: try again this much later. */
const RETRY_AFTER_ERROR_MS = 10_000;

/**
 * Claims Stages that are due (an event touched them, or a poll they asked
 * for is due) and reconciles up to `concurrency` of them at once.
 */
export class StageEngine extends WorkLoop<StageClaim> {
  constructor(options: {
    queue: StageQueue;
    reconciler: StageReconciler;
    owner: string;
    leaseMs: number;
    concurrency: number;
    logger: LoggerService;
    clock?: () => number;
  }) {
    const { queue, reconciler, owner, leaseMs, logger } = options;
    const clock = options.clock ?? Date.now;
    super({
      name: 'Stage reconciliation',
      concurrency: options.concurrency,
      logger,
      clock,
      source: {
        claim: limit => queue.claimDue({ owner, leaseMs, limit }),
        run: async (claim, signal) => {
          let nextAt: number | undefined;
          // Short leases, renewed while a reconciliation runs (health checks
          // and measurements can take seconds): a dead instance's Stages are
          // taken over quickly.
          const heartbeat = setInterval(
            () =>
              void queue
                .renew(claim, owner, leaseMs)
                .catch(error =>
                  logger.warn(
                    `Stage "${claim.project}/${claim.name}": could not renew its claim: ${error}`,
                  ),
                ),
            Math.max(250, leaseMs / 3),
          );
          try {
            nextAt = await reconciler.reconcile(
              claim.project,
              claim.name,
              signal,
            );
          } catch (error) {
            logger.warn(
              `Stage "${claim.project}/${
                claim.name
              }": reconciliation failed, trying again in ${
                RETRY_AFTER_ERROR_MS / 1000
              } s: ${(error as Error).message}`,
            );
            nextAt = clock() + RETRY_AFTER_ERROR_MS;
          } finally {
            clearInterval(heartbeat);
          }
          await queue.complete(claim, owner, nextAt);
        },
        nextDueAt: () => queue.nextDueAt(),
        describe: claim => `Stage "${claim.project}/${claim.name}"`,
      },
    });
  }
}
