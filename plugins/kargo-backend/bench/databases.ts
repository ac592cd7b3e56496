/**
 * Fresh databases for each measurement: SQLite files in a temporary
 * directory, and PostgreSQL databases created (and dropped) on a server.
 */
import knexFactory, { Knex } from 'knex';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export type DatabaseKind = 'sqlite' | 'postgres';

export type FreshDatabase = { knex: Knex; dispose(): Promise<void> };

export interface DatabaseProvider {
  readonly label: string;
  /** Server or library version, for the report. */
  version(): Promise<string>;
  /** A new, empty database; `dispose` destroys the pool and the database. */
  open(name: string): Promise<FreshDatabase>;
  close(): Promise<void>;
}

export function sqliteProvider(): DatabaseProvider {
  const dir = mkdtempSync(join(tmpdir(), 'kargo-bench-'));
  const connect = (file: string) =>
    knexFactory({
      client: 'better-sqlite3',
      connection: { filename: join(dir, file) },
      useNullAsDefault: true,
    });
  return {
    label: 'SQLite',
    async version() {
      const knex = connect('version.sqlite');
      try {
        const [row] = await knex.raw('select sqlite_version() as v');
        return `SQLite ${row.v} (better-sqlite3, file in ${tmpdir()})`;
      } finally {
        await knex.destroy();
      }
    },
    async open(name) {
      const file = `${name}.sqlite`;
      const knex = connect(file);
      return {
        knex,
        async dispose() {
          await knex.destroy();
          rmSync(join(dir, file), { force: true });
        },
      };
    },
    async close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The environment, completed by .test-servers.env (written by
 * scripts/test-servers.sh) for variables the environment does not set.
 */
export function testServersEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  try {
    const file = readFileSync(
      resolve(__dirname, '../../../.test-servers.env'),
      'utf8',
    );
    for (const line of file.split('\n')) {
      const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
      if (m && env[m[1]] === undefined) env[m[1]] = m[2];
    }
  } catch {
    // no file: the environment alone
  }
  return env;
}

/**
 * The server to use: KARGO_BENCH_POSTGRES_URL, else a
 * BACKSTAGE_TEST_DATABASE_POSTGRES<n>_CONNECTION_STRING from the environment
 * or from .test-servers.env (written by scripts/test-servers.sh), else the
 * local default.
 */
export function postgresUrl(): string {
  const env = testServersEnv();
  const fromTests = Object.keys(env)
    .filter(k =>
      /^BACKSTAGE_TEST_DATABASE_POSTGRES\d+_CONNECTION_STRING$/.test(k),
    )
    .sort()
    .map(k => env[k]);
  return (
    env.KARGO_BENCH_POSTGRES_URL ??
    fromTests.pop() ??
    'postgresql://postgres:postgres@127.0.0.1:5432'
  );
}

const pgConnect = (url: string, database: string, pool?: Knex.PoolConfig) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return knexFactory({
    client: 'pg',
    connection: u.toString(),
    acquireConnectionTimeout: 5000,
    ...(pool ? { pool } : {}),
  });
};

/** Connects to the server, or answers why it cannot (no throw). */
export async function postgresProvider(
  url: string,
): Promise<DatabaseProvider | { unavailable: string }> {
  const admin = pgConnect(url, 'postgres', { min: 0, max: 1 });
  let version: string;
  try {
    const result = await admin.raw('show server_version');
    version = `PostgreSQL ${result.rows[0].server_version}`;
  } catch (error) {
    await admin.destroy().catch(() => {});
    return { unavailable: `${(error as Error).message || error}` };
  }
  const prefix = `kargo_bench_${process.pid}_`;
  const created = new Set<string>();
  const drop = async (db: string) => {
    await admin.raw('drop database if exists ?? with (force)', [db]);
    created.delete(db);
  };
  return {
    label: 'PostgreSQL',
    async version() {
      return `${version} at ${new URL(url).host}`;
    },
    async open(name) {
      const db = `${prefix}${name}`.toLowerCase();
      await admin.raw('drop database if exists ?? with (force)', [db]);
      await admin.raw('create database ??', [db]);
      created.add(db);
      const knex = pgConnect(url, db);
      return {
        knex,
        async dispose() {
          await knex.destroy();
          await drop(db);
        },
      };
    },
    async close() {
      for (const db of [...created]) await drop(db);
      await admin.destroy();
    },
  };
}
