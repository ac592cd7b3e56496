import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import type { KargoStore, StoredResource } from '../database';
import type { PromotionRequest } from '../promotions/PromotionCreator';
import { toContent } from '../manifests/conversion';
import { projectStages } from './stagesAffectedBy';
import {
  downstreamStages,
  freightAvailability,
  isControlFlowStage,
  requestedFreightOf,
} from './freightAvailability';
import {
  ABORT_ANNOTATION,
  currentCollection,
  isTerminalVerification,
  REVERIFY_ANNOTATION,
} from './verification';

type StageRef = { project: string; name: string };

/**
 * The Stage actions behind the API besides promoting: manual approval,
 * re-verify, abort verification, refresh, and promote downstream.
 * Permission checks and audit are the router's; this is what they guard.
 */
export class StageService {
  constructor(
    private readonly options: {
      store: KargoStore;
      /** Makes Stages due now (reconciliation). */
      touch: (stages: StageRef[]) => Promise<void>;
      /** Creates a Promotion as the promote endpoint does. */
      promote: (
        project: string,
        stage: string,
        request: PromotionRequest,
        actor: string,
      ) => Promise<StoredResource>;
      clock?: () => number;
    },
  ) {}

  private now() {
    return (this.options.clock ?? Date.now)();
  }

  async stage(project: string, name: string): Promise<StoredResource> {
    const stage = await this.options.store.getResource({
      kind: 'Stage',
      project,
      name,
    });
    if (!stage) throw new NotFoundError(`Stage "${project}/${name}" not found`);
    return stage;
  }

  async freight(project: string, nameOrAlias: string) {
    const freight = await this.options.store.getFreight(project, nameOrAlias);
    if (!freight) {
      throw new NotFoundError(
        `Freight "${nameOrAlias}" not found in project "${project}"`,
      );
    }
    return freight;
  }

  /**
   * Kargo's manual approval: the Freight becomes available to a Stage that
   * requests its origin, bypassing verification and soak. No Promotion is
   * created. Recorded with when, and (beyond Kargo) by whom.
   */
  async approve(
    project: string,
    freightKey: string,
    stageName: string,
    actor: string,
  ): Promise<StoredResource> {
    const stage = await this.stage(project, stageName);
    const freight = await this.freight(project, freightKey);
    if (
      !requestedFreightOf(stage).some(r => r.origin.name === freight.origin)
    ) {
      throw new InputError(
        `stage: Stage "${stageName}" does not request Freight from Warehouse "${freight.origin}"`,
      );
    }
    const approved = await this.options.store.updateStatusWith(
      { kind: 'Freight', project, name: freight.name },
      current => {
        const approvedFor = (current.status.approvedFor ?? {}) as JsonObject;
        if (approvedFor[stageName]) return current.status;
        return {
          ...current.status,
          approvedFor: {
            ...approvedFor,
            [stageName]: {
              approvedAt: new Date(this.now()).toISOString(),
              approvedBy: actor,
            },
          },
        };
      },
    );
    await this.options.touch([{ project, name: stageName }]);
    return approved;
  }

  /**
   * Rejects Freight for one Stage, or (no stage) for the whole project:
   * neither a person nor auto-promotion can promote it there any more, and
   * nothing passes it on through control-flow Stages. Queued Promotions of
   * it fail when they would start. `reason` is shown wherever it is refused.
   */
  async reject(
    project: string,
    freightKey: string,
    stageName: string | undefined,
    reason: string,
    actor: string,
  ): Promise<StoredResource> {
    if (!reason.trim()) {
      throw new InputError(
        'reason: required, why this Freight must not be promoted',
      );
    }
    if (stageName) await this.stage(project, stageName);
    const freight = await this.freight(project, freightKey);
    const rejection = {
      rejectedBy: actor,
      rejectedAt: new Date(this.now()).toISOString(),
      reason: reason.trim(),
    };
    const rejected = await this.options.store.updateStatusWith(
      { kind: 'Freight', project, name: freight.name },
      current =>
        stageName
          ? {
              ...current.status,
              rejectedFor: {
                ...((current.status.rejectedFor ?? {}) as JsonObject),
                [stageName]: rejection,
              },
            }
          : { ...current.status, rejected: rejection },
    );
    await this.touchAfterRejection(project, stageName);
    return rejected;
  }

