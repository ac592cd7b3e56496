// @ts-check

/**
 * The promotion engine's own bookkeeping beside the Promotion resources:
 * a queue row per Promotion (creation order, lease, abort request, the step
 * in flight) and the steps' log lines. Promotion status (phase, step
 * metadata, outputs) stays on the resource and is written in the same
 * transactions.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('kargo_promotion_queue', table => {
    table.comment('Promotions waiting or running, in creation order');
    table.increments('seq').comment('Creation order: FIFO per Stage');
    table.string('project', 253).notNullable();
    table.string('name', 253).notNullable();
    table.string('stage', 253).notNullable();
    table
      .boolean('done')
      .notNullable()
      .defaultTo(false)
      .comment('Reached a terminal phase');
    table.string('owner', 255).nullable().comment('Instance running it');
    table.bigInteger('claimed_at').nullable();
    table
      .bigInteger('claim_expires_at')
      .nullable()
      .comment('Epoch ms the lease lapses unless renewed (heartbeat)');
    table
      .bigInteger('not_before')
      .notNullable()
      .defaultTo(0)
      .comment(
        'Epoch ms before which no instance picks it up (polling, back-off)',
      );
    table
      .integer('in_flight_step')
      .nullable()
      .comment(
        'Step index started but not yet recorded: a resume must check it',
      );
    table.string('abort_requested_by', 512).nullable();
    table.bigInteger('created_at').notNullable();
    table.unique(['project', 'name'], {
      indexName: 'kargo_promotion_queue_name_uq',
    });
    table.index(
      ['done', 'project', 'stage', 'seq'],
      'kargo_promotion_queue_fifo_idx',
    );
  });

  await knex.schema.createTable('kargo_promotion_logs', table => {
    table.comment('Log lines of promotion steps, secrets masked');
    table.increments('id');
    table.string('project', 253).notNullable();
    table.string('promotion', 253).notNullable();
    table.integer('step').notNullable().comment('Step index');
    table.bigInteger('at').notNullable();
    table.text('message').notNullable();
    table.index(['project', 'promotion', 'id'], 'kargo_promotion_logs_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('kargo_promotion_logs');
  await knex.schema.dropTable('kargo_promotion_queue');
};
