// @ts-check

/**
 * Freezes (stop-the-line): a whole project (stage '') or one Stage, with
 * who froze it, when and why. Promotions to a frozen Stage are refused at
 * admission and do not start while the freeze lasts.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('kargo_freezes', table => {
    table.comment('Emergency freezes of projects and Stages');
    table.string('project', 253).notNullable();
    table
      .string('stage', 253)
      .notNullable()
      .comment("The Stage, or '' for the whole project");
    table.text('reason').notNullable();
    table.string('actor', 512).notNullable();
    table.bigInteger('created_at').notNullable();
    table.primary(['project', 'stage']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('kargo_freezes');
};
