// @ts-check

/**
 * One table holds every Kargo resource, as Kubernetes keeps them in one store:
 * the API is generic over kinds, and a multi-document apply must be a single
 * transaction over one table. The columns beside the JSON are what the API
 * filters and orders on.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('kargo_resources', table => {
    table.comment('Kargo resources (Project, Warehouse, Stage, Freight, ...)');
    table.string('uid', 36).primary().notNullable();
    table.string('kind', 64).notNullable();
    table
      .string('project', 253)
      .notNullable()
      .comment(
        "Owning project; a Project's own name; '' for cluster-wide kinds",
      );
    table.string('name', 253).notNullable();
    table
      .bigInteger('resource_version')
      .notNullable()
      .comment('Bumped on every write; optimistic concurrency');
    table
      .bigInteger('generation')
      .notNullable()
      .comment('Bumped when the user-owned content changes');
    table.text('metadata').notNullable().comment('JSON: labels, annotations');
    table
      .text('spec')
      .notNullable()
      .comment('JSON: user-owned content (spec, or top-level Freight fields)');
    table.text('status').notNullable().comment('JSON: engine-owned status');
    table.string('alias', 253).nullable().comment('Freight alias');
    table.string('origin', 253).nullable().comment('Freight origin Warehouse');
    table.string('stage', 253).nullable().comment('Promotion target Stage');
    table
      .bigInteger('sort_at')
      .notNullable()
      .comment('Epoch ms the API orders by (Freight: discoveredAt)');
    table.bigInteger('created_at').notNullable().comment('Epoch ms');
    table.bigInteger('updated_at').notNullable().comment('Epoch ms');

    table.unique(['kind', 'project', 'name'], {
      indexName: 'kargo_resources_kind_project_name_uniq',
    });
    table.unique(['kind', 'project', 'alias'], {
      indexName: 'kargo_resources_kind_project_alias_uniq',
    });
    table.index(['project', 'kind', 'sort_at'], 'kargo_resources_sort_idx');
    table.index(
      ['project', 'kind', 'origin', 'sort_at'],
      'kargo_resources_origin_idx',
    );
    table.index(
      ['project', 'kind', 'stage', 'sort_at'],
      'kargo_resources_stage_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('kargo_resources');
};
