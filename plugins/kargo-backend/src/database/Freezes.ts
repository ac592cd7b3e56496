/** An emergency freeze of a whole project (no stage) or of one Stage. */
export type Freeze = {
  project: string;
  /** Absent for the whole project. */
  stage?: string;
  reason: string;
  /** Who froze it (Kargo actor string). */
  actor: string;
  /** ISO 8601. */
  createdAt: string;
};

/** Where freezes are kept: state of the portal, not a Kargo manifest. */
export interface Freezes {
  /** Freezes (or re-freezes with a new reason and actor). */
  freeze(freeze: Omit<Freeze, 'createdAt'>): Promise<Freeze>;
  /** Lifts a freeze; false if there was none. */
  unfreeze(project: string, stage?: string): Promise<Freeze | undefined>;
  /** Every freeze of a project, the project-wide one first. */
  list(project: string): Promise<Freeze[]>;
  /** The freezes that stop Promotions to this Stage. */
  affecting(project: string, stage: string): Promise<Freeze[]>;
  /** Forgets freezes of deleted projects and Stages. */
  prune(): Promise<number>;
}
