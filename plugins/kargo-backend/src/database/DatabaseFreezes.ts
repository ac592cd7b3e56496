import { Knex } from 'knex';
import type { Freeze, Freezes } from './Freezes';

const TABLE = 'kargo_freezes';

type Row = {
  project: string;
  stage: string;
  reason: string;
  actor: string;
  created_at: number | string;
};

const toFreeze = (row: Row): Freeze => ({
  project: row.project,
  ...(row.stage ? { stage: row.stage } : {}),
  reason: row.reason,
  actor: row.actor,
  createdAt: new Date(Number(row.created_at)).toISOString(),
});

/** The knex implementation of {@link Freezes}. */
export class DatabaseFreezes implements Freezes {
  constructor(
    private readonly db: Knex,
    private readonly clock: () => number = Date.now,
  ) {}

  async freeze(freeze: Omit<Freeze, 'createdAt'>): Promise<Freeze> {
    const row: Row = {
      project: freeze.project,
      stage: freeze.stage ?? '',
      reason: freeze.reason,
      actor: freeze.actor,
      created_at: this.clock(),
    };
    await this.db(TABLE)
      .insert(row)
      .onConflict(['project', 'stage'])
      .merge(['reason', 'actor', 'created_at']);
    return toFreeze(row);
  }

  async unfreeze(project: string, stage?: string) {
    return this.db.transaction(async tx => {
      const where = { project, stage: stage ?? '' };
      const row = await tx<Row>(TABLE).where(where).first();
      if (!row) return undefined;
      await tx(TABLE).where(where).delete();
      return toFreeze(row);
    });
  }

  async list(project: string): Promise<Freeze[]> {
    const rows = await this.db<Row>(TABLE).where({ project }).orderBy('stage');
    return rows.map(toFreeze);
  }

  async affecting(project: string, stage: string): Promise<Freeze[]> {
    const rows = await this.db<Row>(TABLE)
      .where({ project })
      .whereIn('stage', ['', stage])
      .orderBy('stage');
    return rows.map(toFreeze);
  }

  async prune(): Promise<number> {
    const resource = (kind: string, column: string) =>
      this.db('kargo_resources')
        .select(this.db.raw('1'))
        .where('kind', kind)
        .andWhereRaw(
          kind === 'Project'
            ? `kargo_resources.name = ${TABLE}.project`
            : `kargo_resources.project = ${TABLE}.project and kargo_resources.name = ${TABLE}.${column}`,
        );
    const projects = await this.db(TABLE)
      .where('stage', '')
      .whereNotExists(resource('Project', 'project'))
      .delete();
    const stages = await this.db(TABLE)
      .whereNot('stage', '')
      .whereNotExists(resource('Stage', 'stage'))
      .delete();
    return projects + stages;
  }
}
