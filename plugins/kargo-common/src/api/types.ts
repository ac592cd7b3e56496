import type { KargoKind } from '../manifests/kinds';

/** Kubernetes-style object metadata as the API answers it. */
export type ObjectMeta = {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
};

/**
 * Any Kargo object as the API answers it: whole, with `status`. Freight keeps
 * its content at the top level, other kinds under `spec`.
 */
export type KargoManifest<
  Spec = Record<string, unknown>,
  Status = Record<string, unknown>,
> = {
  apiVersion: string;
  kind: KargoKind;
  metadata: ObjectMeta;
  spec?: Spec;
  status?: Status;
  [topLevelField: string]: unknown;
};

/** A page of a list, shaped like a Kubernetes list. */
export type KargoList<T = KargoManifest> = {
  apiVersion: string;
  kind: string;
  metadata: {
    /** Opaque token for the next page; absent on the last page. */
    continue?: string;
  };
  items: T[];
};

/** One entry per applied document, in request order (Kargo's shape). */
export type ApplyResult = {
  createdResourceManifest?: KargoManifest;
  updatedResourceManifest?: KargoManifest;
  deletedResourceManifest?: KargoManifest;
};

export type ApplyResponse = { results: ApplyResult[] };

/** The pipeline of one project as a catalog entity sees it. */
export type ProjectPipeline = {
  name: string;
  project?: KargoManifest;
  /** Set when the project cannot be shown, e.g. it does not exist. */
  error?: { name: string; message: string };
  warehouses: KargoManifest[];
  stages: KargoManifest[];
  /** The Freight the shown Stages currently hold, and each Warehouse's newest. */
  freight: KargoManifest[];
  /** The most recent Promotions of the shown Stages, newest first. */
  promotions: KargoManifest[];
};

/** Everything the entity tab needs, in one answer. */
export type EntityPipelineResponse = {
  entityRef: string;
  /** The Stage names the entity restricts the view to, if any. */
  stageFilter?: string[];
  projects: ProjectPipeline[];
  /** Set when the entity carries `kargo.akuity.io/manifests`. */
  manifestSource?: ManifestSourceStatus;
};

/**
 * The pipeline an entity keeps in Git (`kargo.akuity.io/manifests`): where
 * it is read from and how the last read and apply went.
 */
export type ManifestSourceStatus = {
  /** The annotation's target, e.g. `url:https://git.example.com/…/kargo.yaml`. */
  location: string;
  /** ISO time of the last read, successful or not. */
  lastAttemptAt?: string;
  /** ISO time the content was last applied without error. */
  lastAppliedAt?: string;
  /** How many manifests the last successful apply held. */
  appliedCount?: number;
  /**
   * Why the last attempt failed, for the entity's owners to act on: a read
   * error, or the invalid manifest with its path (`[2].spec.subscriptions…`).
   * Absent after a successful apply.
   */
  error?: string;
};

/** Options of the paged list endpoints. */
export type ListOptions = {
  limit?: number;
  continue?: string;
};

/**
 * Freight of an origin a Stage requests that the Stage may not take yet,
 * with the reason (not verified upstream, soaking…).
 */
export type UnavailableFreight = {
  name: string;
  alias?: string;
  /** The Warehouse the Freight comes from. */
  origin: string;
  reason: string;
  /** ISO time soaking ends, when soaking is all that is missing. */
  availableAt?: string;
};

/**
 * `listFreight` with `stage`: one page of the Freight available to that
 * Stage (newest first), grouped by origin as Kargo answers, and the Freight
 * passed over on the way with why it is not available.
 */
export type StageFreightList = KargoList & {
  /** `Warehouse/<name>` → the names of the available Freight from it. */
  groups: Record<string, { items: string[] }>;
  unavailable: UnavailableFreight[];
};

/** Names the Freight to promote: by name or by alias. */
export type FreightSelector = { freight: string } | { freightAlias: string };

/**
 * What to promote into a Stage: named Freight, or (`origin`) the newest
 * Freight of that Warehouse available to the Stage.
 */
export type PromoteRequest =
  | FreightSelector
  | { origin: { kind?: 'Warehouse'; name: string } };

/** Kargo's per-step status in a Promotion. */
export type PromotionStepStatus =
  | 'Running'
  | 'Succeeded'
  | 'Failed'
  | 'Errored'
  | 'Aborted'
  | 'Skipped';

