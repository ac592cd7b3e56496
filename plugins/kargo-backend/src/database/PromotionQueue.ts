import type { KargoStore } from './KargoStore';
import type { StageQueue } from './StageQueue';

/** A Promotion an instance has claimed (leased) to run. */
export type PromotionClaim = {
  project: string;
  name: string;
  stage: string;
  /** Creation order. */
  seq: number;
  /** The instance that held it before, if its lease lapsed (a takeover). */
  previousOwner?: string;
  /** A step started but never recorded: the previous run stopped inside it. */
  inFlightStep?: number;
  abortRequestedBy?: string;
};

/** Changes an owner makes to its claimed queue row. */
export type PromotionQueueUpdate = {
  inFlightStep?: number | null;
  /** Give the claim back; no one picks the Promotion up before notBefore. */
  release?: { notBefore: number };
  /** Terminal: the row leaves the queue (and its Stage's head moves on). */
  done?: boolean;
};

export type AbortRequest =
  | { state: 'missing' | 'done' }
  /** No live lease: the caller finishes the Promotion itself (same transaction). */
  | { state: 'unclaimed' }
  /** An instance runs it; it sees the request at its next heartbeat. */
  | { state: 'running'; owner: string };

export type PromotionLogLine = { step: number; at: number; message: string };

/** Thrown by fenced writes once another instance has taken the claim. */
export class LeaseLostError extends Error {
  constructor(project: string, name: string) {
    super(`lost the claim on Promotion "${project}/${name}"`);
    this.name = 'LeaseLostError';
  }
}

/**
 * The promotion engine's queue: FIFO per Stage (only the oldest unfinished
 * Promotion of a Stage can be claimed), leases renewed by a heartbeat, and
 * writes fenced by ownership, so a Promotion runs on one instance at a time
 * and an instance that lost its lease cannot write over its successor.
 */
export interface PromotionQueue {
  /**
   * One transaction over the resources, the queue and the Stage schedule
   * (what a Promotion's outcome makes due).
   */
  transaction<T>(
    fn: (
      store: KargoStore,
      queue: PromotionQueue,
      stages: StageQueue,
    ) => Promise<T>,
  ): Promise<T>;
  enqueue(entry: {
    project: string;
    name: string;
    stage: string;
  }): Promise<void>;
  /** Claims up to `limit` claimable Promotions (each its Stage's head). */
  claim(options: {
    owner: string;
    leaseMs: number;
    limit: number;
  }): Promise<PromotionClaim[]>;
  /**
   * Extends the lease if `owner` still holds it. In a transaction this also
   * locks the row until commit, which is what fences the caller's writes.
   */
  heartbeat(
    claim: PromotionClaim,
    owner: string,
    leaseMs: number,
  ): Promise<{ held: boolean; abortRequestedBy?: string }>;
  update(
    claim: PromotionClaim,
    owner: string,
    changes: PromotionQueueUpdate,
  ): Promise<boolean>;
  requestAbort(
    project: string,
    name: string,
    actor: string,
  ): Promise<AbortRequest>;
  /** Marks a Promotion no one holds as done (abort of a queued one). */
  finishUnclaimed(project: string, name: string): Promise<boolean>;
  /** Pending ahead of this one on its Stage (0 = next), undefined when done. */
  position(project: string, name: string): Promise<number | undefined>;
  appendLogs(
    project: string,
    promotion: string,
    lines: PromotionLogLine[],
  ): Promise<void>;
  readLogs(project: string, promotion: string): Promise<PromotionLogLine[]>;
  /** Claims whose owner stopped renewing them. */
  lapsed(): Promise<
    Array<{ project: string; name: string; owner: string; expiredAt: number }>
  >;
  /** The earliest not_before among claimable heads, for timers. */
  nextDueAt(): Promise<number | undefined>;
  /**
   * Makes a Stage's waiting Promotions due now (its verification ended);
   * running ones are left alone.
   */
  wakeStage(project: string, stage: string): Promise<void>;
  /** Forgets queue rows and logs of Promotions that no longer exist. */
  prune(): Promise<number>;
}