  /** Lifts a rejection made by {@link StageService.reject}. */
  async unreject(
    project: string,
    freightKey: string,
    stageName: string | undefined,
  ): Promise<StoredResource> {
    const freight = await this.freight(project, freightKey);
    const rejectedFor = (freight.status.rejectedFor ?? {}) as JsonObject;
    if (stageName ? !rejectedFor[stageName] : !freight.status.rejected) {
      throw new NotFoundError(
        `Freight "${freight.alias ?? freight.name}" is not rejected for ${
          stageName ? `Stage "${stageName}"` : 'the whole project'
        }`,
      );
    }
    const lifted = await this.options.store.updateStatusWith(
      { kind: 'Freight', project, name: freight.name },
      current => {
        const next: JsonObject = { ...current.status };
        if (stageName) {
          const { [stageName]: _, ...rest } = (next.rejectedFor ??
            {}) as JsonObject;
          if (Object.keys(rest).length) next.rejectedFor = rest;
          else delete next.rejectedFor;
        } else {
          delete next.rejected;
        }
        return next;
      },
    );
    await this.touchAfterRejection(project, stageName);
    return lifted;
  }

  /** What may take the Freight changed: the Stage, or all of the project's. */
  private async touchAfterRejection(project: string, stageName?: string) {
    await this.options.touch(
      stageName
        ? [{ project, name: stageName }]
        : await projectStages(this.options.store, project),
    );
  }

  /** Re-runs the verification of the Stage's current Freight. */
  async reverify(project: string, name: string, actor: string) {
    const stage = await this.stage(project, name);
    const last = currentCollection(stage)?.verificationHistory?.[0];
    if (!last) {
      throw new ConflictError(
        `Stage "${project}/${name}" has no verification of its current Freight to run again`,
      );
    }
    if (!isTerminalVerification(last.phase)) {
      throw new ConflictError(
        `the verification of Stage "${project}/${name}" is still ${last.phase}`,
      );
    }
    return this.request(stage, REVERIFY_ANNOTATION, last.id, actor);
  }

  /** Aborts the running verification of the Stage's current Freight. */
  async abortVerification(project: string, name: string, actor: string) {
    const stage = await this.stage(project, name);
    const last = currentCollection(stage)?.verificationHistory?.[0];
    if (!last || isTerminalVerification(last.phase)) {
      throw new ConflictError(
        `Stage "${project}/${name}" has no verification running`,
      );
    }
    return this.request(stage, ABORT_ANNOTATION, last.id, actor);
  }

  /** Kargo's request annotations, read by the Stage's reconciliation. */
  private async request(
    stage: StoredResource,
    annotation: string,
    id: string,
    actor: string,
  ) {
    const { store } = this.options;
    const key = {
      kind: 'Stage' as const,
      project: stage.project,
      name: stage.name,
    };
    let current = stage;
    for (let attempt = 0; ; attempt++) {
      const content = toContent({
        kind: 'Stage',
        metadata: {
          ...current.metadata,
          name: current.name,
          namespace: current.project,
          annotations: {
            ...(current.metadata.annotations as JsonObject | undefined),
            [annotation]: JSON.stringify({ id, actor }),
          },
        },
        spec: current.spec,
      } as never);
      try {
        const updated = await store.updateResource(key, content, {
          expectedResourceVersion: current.resourceVersion,
        });
        await this.options.touch([
          { project: stage.project, name: stage.name },
        ]);
        return updated;
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt >= 4) throw error;
        current = await this.stage(stage.project, stage.name);
      }
    }
  }

  async refresh(project: string, name: string) {
    const stage = await this.stage(project, name);
    await this.options.touch([{ project, name }]);
    return stage;
  }

  /**
   * Kargo's promote downstream: a Promotion of the Freight into every Stage
   * immediately downstream that requests its origin. All must be able to
   * take it, or none is promoted; control-flow Stages need none (they pass
   * it on by themselves).
   */
  async promoteDownstream(
    project: string,
    stageName: string,
    request: PromotionRequest,
    actor: string,
    /** Refuses (throws) unless the caller may promote into all of them. */
    authorize: (stages: string[]) => Promise<void> = async () => {},
  ): Promise<StoredResource[]> {
    const key = request.freight ?? request.freightAlias;
    if (
      (request.freight === undefined) ===
      (request.freightAlias === undefined)
    ) {
      throw new InputError('give exactly one of freight or freightAlias');
    }
    await this.stage(project, stageName);
    const freight = await this.freight(project, String(key));
    const downstream = await downstreamStages(
      this.options.store,
      project,
      stageName,
      freight.origin,
    );
    if (!downstream.length) {
      throw new InputError(`Stage "${stageName}" has no downstream Stages`);
    }
    await authorize(downstream.map(s => s.name));
    const now = this.now();
    for (const stage of downstream) {
      const a = freightAvailability(
        freight,
        stage.name,
        requestedFreightOf(stage),
        now,
      );
      if (!a.available) {
        throw new InputError(
          `Freight "${
            freight.alias ?? freight.name
          }" is not available to downstream Stage "${stage.name}": ${a.reason}`,
        );
      }
    }
    const created: StoredResource[] = [];
    for (const stage of downstream.filter(s => !isControlFlowStage(s))) {
      created.push(
        await this.options.promote(
          project,
          stage.name,
          { freight: freight.name },
          actor,
        ),
      );
    }
    return created;
  }
}
