import type { ManifestSourceStatus } from '@kargo-backstage/plugin-kargo-common';
import { Knex } from 'knex';

const TABLE = 'kargo_manifest_sources';

/** How many rows one delete names (SQLite bounds a statement's parameters). */
const DELETE_CHUNK = 500;

/** The sync state of one entity's manifests, as kept between attempts. */
export type ManifestSourceRecord = {
  entityRef: string;
  location: string;
  /** ETag of the content last applied, sent back so an unchanged file is a 304. */
  etag?: string;
  /** The projects the last successful apply wrote to (its claim on them). */
  projects: string[];
  lastAttemptAt?: number;
  lastAppliedAt?: number;
  appliedCount?: number;
  error?: string;
};

type Row = {
  entity_ref: string;
  location: string;
  etag: string | null;
  projects: string;
  last_attempt_at: number | string | null;
  last_applied_at: number | string | null;
  applied_count: number | null;
  error: string | null;
};

const optionalNumber = (v: number | string | null) =>
  v === null ? undefined : Number(v);

const toRecord = (row: Row): ManifestSourceRecord => ({
  entityRef: row.entity_ref,
  location: row.location,
  etag: row.etag ?? undefined,
  projects: JSON.parse(row.projects),
  lastAttemptAt: optionalNumber(row.last_attempt_at),
  lastAppliedAt: optionalNumber(row.last_applied_at),
  appliedCount: optionalNumber(row.applied_count),
  error: row.error ?? undefined,
});

/** What the entity's page shows of a record (times as ISO 8601). */
export function toStatus(record: ManifestSourceRecord): ManifestSourceStatus {
  const iso = (ms?: number) =>
    ms === undefined ? undefined : new Date(ms).toISOString();
  const status: ManifestSourceStatus = {
    location: record.location,
    lastAttemptAt: iso(record.lastAttemptAt),
    lastAppliedAt: iso(record.lastAppliedAt),
    appliedCount: record.appliedCount,
    error: record.error,
  };
  // Absent rather than undefined: answered as JSON, compared in tests.
  return Object.fromEntries(
    Object.entries(status).filter(([, v]) => v !== undefined),
  ) as ManifestSourceStatus;
}

/** The knex store of {@link ManifestSourceRecord}s, one per entity. */
export class DatabaseManifestSources {
  constructor(private readonly db: Knex) {}

  async get(entityRef: string): Promise<ManifestSourceRecord | undefined> {
    const row = await this.db<Row>(TABLE)
      .where({ entity_ref: entityRef })
      .first();
    return row && toRecord(row);
  }

  async list(): Promise<ManifestSourceRecord[]> {
    const rows = await this.db<Row>(TABLE).orderBy('entity_ref');
    return rows.map(toRecord);
  }

  /** Creates or replaces the entity's record. */
  async save(record: ManifestSourceRecord): Promise<void> {
    const row: Row = {
      entity_ref: record.entityRef,
      location: record.location,
      etag: record.etag ?? null,
      projects: JSON.stringify(record.projects),
      last_attempt_at: record.lastAttemptAt ?? null,
      last_applied_at: record.lastAppliedAt ?? null,
      applied_count: record.appliedCount ?? null,
      error: record.error ?? null,
    };
    await this.db(TABLE).insert(row).onConflict('entity_ref').merge();
  }

  /**
   * Forgets entities that no longer carry the annotation (or are gone), so
   * their claim on projects lapses. Answers how many were forgotten.
   */
  async forgetAllBut(entityRefs: string[]): Promise<number> {
    const keep = new Set(entityRefs);
    const stored: string[] = await this.db(TABLE).pluck('entity_ref');
    const gone = stored.filter(ref => !keep.has(ref));
    for (let i = 0; i < gone.length; i += DELETE_CHUNK) {
      await this.db(TABLE)
        .whereIn('entity_ref', gone.slice(i, i + DELETE_CHUNK))
        .delete();
    }
    return gone.length;
  }
}
