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
};

/** Options of the paged list endpoints. */
export type ListOptions = {
  limit?: number;
  continue?: string;
};
