// @ts-check

/**
 * Pipelines kept in entities' repositories (`kargo.akuity.io/manifests`):
 * per entity, where its manifests are read from and how the last read and
 * apply went, so that an unchanged file is not applied again (etag) and
 * the entity's page can show the outcome.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('kargo_manifest_sources', table => {
    table.comment('Sync state of the pipeline manifests of catalog entities');
    table
      .string('entity_ref', 512)
      .primary()
      .comment('The catalog entity carrying kargo.akuity.io/manifests');
    table.text('location').notNullable().comment('The value of the annotation');
    table
      .string('etag', 512)
      .nullable()
      .comment('ETag of the content last applied, for conditional reads');
    table
      .text('projects')
      .notNullable()
      .defaultTo('[]')
      .comment('JSON: the projects the last successful apply wrote to');
    table.bigInteger('last_attempt_at').nullable();
    table.bigInteger('last_applied_at').nullable();
    table.integer('applied_count').nullable();
    table.text('error').nullable().comment('Why the last attempt failed');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('kargo_manifest_sources');
};
