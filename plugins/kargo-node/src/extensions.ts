import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { JsonObject, JsonValue } from '@backstage/types';

/** What a promotion step is given when it runs. */
export type PromotionStepContext = {
  project: string;
  stage: string;
  promotion: string;
  /** The step's `config`, with every `${{ }}` expression already evaluated. */
  config: JsonObject;
  /** Working directory shared by the Promotion's steps. */
  workDir: string;
  /** Outputs this step recorded on an earlier attempt (for idempotence). */
  previousOutput?: JsonObject;
  signal: AbortSignal;
  log(message: string): void;
};

export type PromotionStepResult = {
  status: 'Succeeded' | 'Failed' | 'Running' | 'Skipped';
  message?: string;
  /** Recorded as `outputs.<alias>` for later steps. */
  output?: JsonObject;
};

/** A promotion step, addressed from manifests as `uses: <name>`. */
export interface PromotionStepRunner {
  /** The `uses:` name, e.g. `git-clone`. */
  readonly name: string;
  /** JSON Schema of the step's `config`, checked before the step runs. */
  readonly configSchema?: JsonObject;
  run(context: PromotionStepContext): Promise<PromotionStepResult>;
}

/** One discovered artifact revision of a generic subscription. */
export type ArtifactReference = {
  artifactType: string;
  subscriptionName: string;
  version: string;
  metadata?: { [key: string]: JsonValue };
};

/**
 * Discovers artifacts for Warehouse subscriptions of a kind the suite does
 * not build in: a subscription whose single key is `type` is handed here.
 */
export interface ArtifactSubscriber {
  /** The subscription key this subscriber handles. */
  readonly type: string;
  discover(options: {
    project: string;
    warehouse: string;
    subscriptionName: string;
    config: JsonObject;
    discoveryLimit: number;
    signal: AbortSignal;
  }): Promise<ArtifactReference[]>;
}

export interface KargoPromotionStepsExtensionPoint {
  addPromotionSteps(...steps: PromotionStepRunner[]): void;
}

export interface KargoArtifactSubscribersExtensionPoint {
  addArtifactSubscribers(...subscribers: ArtifactSubscriber[]): void;
}

/** Lets backend modules add promotion steps (`uses:` names) to the engine. */
export const kargoPromotionStepsExtensionPoint =
  createExtensionPoint<KargoPromotionStepsExtensionPoint>({
    id: 'kargo.promotion-steps',
  });

/** Lets backend modules add Warehouse subscription types. */
export const kargoArtifactSubscribersExtensionPoint =
  createExtensionPoint<KargoArtifactSubscribersExtensionPoint>({
    id: 'kargo.artifact-subscribers',
  });
