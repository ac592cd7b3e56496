import { ConflictError, NotFoundError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import type {
  KargoStore,
  PromotionLogLine,
  PromotionQueue,
  StoredResource,
} from '../database';
import { recordPromotionOutcome, TERMINAL_PHASES } from './promotionOutcome';
import type { PromotionGate } from './PromotionGate';
import { PromotionCreator, PromotionRequest } from './PromotionCreator';
import type { StepMeta } from './stepStatus';

/** A step as the API shows it: Kargo's metadata, its output and its log. */
export type PromotionStepView = StepMeta & {
  index: number;
  uses?: string;
  output?: JsonObject;
  logs: Array<{ at: string; message: string }>;
};

/**
 * The actions on Promotions behind the API: create (and retry), abort, and
 * the per-step view with outputs and logs. Permission checks and audit are
 * the router's; this is what they guard.
 */
export class PromotionService {
  private readonly creator: PromotionCreator;

  constructor(
    private readonly store: KargoStore,
    private readonly queue: PromotionQueue,
    private readonly wake: () => void,
    private readonly clock: () => number = Date.now,
    /** Freezes and promotion windows; none when absent. */
    private readonly gate?: PromotionGate,
  ) {
    this.creator = new PromotionCreator(queue, clock);
  }

  /**
   * Admits and queues a Promotion: manual, automatic, retried or
   * downstream. A frozen Stage or a closed promotion window refuses it
   * (409), as Kargo's admission refuses Promotions outside their windows.
   */
  async create(
    project: string,
    stage: string,
    request: PromotionRequest,
    actor: string,
  ): Promise<StoredResource> {
    await this.checkGate(project, stage);
    const created = await this.creator.create(project, stage, request, actor);
    this.wake();
    return created;
  }

  /** Throws ConflictError when the gate is closed for the Stage. */
  async checkGate(project: string, stage: string): Promise<void> {
    const blocked = (await this.gate?.check(project, stage))?.blockedBy;
    if (blocked) {
      throw new ConflictError(
        `Promotions to Stage "${project}/${stage}" are not allowed now: ${blocked}`,
      );
    }
  }

  /** A new Promotion of the same Freight to the same Stage. */
  async retry(
    project: string,
    name: string,
    actor: string,
  ): Promise<StoredResource> {
    const promotion = await this.get(project, name);
    if (!TERMINAL_PHASES.has(String(promotion.status.phase))) {
      throw new ConflictError(
        `Promotion "${project}/${name}" is ${promotion.status.phase}; only a finished Promotion can be retried`,
      );
    }
    return this.create(
      project,
      promotion.stage!,
      { freight: String(promotion.spec.freight) },
      actor,
    );
  }

  /**
   * Pending and Running Promotions can be aborted. One that no instance
   * holds ends here and now; a running one ends at its owner's next
   * heartbeat (seconds), its current step marked Aborted.
   */
  async abort(
    project: string,
    name: string,
    actor: string,
  ): Promise<StoredResource> {
    const result = await this.queue.transaction(
      async (store, queue, stages) => {
        const key = { kind: 'Promotion' as const, project, name };
        const promotion = await store.getResource(key);
        if (!promotion)
          throw new NotFoundError(`Promotion "${project}/${name}" not found`);
        if (TERMINAL_PHASES.has(String(promotion.status.phase))) {
          throw new ConflictError(
            `Promotion "${project}/${name}" already ended (${promotion.status.phase})`,
          );
        }
        const request = await queue.requestAbort(project, name, actor);
        if (
          request.state !== 'unclaimed' ||
          !(await queue.finishUnclaimed(project, name))
        ) {
          return promotion;
        }
        const now = this.clock();
        const status: JsonObject = {
          ...promotion.status,
          phase: 'Aborted',
          message: `aborted by ${actor}`,
          finishedAt: new Date(now).toISOString(),
        };
        const metas = [
          ...((promotion.status.stepExecutionMetadata ?? []) as StepMeta[]),
        ];
        const current = metas[Number(promotion.status.currentStep ?? 0)];
        if (current && !current.finishedAt) {
          metas[Number(promotion.status.currentStep ?? 0)] = {
            ...current,
            status: 'Aborted',
            finishedAt: status.finishedAt as string,
          };
          status.stepExecutionMetadata = metas;
        }
        const updated = await store.updateStatus(key, status);
        await recordPromotionOutcome(store, stages, promotion, status, now);
        return updated;
      },
    );
    this.wake();
    return result;
  }

  async steps(project: string, name: string): Promise<PromotionStepView[]> {
    const promotion = await this.get(project, name);
    const logs = await this.queue.readLogs(project, name);
    const metas = (promotion.status.stepExecutionMetadata ?? []) as StepMeta[];
    const state = (promotion.status.state ?? {}) as Record<string, JsonObject>;
    const steps = (promotion.spec.steps ?? []) as Array<{
      uses?: string;
      as?: string;
    }>;
    return steps.map((step, index) => {
      const alias = step.as ?? `step-${index}`;
      return {
        ...(metas[index] ?? { alias, errorCount: 0 }),
        index,
        uses: step.uses,
        output: state[alias],
        logs: logs
          .filter((l: PromotionLogLine) => l.step === index)
          .map(l => ({ at: new Date(l.at).toISOString(), message: l.message })),
      };
    });
  }

  /** The Promotion, or NotFoundError. */
  async get(project: string, name: string): Promise<StoredResource> {
    const promotion = await this.store.getResource({
      kind: 'Promotion',
      project,
      name,
    });
    if (!promotion)
      throw new NotFoundError(`Promotion "${project}/${name}" not found`);
    return promotion;
  }
}
