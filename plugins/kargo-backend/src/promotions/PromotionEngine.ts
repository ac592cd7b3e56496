import type { LoggerService } from '@backstage/backend-plugin-api';
import type { PromotionClaim, PromotionQueue } from '../database';
import { WorkLoop } from '../engine/WorkLoop';
import type { PromotionRunner } from './PromotionRunner';

/**
 * Claims Promotions that are due and runs up to `concurrency` of them at
 * once on this instance (each its Stage's oldest unfinished one).
 */
export class PromotionEngine extends WorkLoop<PromotionClaim> {
  constructor(options: {
    queue: PromotionQueue;
    runner: PromotionRunner;
    owner: string;
    leaseMs: number;
    concurrency: number;
    logger: LoggerService;
    clock?: () => number;
    /** Told after each run (its outcome made the Stage due). */
    afterRun?: () => void;
  }) {
    const { queue, runner, owner, leaseMs } = options;
    super({
      name: 'Promotion engine',
      concurrency: options.concurrency,
      logger: options.logger,
      clock: options.clock,
      source: {
        claim: limit => queue.claim({ owner, leaseMs, limit }),
        run: async (claim, signal) => {
          await runner.run(claim, signal);
          options.afterRun?.();
        },
        nextDueAt: () => queue.nextDueAt(),
        describe: claim => `Promotion "${claim.project}/${claim.name}"`,
      },
    });
  }
}
