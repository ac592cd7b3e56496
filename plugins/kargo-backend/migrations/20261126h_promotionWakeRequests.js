// @ts-check

/**
 * A wake-up that arrives while a Promotion is claimed (a review, an
 * unfrozen Stage, a finished verification) is remembered here, so that the
 * run's release does not park it until its fallback time: no lost wake-ups.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('kargo_promotion_queue', table => {
    table
      .boolean('wake_requested')
      .notNullable()
      .defaultTo(false)
      .comment('Woken while claimed: run again as soon as released');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('kargo_promotion_queue', table => {
    table.dropColumn('wake_requested');
  });
};
