/** A Warehouse this instance holds a discovery claim on. */
export type DiscoveryClaim = {
  project: string;
  name: string;
  /** The Warehouse generation this claim was taken for. */
  generation: number;
  failures: number;
  /** Set when the Warehouse was never discovered, or its spec changed. */
  specChanged: boolean;
};

/**
 * Which Warehouses are due for discovery and who works on them. Claims are
 * leases in the database, so several backend instances share the work and
 * no Warehouse is discovered by two of them at once.
 */
export interface DiscoveryQueue {
  /**
   * Claims up to `limit` Warehouses that are due (never discovered, spec
   * changed, interval elapsed or refresh asked) and not held by a live claim.
   */
  claimDue(options: {
    owner: string;
    leaseMs: number;
    limit: number;
  }): Promise<DiscoveryClaim[]>;
  /** Extends a claim still held by `owner`; false if it was lost. */
  renew(
    claim: DiscoveryClaim,
    owner: string,
    leaseMs: number,
  ): Promise<boolean>;
  /** Releases a claim and schedules the next check. */
  complete(
    claim: DiscoveryClaim,
    owner: string,
    outcome: { nextCheckAt: number; failed: boolean },
  ): Promise<void>;
  /** Makes a Warehouse due now (refresh); false if it does not exist. */
  requestRefresh(project: string, name: string): Promise<boolean>;
  /** Forgets the schedule of Warehouses that no longer exist. */
  prune(): Promise<number>;
  /** When a Warehouse is next due, if scheduled. */
  nextCheckAt(project: string, name: string): Promise<number | undefined>;
}
