import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import type { KargoStore, PromotionQueue, StoredResource } from '../database';
import {
  describeRejection,
  isAvailableTo,
  rejectionOf,
  RequestedFreight,
} from '../stages/freightAvailability';
import { listFreightForStage } from '../stages/freightForStage';
import { inflateSteps, StepSpec, Var } from './inflateSteps';
import { promotionName } from './promotionName';

/** Which Freight to promote: exactly one of the three. */
export type PromotionRequest = {
  freight?: string;
  freightAlias?: string;
  /** The newest Freight from this Warehouse that is available to the Stage. */
  origin?: { kind?: string; name: string };
};

/** A Promotion written as a manifest, as the resources API receives it. */
export type PromotionManifest = {
  project: string;
  name: string;
  stage: string;
  freight: string;
  actor: string;
  steps?: StepSpec[];
  vars?: Var[];
  metadata?: JsonObject;
};

export const CREATE_ACTOR_ANNOTATION = 'kargo.akuity.io/create-actor';

/**
 * Creates Promotions the way Kargo's Promotion webhook admits them: the
 * Stage must have steps, the Freight must be available to it, the
 * template's task references are inflated into the Promotion's own steps,
 * and the Promotion is named and queued in the same transaction.
 */
export class PromotionCreator {
  constructor(
    private readonly queue: PromotionQueue,
    private readonly clock: () => number = Date.now,
  ) {}

  async create(
    project: string,
    stageName: string,
    request: PromotionRequest,
    actor: string,
  ): Promise<StoredResource> {
    const given = ['freight', 'freightAlias', 'origin'].filter(
      k => request[k as keyof PromotionRequest] !== undefined,
    );
    if (given.length !== 1) {
      throw new InputError(
        'give exactly one of freight (a Freight name), freightAlias or origin',
      );
    }
    return this.queue.transaction(async (store, queue) => {
      const stage = await this.requireStage(store, project, stageName, 'stage');
      const freight = await this.resolveFreight(
        store,
        project,
        stageName,
        request,
      );
      return this.admit(store, queue, {
        project,
        stage,
        freight,
        actor,
        fields: { stage: 'stage', freight: 'freight' },
      });
    });
  }

  /**
   * Runs `fn` in one transaction in which it can admit Promotions written
   * as manifests (the resources API), as Kargo's webhook admits a
   * `kubectl apply`-ed Promotion: same checks, inflation and queueing as
   * {@link PromotionCreator.create}, under the manifest's own name.
   */
  inTransaction<T>(
    fn: (
      store: KargoStore,
      admit: (manifest: PromotionManifest) => Promise<StoredResource>,
    ) => Promise<T>,
  ): Promise<T> {
    return this.queue.transaction((store, queue) =>
      fn(store, async manifest => {
        const { project, stage, freight: name } = manifest;
        const stageResource = await this.requireStage(
          store,
          project,
          stage,
          'spec.stage',
        );
        const freight = await store.getFreight(project, name);
        if (!freight || freight.name !== name) {
          throw new InputError(
            `spec.freight: Freight "${name}" does not exist in project "${project}"`,
          );
        }
        return this.admit(store, queue, {
          ...manifest,
          stage: stageResource,
          freight,
          fields: { stage: 'spec.stage', freight: 'spec.freight' },
        });
      }),
    );
  }

  private async requireStage(
    store: KargoStore,
    project: string,
    name: string,
    field: string,
  ): Promise<StoredResource> {
    const stage = await store.getResource({ kind: 'Stage', project, name });
    if (!stage) {
      if (field === 'stage') {
        throw new NotFoundError(`Stage "${project}/${name}" not found`);
      }
      throw new InputError(
        `${field}: Stage "${name}" does not exist in project "${project}"`,
      );
    }
    return stage;
  }

