import type { KargoKind } from '@kargo-backstage/plugin-kargo-common';
import type { JsonObject } from '@backstage/types';

/** Identifies one resource: cluster-wide kinds use project ''. */
export type ResourceKey = {
  kind: KargoKind;
  project: string;
  name: string;
};

/** A resource as the store keeps it; `toManifest` turns it into Kargo's shape. */
export type StoredResource = ResourceKey & {
  uid: string;
  resourceVersion: number;
  generation: number;
  /** Labels, annotations and other user-set metadata (never name/namespace). */
  metadata: JsonObject;
  /** User-owned content: `spec`, or Freight's top-level fields. */
  spec: JsonObject;
  /** Engine-owned status. */
  status: JsonObject;
  alias?: string;
  origin?: string;
  stage?: string;
  /** Epoch ms the API orders by: Freight `discoveredAt`, otherwise creation. */
  sortAt: number;
  createdAt: number;
  updatedAt: number;
};

/** The user-owned parts of a resource, as written by create and update. */
export type ResourceContent = {
  metadata: JsonObject;
  spec: JsonObject;
  alias?: string;
  origin?: string;
  stage?: string;
  sortAt?: number;
};

export type ListOrder = 'name' | 'newest';

/** Keyset cursor: the last row of the previous page. */
export type ListCursor = { name: string; sortAt?: number };

export type ListQuery = {
  kind: KargoKind;
  /**
   * Omit only for kinds whose names are unique across projects (Projects,
   * ProjectConfigs):
   * the cursor of `order: 'name'` is the name alone.
   */
  project?: string;
  /** Freight: only these origin Warehouses. */
  origins?: string[];
  /** Promotions: only those for these Stages. */
  stages?: string[];
  /** Only these names (and, for Freight, aliases). */
  names?: string[];
  /** `name` ascending, or `newest` first by sortAt. */
  order: ListOrder;
  limit?: number;
  after?: ListCursor;
};

export type ListResult = {
  items: StoredResource[];
  /** Set when more items follow; pass back as `after`. */
  next?: ListCursor;
};

/**
 * Persistence of Kargo resources. Writes are optimistic: an expected
 * resourceVersion that no longer matches raises a ConflictError.
 */
export interface KargoStore {
  /** Runs `fn` in one database transaction; everything or nothing is written. */
  transaction<T>(fn: (store: KargoStore) => Promise<T>): Promise<T>;

  getResource(key: ResourceKey): Promise<StoredResource | undefined>;
  /** Those of `keys` that exist, in no particular order (one query per kind and project). */
  getResources(keys: ResourceKey[]): Promise<StoredResource[]>;
  /** Freight by name, or else by alias. */
  getFreight(
    project: string,
    nameOrAlias: string,
  ): Promise<StoredResource | undefined>;
  listResources(query: ListQuery): Promise<ListResult>;
  /** All resources of the given kinds in a project, unpaged (reference checks). */
  listAllInProject(
    project: string,
    kinds: KargoKind[],
  ): Promise<StoredResource[]>;
  countResources(kind: KargoKind, project?: string): Promise<number>;

  /** Throws ConflictError if the resource (or a Freight alias) exists. */
  createResource(
    key: ResourceKey,
    content: ResourceContent,
    status?: JsonObject,
  ): Promise<StoredResource>;
  /** Replaces user-owned content; status is kept. */
  updateResource(
    key: ResourceKey,
    content: ResourceContent,
    options?: { expectedResourceVersion?: number },
  ): Promise<StoredResource>;
  /** Replaces status only: the engine's write path. */
  updateStatus(
    key: ResourceKey,
    status: JsonObject,
    options?: { expectedResourceVersion?: number },
  ): Promise<StoredResource>;
  /**
   * Replaces status with what `next` makes of the current resource. Status
   * several writers share (a Freight's currentlyIn, verifiedIn, metadata;
   * a Stage's) must be written this way: `next` runs again on a fresh read
   * whenever another writer got there first (on PostgreSQL the row is
   * locked for the rest of the transaction), so no update is lost.
   */
  updateStatusWith(
    key: ResourceKey,
    next: (current: StoredResource) => JsonObject,
  ): Promise<StoredResource>;
  /** Returns whether a row was deleted. */
  deleteResource(key: ResourceKey): Promise<boolean>;
  /** Deletes every resource of a project, the Project included. */
  deleteProject(project: string): Promise<number>;
}
