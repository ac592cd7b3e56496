/** A person's decision on a Promotion waiting for approval. */
export type PromotionReview = {
  project: string;
  promotion: string;
  /** The alias of the `wait-for-approval` step reviewed. */
  step: string;
  /** User entity ref. */
  reviewer: string;
  decision: 'Approved' | 'Rejected';
  comment?: string;
  /** ISO 8601. */
  createdAt: string;
};

/** Where reviews are kept, apart from the Promotion the engine writes. */
export interface PromotionReviews {
  /** Records a review; false if this reviewer already reviewed the step. */
  add(review: Omit<PromotionReview, 'createdAt'>): Promise<boolean>;
  /** The reviews of one step of a Promotion, oldest first. */
  list(
    project: string,
    promotion: string,
    step: string,
  ): Promise<PromotionReview[]>;
  /** The reviews of these Promotions (all their steps), oldest first. */
  listFor(project: string, promotions: string[]): Promise<PromotionReview[]>;
  /** Forgets reviews of deleted Promotions. */
  prune(): Promise<number>;
}
