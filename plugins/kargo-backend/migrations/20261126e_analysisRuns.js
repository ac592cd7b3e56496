// @ts-check

/**
 * AnalysisRuns of Stage verifications: Argo Rollouts' object, run by the
 * engine itself, kept whole (spec and status as JSON) between advances so a
 * restart or another instance continues it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('kargo_analysis_runs', table => {
    table.comment('AnalysisRuns of Stage verifications');
    table.string('project', 253).notNullable();
    table.string('name', 253).notNullable();
    table.string('stage', 253).notNullable();
    table.string('freight_collection', 64).notNullable();
    table.text('run').notNullable().comment('The AnalysisRun as JSON');
    table.bigInteger('created_at').notNullable();
    table.primary(['project', 'name']);
    table.index(['project', 'stage'], 'kargo_analysis_runs_stage_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('kargo_analysis_runs');
};
