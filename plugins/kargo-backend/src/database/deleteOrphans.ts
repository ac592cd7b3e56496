import { Knex } from 'knex';

/**
 * Deletes the rows of an engine table (queue, logs, runs) whose resource is
 * gone: no `kind` resource in the same project is named by `nameColumn`.
 */
export function deleteOrphans(
  db: Knex | Knex.Transaction,
  table: string,
  kind: string,
  nameColumn = 'name',
): Promise<number> {
  return db(table)
    .whereNotExists(
      db('kargo_resources')
        .select(db.raw('1'))
        .where('kind', kind)
        .andWhereRaw(`kargo_resources.project = ${table}.project`)
        .andWhereRaw(`kargo_resources.name = ${table}.${nameColumn}`),
    )
    .delete();
}
