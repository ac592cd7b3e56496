import {
  DatabaseService,
  isDatabaseConflictError,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import type { KargoKind } from '@kargo-backstage/plugin-kargo-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import {
  KargoStore,
  ListQuery,
  ListResult,
  ResourceContent,
  ResourceKey,
  StoredResource,
} from './KargoStore';
import { useWriteAheadLog } from './writeAheadLog';

const TABLE = 'kargo_resources';
const MAX_CAS_ATTEMPTS = 5;
const IN_CHUNK = 500;

const migrationsDir = resolvePackagePath(
  '@kargo-backstage/plugin-kargo-backend',
  'migrations',
);

type Row = {
  uid: string;
  kind: string;
  project: string;
  name: string;
  resource_version: number | string;
  generation: number | string;
  metadata: string;
  spec: string;
  status: string;
  alias: string | null;
  origin: string | null;
  stage: string | null;
  sort_at: number | string;
  created_at: number | string;
  updated_at: number | string;
};

function fromRow(row: Row): StoredResource {
  return {
    uid: row.uid,
    kind: row.kind as KargoKind,
    project: row.project,
    name: row.name,
    resourceVersion: Number(row.resource_version),
    generation: Number(row.generation),
    metadata: JSON.parse(row.metadata),
    spec: JSON.parse(row.spec),
    status: JSON.parse(row.status),
    alias: row.alias ?? undefined,
    origin: row.origin ?? undefined,
    stage: row.stage ?? undefined,
    // pg answers bigint columns as strings
    sortAt: Number(row.sort_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/**
 * `current` with the written columns applied: what a re-read would answer,
 * without the query (every status write of the engines goes through here).
 * Undefined for a column it does not know, to be read back instead.
 */
function withChanges(
  current: StoredResource,
  update: Partial<Row>,
): StoredResource | undefined {
  const next: StoredResource = { ...current };
  for (const [column, value] of Object.entries(update)) {
    switch (column) {
      case 'metadata':
      case 'spec':
      case 'status':
        next[column] = JSON.parse(value as string);
        break;
      case 'resource_version':
        next.resourceVersion = Number(value);
        break;
      case 'generation':
        next.generation = Number(value);
        break;
      case 'updated_at':
        next.updatedAt = Number(value);
        break;
      case 'sort_at':
        next.sortAt = Number(value);
        break;
      case 'alias':
      case 'origin':
      case 'stage':
        next[column] = (value as string | null) ?? undefined;
        break;
      default:
        return undefined;
    }
  }
  return next;
}

function describe(key: ResourceKey): string {
  return key.project && key.kind !== 'Project'
    ? `${key.kind} "${key.project}/${key.name}"`
    : `${key.kind} "${key.name}"`;
}

/**
 * Told of every write with the project it touched (inside a transaction:
 * before the commit, so listeners that publish should wait a moment).
 */
export type StoreChangeListener = (project: string, kind: KargoKind) => void;

/** The knex implementation of {@link KargoStore}, for SQLite and PostgreSQL. */
export class DatabaseKargoStore implements KargoStore {
  static async create(options: {
    database: DatabaseService;
    onChange?: StoreChangeListener;
  }): Promise<DatabaseKargoStore> {
    const client = await options.database.getClient();
    await useWriteAheadLog(client);
    if (!options.database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseKargoStore(client, options.onChange);
  }

  /** A store over an open client or transaction (migrations already run). */
  static fromClient(
    db: Knex | Knex.Transaction,
    onChange?: StoreChangeListener,
  ): DatabaseKargoStore {
    return new DatabaseKargoStore(db, onChange);
  }

  private constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly onChange?: StoreChangeListener,
  ) {}

  async transaction<T>(fn: (store: KargoStore) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) {
      return fn(this);
    }
    return (this.db as Knex).transaction(trx =>
      fn(new DatabaseKargoStore(trx, this.onChange)),
    );
  }

  private changed(key: { kind: KargoKind; project: string }) {
    this.onChange?.(key.project, key.kind);
  }

  async getResource(key: ResourceKey): Promise<StoredResource | undefined> {
    const row = await this.db<Row>(TABLE)
      .where({ kind: key.kind, project: key.project, name: key.name })
      .first();
    return row ? fromRow(row) : undefined;
  }

  /**
   * Reads a row and, on PostgreSQL inside a transaction, locks it until
   * the transaction ends, so concurrent read-modify-writes queue up instead
   * of retrying. SQLite serialises write transactions already.
   */
  private async getResourceForUpdate(
    key: ResourceKey,
  ): Promise<StoredResource | undefined> {
    const query = this.db<Row>(TABLE)
      .where({ kind: key.kind, project: key.project, name: key.name })
      .first();
    if (this.db.client.config.client === 'pg') query.forUpdate();
    const row = await query;
    return row ? fromRow(row) : undefined;
  }

  async getResources(keys: ResourceKey[]): Promise<StoredResource[]> {
    const groups = new Map<string, ResourceKey[]>();
    for (const key of keys) {
      const group = `${key.kind}\u0000${key.project}`;
      groups.set(group, [...(groups.get(group) ?? []), key]);
    }
    const found: StoredResource[] = [];
    for (const group of groups.values()) {
      const { kind, project } = group[0];
      const names = [...new Set(group.map(k => k.name))];
      // Bounded IN lists: SQLite caps bound parameters per statement.
      for (let i = 0; i < names.length; i += IN_CHUNK) {
        const rows = await this.db<Row>(TABLE)
          .where({ kind, project })
          .whereIn('name', names.slice(i, i + IN_CHUNK));
        found.push(...rows.map(fromRow));
      }
    }
    return found;
  }

  async getFreight(
    project: string,
    nameOrAlias: string,
  ): Promise<StoredResource | undefined> {
    const rows = await this.db<Row>(TABLE)
      .where({ kind: 'Freight', project })
      .andWhere(q =>
        q.where('name', nameOrAlias).orWhere('alias', nameOrAlias),
      );
    // A name match wins over an alias that happens to equal another name.
    const row = rows.find(r => r.name === nameOrAlias) ?? rows[0];
    return row ? fromRow(row) : undefined;
  }

  async listResources(query: ListQuery): Promise<ListResult> {
    const limit = query.limit ?? 1000;
    const q = this.db<Row>(TABLE).where('kind', query.kind);
    if (query.project !== undefined) {
      q.andWhere('project', query.project);
    }
    if (query.origins?.length) {
      q.whereIn('origin', query.origins);
    }
    if (query.stages) {
      q.whereIn('stage', query.stages);
    }
    if (query.names?.length) {
      const names = query.names;
      q.andWhere(w =>
        query.kind === 'Freight'
          ? w.whereIn('name', names).orWhereIn('alias', names)
          : w.whereIn('name', names),
      );
    }
    const after = query.after;
    if (query.order === 'name') {
      if (after) {
        q.andWhere('name', '>', after.name);
      }
      q.orderBy('name', 'asc');
    } else {
      if (after) {
        const sortAt = after.sortAt ?? 0;
        q.andWhere(w =>
          w
            .where('sort_at', '<', sortAt)
            .orWhere(w2 =>
              w2
                .where('sort_at', '=', sortAt)
                .andWhere('name', '<', after.name),
            ),
        );
      }
      q.orderBy([
        { column: 'sort_at', order: 'desc' },
        { column: 'name', order: 'desc' },
      ]);
    }
    const rows = await q.limit(limit + 1);
    const items = rows.slice(0, limit).map(fromRow);
    if (rows.length <= limit) {
      return { items };
    }
    const last = items[items.length - 1];
    return { items, next: { name: last.name, sortAt: last.sortAt } };
  }

  async listAllInProject(
    project: string,
    kinds: KargoKind[],
  ): Promise<StoredResource[]> {
    const rows = await this.db<Row>(TABLE)
      .where('project', project)
      .whereIn('kind', kinds);
    return rows.map(fromRow);
  }

  async countResources(kind: KargoKind, project?: string): Promise<number> {
    const q = this.db(TABLE).where('kind', kind);
    if (project !== undefined) {
      q.andWhere('project', project);
    }
    const [{ count }] = await q.count({ count: '*' });
    return Number(count);
  }

  async createResource(
    key: ResourceKey,
    content: ResourceContent,
    status: JsonObject = {},
  ): Promise<StoredResource> {
    const now = Date.now();
    const row: Row = {
      uid: randomUUID(),
      kind: key.kind,
      project: key.project,
      name: key.name,
      resource_version: 1,
      generation: 1,
      metadata: JSON.stringify(content.metadata),
      spec: JSON.stringify(content.spec),
      status: JSON.stringify(status),
      alias: content.alias ?? null,
      origin: content.origin ?? null,
      stage: content.stage ?? null,
      sort_at: content.sortAt ?? now,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db<Row>(TABLE).insert(row);
    } catch (error) {
      if (isDatabaseConflictError(error)) {
        throw new ConflictError(
          content.alias
            ? `${describe(key)} already exists, or its alias "${
                content.alias
              }" is taken`
            : `${describe(key)} already exists`,
        );
      }
      throw error;
    }
    this.changed(key);
    return fromRow(row);
  }

  async updateResource(
    key: ResourceKey,
    content: ResourceContent,
    options?: { expectedResourceVersion?: number },
  ): Promise<StoredResource> {
    return this.compareAndSet(
      key,
      options?.expectedResourceVersion,
      current => {
        const spec = JSON.stringify(content.spec);
        const specChanged = spec !== JSON.stringify(current.spec);
        return {
          metadata: JSON.stringify(content.metadata),
          spec,
          generation: current.generation + (specChanged ? 1 : 0),
          alias: content.alias ?? null,
          origin: content.origin ?? null,
          stage: content.stage ?? null,
          sort_at: content.sortAt ?? current.sortAt,
        };
      },
    );
  }

  async updateStatus(
    key: ResourceKey,
    status: JsonObject,
    options?: { expectedResourceVersion?: number },
  ): Promise<StoredResource> {
    return this.compareAndSet(key, options?.expectedResourceVersion, () => ({
      status: JSON.stringify(status),
    }));
  }

  async updateStatusWith(
    key: ResourceKey,
    next: (current: StoredResource) => JsonObject,
  ): Promise<StoredResource> {
    // In a transaction of its own the read and the write cannot interleave
    // with another writer's (PostgreSQL: the row lock; SQLite: one writer),
    // so many concurrent writers of one row never exhaust the retries.
    if (!this.db.isTransaction) {
      return this.transaction(tx => tx.updateStatusWith(key, next));
    }
    return this.compareAndSet(
      key,
      undefined,
      current => {
        const status = JSON.stringify(next(current));
        // Unchanged: nothing to write (reconcilers recompute status often).
        return status === JSON.stringify(current.status)
          ? undefined
          : { status };
      },
      { lock: true },
    );
  }

  async deleteResource(key: ResourceKey): Promise<boolean> {
    const count = await this.db(TABLE)
      .where({ kind: key.kind, project: key.project, name: key.name })
      .delete();
    if (count > 0) this.changed(key);
    return count > 0;
  }

  async deleteProject(project: string): Promise<number> {
    const count = await this.db(TABLE).where('project', project).delete();
    if (count > 0) this.changed({ kind: 'Project', project });
    return count;
  }

  /**
   * Writes `changes` only if the row still has the resourceVersion it was
   * read with. With an expected version from the client a mismatch is the
   * client's conflict; without one we re-read and retry, since the caller
   * asked for an unconditional write.
   */
  private async compareAndSet(
    key: ResourceKey,
    expectedResourceVersion: number | undefined,
    /** What to write; undefined to write nothing and answer `current`. */
    changes: (current: StoredResource) => Partial<Row> | undefined,
    options: { lock?: boolean } = {},
  ): Promise<StoredResource> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const current = options.lock
        ? await this.getResourceForUpdate(key)
        : await this.getResource(key);
      if (!current) {
        throw new NotFoundError(`${describe(key)} not found`);
      }
      if (
        expectedResourceVersion !== undefined &&
        current.resourceVersion !== expectedResourceVersion
      ) {
        throw new ConflictError(
          `${describe(key)} was modified (resourceVersion ${
            current.resourceVersion
          }, request has ${expectedResourceVersion}); read it again and retry`,
        );
      }
      const changed = changes(current);
      if (!changed) return current;
      const update: Partial<Row> = {
        ...changed,
        resource_version: current.resourceVersion + 1,
        updated_at: Date.now(),
      };
      let updated: number;
      try {
        updated = await this.db<Row>(TABLE)
          .where({
            uid: current.uid,
            resource_version: current.resourceVersion,
          })
          .update(update);
      } catch (error) {
        if (isDatabaseConflictError(error)) {
          throw new ConflictError(
            `${describe(
              key,
            )} conflicts with an existing resource (alias taken?)`,
          );
        }
        throw error;
      }
      if (updated === 1) {
        this.changed(key);
        return withChanges(current, update) ?? (await this.getResource(key))!;
      }
      if (expectedResourceVersion !== undefined) {
        throw new ConflictError(
          `${describe(key)} was modified concurrently; read it again and retry`,
        );
      }
    }
    throw new ConflictError(
      `${describe(key)} is being modified concurrently; retry`,
    );
  }
}
