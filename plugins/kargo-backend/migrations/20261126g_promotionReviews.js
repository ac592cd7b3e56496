// @ts-check

/**
 * Reviews of Promotions waiting in a `wait-for-approval` step: who approved
 * or rejected which step of which Promotion, when, and why. One per
 * reviewer and step: approvals are counted by distinct reviewers.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('kargo_promotion_reviews', table => {
    table.comment('Approvals and rejections of Promotions by people');
    table.string('project', 253).notNullable();
    table.string('promotion', 253).notNullable();
    table.string('step', 253).notNullable().comment('The step alias');
    table.string('reviewer', 512).notNullable().comment('User entity ref');
    table.string('decision', 16).notNullable().comment('Approved | Rejected');
    table.text('comment');
    table.bigInteger('created_at').notNullable();
    table.primary(['project', 'promotion', 'step', 'reviewer']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('kargo_promotion_reviews');
};
