import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { JsonObject, JsonValue } from '@backstage/types';

/** One artifact set a Promotion carries (Kargo's FreightReference). */
export type PromotionFreightReference = {
  name: string;
  origin: { kind: 'Warehouse'; name: string };
  commits?: JsonObject[];
  images?: JsonObject[];
  charts?: JsonObject[];
  artifacts?: JsonObject[];
};

/** What a promotion step is given when it runs. */
export type PromotionStepContext = {
  project: string;
  stage: string;
  promotion: string;
  /** The step's alias (`as`, or Kargo's `step-<n>`; `task::step` in tasks). */
  alias: string;
  /** The Freight being promoted. */
  targetFreight: PromotionFreightReference;
  /**
   * Everything the Stage will run after this Promotion: the target Freight
   * plus the Stage's current Freight for its other origins.
   */
  freight: PromotionFreightReference[];
  /** The step's `config`, with every `${{ }}` expression already evaluated. */
  config: JsonObject;
  /**
   * The Promotion's own working directory, shared by its steps. Paths in
   * config are relative to it; `resolvePath` refuses any that escape it.
   */
  workDir: string;
  /**
   * `path` (relative to workDir) as an absolute path inside workDir.
   * Throws a TerminalStepError for absolute paths, `..` escapes and
   * symlinks that lead outside.
   */
  resolvePath(path: string): Promise<string>;
  /**
   * Evaluates a raw expr-lang expression (no `${{ }}`) with this step's
   * variables and functions, plus `extra` variables (e.g. `response`).
   */
  evaluate(expression: string, extra?: Record<string, unknown>): unknown;
  /** 1 on the first attempt; more after errors and retries. */
  attempt: number;
  /**
   * True when an earlier attempt of this step started but its outcome was
   * never recorded (the backend stopped mid-step): the step must check
   * whether its side effect already happened instead of repeating it.
   */
  resumed: boolean;
  /** The output an earlier `Running` attempt returned, for polling steps. */
  previousOutput?: JsonObject;
  /** Aborted when the Promotion is aborted, times out or loses its lease. */
  signal: AbortSignal;
  /** Appends a line to the step's stored log (secrets are masked). */
  log(message: string): void;
};

export type PromotionStepResult = {
  /**
   * Succeeded: move on. Failed: a business failure (the Promotion fails).
   * Running: not done yet, call again after `retryAfterMs` (polling steps).
   * Skipped: nothing to do.
   */
  status: 'Succeeded' | 'Failed' | 'Running' | 'Skipped';
  message?: string;
  /** Recorded as `outputs.<alias>` for later steps. */
  output?: JsonObject;
  /** For Running: how long to wait before the next attempt (min 1 s). */
  retryAfterMs?: number;
  /**
   * A health check to run for the Stage once the Promotion succeeded, as
   * Kargo's `argocd-update` registers one: `uses` names a
   * {@link StageHealthChecker}; `config` is what it needs (for Argo CD, the
   * Applications and the revisions they must be synced to).
   */
  healthCheck?: { uses: string; config: JsonObject };
};

/** Kargo's Stage health states, best to worst. */
export type StageHealthStatus =
  | 'Healthy'
  | 'NotApplicable'
  | 'Progressing'
  | 'Unknown'
  | 'Unhealthy';

/** What one health check found. */
export type StageHealthResult = {
  status: StageHealthStatus;
  /** Why it is not Healthy, one line each. */
  issues?: string[];
  /** Opaque details shown with the Stage (Argo CD: per-app health and sync). */
  output?: JsonObject;
};

/**
 * Judges a Stage's health from what a step registered. Runs after the
 * Promotion and again whenever the engine re-evaluates the Stage (on a
 * change it was told of, or a short poll while not settled).
 */
export interface StageHealthChecker {
  /** The `healthCheck.uses` name it answers, e.g. `argocd-update`. */
  readonly name: string;
  check(context: {
    project: string;
    stage: string;
    config: JsonObject;
    signal: AbortSignal;
  }): Promise<StageHealthResult>;
}

/**
 * A step error that retrying cannot fix (bad config, a missing binary, a
 * path outside the work directory): the step is Errored at once, whatever
 * its `retry.errorThreshold`. Any other thrown error counts towards it.
 */
export class TerminalStepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TerminalStepError';
  }
}

/** A promotion step, addressed from manifests as `uses: <name>`. */
export interface PromotionStepRunner {
  /** The `uses:` name, e.g. `git-clone`. */
  readonly name: string;
  /**
   * JSON Schema (draft 2020-12 subset Ajv accepts) of the step's `config`,
   * checked after expressions are evaluated and before the step runs.
   */
  readonly configSchema?: JsonObject;
  /** Default `retry.timeout` in ms when the step sets none (0 = none). */
  readonly defaultTimeoutMs?: number;
  /** Default `retry.errorThreshold` when the step sets none (default 1). */
  readonly defaultErrorThreshold?: number;
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
