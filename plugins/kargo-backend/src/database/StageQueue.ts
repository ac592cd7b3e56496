/** A Stage this instance holds a reconciliation claim on. */
export type StageClaim = { project: string; name: string; touchSeq: number };

/**
 * Which Stages are due for reconciliation and who works on them. Claims
 * are leases, so several backend instances share the work and no Stage is
 * reconciled by two of them at once (a verification is measured once).
 */
export interface StageQueue {
  /** Makes Stages due now: something they depend on changed. */
  touch(stages: Array<{ project: string; name: string }>): Promise<void>;
  /** Claims up to `limit` due Stages not held by a live claim. */
  claimDue(options: {
    owner: string;
    leaseMs: number;
    limit: number;
  }): Promise<StageClaim[]>;
  /** Extends a claim still held by `owner`; false if it was lost. */
  renew(claim: StageClaim, owner: string, leaseMs: number): Promise<boolean>;
  /**
   * Releases a claim: due again at `nextDueAt` (or settled without one),
   * or at once if it was touched while held.
   */
  complete(claim: StageClaim, owner: string, nextDueAt?: number): Promise<void>;
  /** Makes every Stage not reconciled for `olderThanMs` due (the sweep). */
  sweep(olderThanMs: number): Promise<number>;
  /** The earliest due time of an unclaimed Stage, for timers. */
  nextDueAt(): Promise<number | undefined>;
  /** Forgets Stages that no longer exist. */
  prune(): Promise<number>;
}
