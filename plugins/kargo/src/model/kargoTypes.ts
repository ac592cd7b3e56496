/**
 * The parts of Kargo's Stage, Freight and Promotion objects the UI reads.
 * The API answers them as untyped manifests; these say what we rely on.
 */

export type { RequestedFreight } from '@kargo-backstage/plugin-kargo-common';

export type FreightReference = {
  name?: string;
  origin?: { kind?: string; name?: string };
};

export type VerificationInfo = {
  id?: string;
  phase?: string;
  message?: string;
  actor?: string;
  startTime?: string;
  finishTime?: string;
  /** The AnalysisRun that verified, when the Stage verifies with one. */
  analysisRun?: { name?: string; namespace?: string; phase?: string };
};

export type StageStatus = {
  health?: { status?: string; issues?: string[] };
  freightHistory?: Array<{
    items?: Record<string, FreightReference>;
    verificationHistory?: VerificationInfo[];
  }>;
  currentPromotion?: { name?: string; freight?: FreightReference };
  lastPromotion?: {
    name?: string;
    finishedAt?: string;
    status?: { phase?: string; message?: string };
  };
  autoPromotionEnabled?: boolean;
  autoPromotionHolds?: Record<
    string,
    { freightName?: string; promotionName?: string; actor?: string }
  > | null;
};

export type PromotionStatus = {
  phase?: string;
  message?: string;
  currentStep?: number;
  startedAt?: string;
  finishedAt?: string;
  freight?: FreightReference;
  stepExecutionMetadata?: Array<{
    alias?: string;
    status?: string;
    message?: string;
  }>;
};

export type PromotionSpec = {
  stage?: string;
  freight?: string;
  steps?: Array<{ uses?: string; as?: string; task?: { name?: string } }>;
};

export type FreightStatus = {
  currentlyIn?: Record<string, { since?: string }>;
  verifiedIn?: Record<string, unknown>;
  approvedFor?: Record<string, unknown>;
};

export type Image = { repoURL: string; tag?: string; digest?: string };
export type Commit = {
  repoURL: string;
  id?: string;
  tag?: string;
  branch?: string;
  message?: string;
};
export type Chart = { repoURL: string; name?: string; version: string };
export type GenericArtifact = {
  artifactType?: string;
  subscriptionName: string;
  version: string;
};

/** Freight keeps its content at the top level of the manifest. */
export type FreightContent = {
  alias?: string;
  discoveredAt?: string;
  origin?: { kind?: string; name?: string };
  images?: Image[];
  commits?: Commit[];
  charts?: Chart[];
  artifacts?: GenericArtifact[];
};

/** Kargo's phases after which a Promotion does not change any more. */
export const TERMINAL_PROMOTION_PHASES: ReadonlySet<string> = new Set([
  'Succeeded',
  'Failed',
  'Errored',
  'Aborted',
]);

/** Phases after which the same Freight may be promoted again (retry). */
export const RETRYABLE_PROMOTION_PHASES: ReadonlySet<string> = new Set([
  'Failed',
  'Errored',
  'Aborted',
]);

/** Annotation on a Promotion naming who started it. */
export const CREATE_ACTOR_ANNOTATION = 'kargo.akuity.io/create-actor';
