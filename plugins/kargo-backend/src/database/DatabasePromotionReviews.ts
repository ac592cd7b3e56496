import { Knex } from 'knex';
import { deleteOrphans } from './deleteOrphans';
import type { PromotionReview, PromotionReviews } from './PromotionReviews';

const TABLE = 'kargo_promotion_reviews';

type Row = {
  project: string;
  promotion: string;
  step: string;
  reviewer: string;
  decision: 'Approved' | 'Rejected';
  comment: string | null;
  created_at: number | string;
};

/** The knex implementation of {@link PromotionReviews}. */
export class DatabasePromotionReviews implements PromotionReviews {
  constructor(
    private readonly db: Knex,
    private readonly clock: () => number = Date.now,
  ) {}

  async add(review: Omit<PromotionReview, 'createdAt'>): Promise<boolean> {
    const inserted = await this.db(TABLE)
      .insert({
        project: review.project,
        promotion: review.promotion,
        step: review.step,
        reviewer: review.reviewer,
        decision: review.decision,
        comment: review.comment ?? null,
        created_at: this.clock(),
      })
      .onConflict(['project', 'promotion', 'step', 'reviewer'])
      .ignore()
      .returning('reviewer');
    return inserted.length > 0;
  }

  async list(project: string, promotion: string, step: string) {
    const rows = await this.db<Row>(TABLE)
      .where({ project, promotion, step })
      .orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'reviewer', order: 'asc' },
      ]);
    return rows.map(toReview);
  }

  async listFor(project: string, promotions: string[]) {
    const reviews: PromotionReview[] = [];
    // Bounded IN lists: SQLite caps bound parameters per statement.
    for (let i = 0; i < promotions.length; i += 500) {
      const rows = await this.db<Row>(TABLE)
        .where({ project })
        .whereIn('promotion', promotions.slice(i, i + 500));
      reviews.push(...rows.map(toReview));
    }
    return reviews.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  prune(): Promise<number> {
    return deleteOrphans(this.db, TABLE, 'Promotion', 'promotion');
  }
}

function toReview(row: Row): PromotionReview {
  return {
    project: row.project,
    promotion: row.promotion,
    step: row.step,
    reviewer: row.reviewer,
    decision: row.decision,
    ...(row.comment ? { comment: row.comment } : {}),
    createdAt: new Date(Number(row.created_at)).toISOString(),
  };
}
