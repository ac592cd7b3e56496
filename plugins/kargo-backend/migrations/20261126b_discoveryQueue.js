// @ts-check

/**
 * When each Warehouse is next due for discovery, and which backend instance
 * holds it now. A claim is a lease: an instance that dies loses its claims
 * when they expire, and another takes the Warehouse over.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('kargo_discovery_queue', table => {
    table.comment('Discovery schedule and claims of Warehouses');
    table.string('project', 253).notNullable();
    table.string('name', 253).notNullable();
    table
      .bigInteger('next_check_at')
      .notNullable()
      .comment('Epoch ms the Warehouse is next due');
    table
      .bigInteger('checked_generation')
      .nullable()
      .comment('Warehouse generation last discovered; a new spec is due now');
    table.string('owner', 255).nullable().comment('Instance holding the claim');
    table
      .bigInteger('claim_expires_at')
      .nullable()
      .comment('Epoch ms the claim lapses unless renewed');
    table
      .bigInteger('claimed_at')
      .nullable()
      .comment('Epoch ms the current claim was taken');
    table
      .integer('refresh_seq')
      .notNullable()
      .defaultTo(0)
      .comment('Bumped by every refresh request');
    table
      .integer('claimed_refresh_seq')
      .nullable()
      .comment('refresh_seq when the current claim was taken');
    table
      .integer('failures')
      .notNullable()
      .defaultTo(0)
      .comment('Consecutive failed discoveries (back-off)');
    table.primary(['project', 'name']);
    table.index(['next_check_at'], 'kargo_discovery_queue_due_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('kargo_discovery_queue');
};