  /** The checks, inflation and queueing every new Promotion goes through. */
  private async admit(
    store: KargoStore,
    queue: PromotionQueue,
    input: {
      project: string;
      stage: StoredResource;
      freight: StoredResource;
      actor: string;
      name?: string;
      /** Steps written into the Promotion itself; else the Stage template's. */
      steps?: StepSpec[];
      vars?: Var[];
      metadata?: JsonObject;
      fields: { stage: string; freight: string };
    },
  ): Promise<StoredResource> {
    const { project, stage, freight, fields } = input;
    const stageName = stage.name;
    const template = (stage.spec.promotionTemplate as JsonObject | undefined)
      ?.spec as { steps?: StepSpec[]; vars?: Var[] } | undefined;
    const own = input.steps?.length ? input : undefined;
    if (!own && !template?.steps?.length) {
      throw new InputError(
        `${fields.stage}: Stage "${project}/${stageName}" has no promotion steps (spec.promotionTemplate.spec.steps): Freight reaches a control-flow Stage without a Promotion`,
      );
    }
    const requested = (stage.spec.requestedFreight ?? []) as RequestedFreight[];
    if (!requested.some(r => r.origin.name === freight.origin)) {
      throw new InputError(
        `${fields.freight}: Stage "${stageName}" does not request Freight from Warehouse "${freight.origin}"`,
      );
    }
    const rejection = rejectionOf(freight, stageName);
    if (rejection) {
      throw new ConflictError(
        `${fields.freight}: Freight "${
          freight.alias ?? freight.name
        }" cannot be promoted to Stage "${stageName}": ${describeRejection(
          rejection,
        )}`,
      );
    }
    if (!isAvailableTo(freight, stageName, requested)) {
      throw new InputError(
        `${fields.freight}: Freight "${
          freight.alias ?? freight.name
        }" is not available to Stage "${stageName}": it is neither verified in an upstream Stage nor approved for this one`,
      );
    }
    const source = own ?? template!;
    const steps = await inflateSteps(store, project, {
      steps: source.steps!,
      vars: source.vars,
    });
    const now = this.clock();
    const name = input.name ?? promotionName(stageName, freight.name, now);
    const spec: JsonObject = {
      stage: stageName,
      freight: freight.name,
      steps,
    };
    if (source.vars?.length) spec.vars = source.vars;
    const metadata = input.metadata ?? {};
    const created = await store.createResource(
      { kind: 'Promotion', project, name },
      {
        // The actor is the caller's, whatever the manifest says.
        metadata: {
          ...metadata,
          annotations: {
            ...(metadata.annotations as JsonObject | undefined),
            [CREATE_ACTOR_ANNOTATION]: input.actor,
          },
        },
        spec,
        stage: stageName,
        sortAt: now,
      },
      { phase: 'Pending', message: 'waiting to run' },
    );
    await queue.enqueue({ project, name, stage: stageName });
    return created;
  }

  private async resolveFreight(
    store: KargoStore,
    project: string,
    stage: string,
    request: PromotionRequest,
  ): Promise<StoredResource> {
    if (request.origin) {
      const origin = request.origin.name;
      if (request.origin.kind && request.origin.kind !== 'Warehouse') {
        throw new InputError('origin.kind: only Warehouse is supported');
      }
      const [newest] = (
        await listFreightForStage(store, project, stage, {
          origins: [origin],
          limit: 1,
        })
      ).items;
      if (newest) return newest;
      throw new NotFoundError(
        `no Freight from Warehouse "${origin}" is available to Stage "${project}/${stage}"`,
      );
    }
    const key = (request.freight ?? request.freightAlias)!;
    const field = request.freight !== undefined ? 'freight' : 'freightAlias';
    if (typeof key !== 'string' || !key) {
      throw new InputError(`${field}: must be a non-empty string`);
    }
    const freight = await store.getFreight(project, key);
    const matches =
      freight &&
      (field === 'freight' ? freight.name === key : freight.alias === key);
    if (!freight || !matches) {
      throw new NotFoundError(
        `Freight ${
          field === 'freight' ? '' : 'with alias '
        }"${key}" not found in project "${project}"`,
      );
    }
    return freight;
  }
}
