// @ts-check

/**
 * When each Stage is next due for reconciliation (health, verification,
 * marking Freight verified, auto-promotion) and which backend instance
 * holds it now. Events make a Stage due at once (`touch_seq` counts them,
 * so one that arrives during a reconciliation is not lost); a Stage that is
 * settled has no due time until the next event or sweep.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('kargo_stage_queue', table => {
    table.comment('Reconciliation schedule and claims of Stages');
    table.string('project', 253).notNullable();
    table.string('name', 253).notNullable();
    table
      .bigInteger('due_at')
      .nullable()
      .comment('Epoch ms the Stage is next due; null when settled');
    table.string('owner', 255).nullable().comment('Instance holding the claim');
    table
      .bigInteger('claim_expires_at')
      .nullable()
      .comment('Epoch ms the claim lapses unless completed');
    table
      .integer('touch_seq')
      .notNullable()
      .defaultTo(0)
      .comment('Bumped by every event that makes the Stage due');
    table
      .integer('claimed_touch_seq')
      .nullable()
      .comment('touch_seq when the current claim was taken');
    table
      .bigInteger('reconciled_at')
      .nullable()
      .comment('Epoch ms of the last completed reconciliation');
    table.primary(['project', 'name']);
    table.index(['due_at'], 'kargo_stage_queue_due_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('kargo_stage_queue');
};
