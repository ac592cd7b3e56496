import { deleteOrphans } from './deleteOrphans';
import { Knex } from 'knex';
import type { AnalysisRun } from '../verification/analysis';

const TABLE = 'kargo_analysis_runs';

/** Where the engine keeps Stage verification AnalysisRuns between advances. */
export class DatabaseAnalysisRuns {
  constructor(private readonly db: Knex) {}

  async get(project: string, name: string): Promise<AnalysisRun | undefined> {
    const row = await this.db(TABLE).where({ project, name }).first('run');
    return row ? (JSON.parse(row.run) as AnalysisRun) : undefined;
  }

  /** Creates or replaces a run. */
  async put(
    run: AnalysisRun,
    meta: { stage: string; freightCollection: string; createdAt: number },
  ): Promise<void> {
    const { name, namespace: project } = run.metadata;
    await this.db(TABLE)
      .insert({
        project,
        name,
        stage: meta.stage,
        freight_collection: meta.freightCollection,
        run: JSON.stringify(run),
        created_at: meta.createdAt,
      })
      .onConflict(['project', 'name'])
      .merge({ run: JSON.stringify(run) });
  }

  /** Forgets runs of Stages that no longer exist. */
  async prune(): Promise<number> {
    return deleteOrphans(this.db, TABLE, 'Stage', 'stage');
  }
}