/** One step of a Promotion as the steps route shows it: status, output, logs. */
export type PromotionStepView = {
  index: number;
  alias: string;
  uses?: string;
  startedAt?: string;
  finishedAt?: string;
  errorCount: number;
  status?: PromotionStepStatus;
  message?: string;
  continueOnError?: boolean;
  output?: Record<string, unknown>;
  logs: Array<{ at: string; message: string }>;
};

/**
 * One `spec.requestedFreight[]` entry of a Stage: an origin (Warehouse)
 * and where the Stage may take its Freight from.
 */
export type RequestedFreight = {
  origin: { kind?: string; name: string };
  sources: {
    /** Straight from the Warehouse. */
    direct?: boolean;
    /** After verification in these upstream Stages. */
    stages?: string[];
    requiredSoakTime?: string;
    availabilityStrategy?: 'OneOf' | 'All' | '';
    autoPromotionOptions?: {
      selectionPolicy?: 'NewestFreight' | 'MatchUpstream';
    };
  };
};

/** The phase of an AnalysisRun, a metric or a measurement (Argo Rollouts). */
export type AnalysisPhase =
  | 'Pending'
  | 'Running'
  | 'Successful'
  | 'Failed'
  | 'Error'
  | 'Inconclusive'
  | 'Aborted';

/** One measurement of a verification metric. */
export type AnalysisMeasurement = {
  phase: AnalysisPhase;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  /** The measured value as text (JSON for structured values). */
  value?: string;
};

/** A verification metric's outcome so far, newest measurement last. */
export type AnalysisMetricResult = {
  name: string;
  phase: AnalysisPhase;
  message?: string;
  measurements: AnalysisMeasurement[];
  count?: number;
  successful?: number;
  failed?: number;
  inconclusive?: number;
  error?: number;
};

/**
 * An AnalysisRun as `getAnalysisRun` answers it: Argo Rollouts' shape,
 * the parts a UI shows.
 */
export type AnalysisRunView = {
  apiVersion: string;
  kind: 'AnalysisRun';
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: {
    phase?: AnalysisPhase;
    message?: string;
    startedAt?: string;
    completedAt?: string;
    metricResults?: AnalysisMetricResult[];
  };
};

/** An emergency freeze of a whole project (no `stage`) or of one Stage. */
export type KargoFreeze = {
  project?: string;
  /** Absent for a project-wide freeze. */
  stage?: string;
  reason: string;
  /** Who froze it (Kargo actor string). */
  actor: string;
  /** ISO 8601. */
  createdAt: string;
};

/** What a {@link StageAuditEntry} records. */
export type StageAuditAction =
  | 'promoted'
  | 'approved-promotion'
  | 'rejected-promotion'
  | 'approved-freight'
  | 'rejected-freight'
  | 'froze';

/**
 * One decision about a Stage, as `getStageAudit` answers it: who (`actor`,
 * a user entity ref, or `service:…` for a backend service) did what, when.
 */
export type StageAuditEntry = {
  /** ISO 8601. */
  at: string;
  actor: string;
  action: StageAuditAction;
  /** The Promotion, when the entry is about one. */
  promotion?: string;
  /** The Freight's name, when the entry is about Freight. */
  freight?: string;
  /** A Promotion's outcome (its phase). */
  outcome?: string;
  /** A review's comment, a rejection's or a freeze's reason. */
  detail?: string;
};

/** A Stage's `status.promotionWindowStatus`, as Kargo Enterprise reports it. */
export type PromotionWindowStatusView = {
  closed: boolean;
  reason?: string;
  /** ISO 8601: when a closed schedule opens next. */
  nextOpen?: string;
  /** ISO 8601: when an open schedule closes next. */
  nextClose?: string;
  nextCloseReason?: string;
};

/** Freight's `status.rejectedFor.<stage>` or `status.rejected`. */
export type FreightRejection = {
  rejectedBy?: string;
  rejectedAt?: string;
  reason?: string;
};

/** The output of a `wait-for-approval` step while its Promotion waits. */
export type PromotionApprovalRequest = {
  minApprovals: number;
  approvers: { users?: string[]; groups?: string[]; owners?: boolean };
  forbidRequester?: boolean;
  /** Who created the Promotion. */
  requestedBy?: string;
  message?: string;
  /** Reviewers who approved so far. */
  approvedBy?: string[];
};
