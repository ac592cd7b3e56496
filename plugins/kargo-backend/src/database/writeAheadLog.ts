import type { Knex } from 'knex';

/**
 * Puts a file-backed SQLite database in write-ahead-log mode (the mode
 * stays with the file). In SQLite's default rollback-journal mode every
 * commit creates, writes and deletes a journal file, about 0.75 ms each on
 * our machines against 0.02 ms in WAL mode, and the engine commits after
 * every Promotion step; readers also stop waiting for writers. Durability
 * is unchanged (`synchronous` keeps its default). PostgreSQL and in-memory
 * SQLite are left alone.
 */
export async function useWriteAheadLog(knex: Knex): Promise<void> {
  const client = String(knex.client.config.client ?? '');
  if (!/sqlite/.test(client)) return;
  await knex.raw('PRAGMA journal_mode = WAL');
}
