import type { JsonObject } from '@backstage/types';
import type { StageAuditEntry } from '@kargo-backstage/plugin-kargo-common';
import type {
  Freezes,
  KargoStore,
  PromotionReviews,
  StoredResource,
} from '../database';
import { CREATE_ACTOR_ANNOTATION } from '../promotions/PromotionCreator';
import type { Rejection } from './freightAvailability';

/** Promotions and Freight looked at, newest first. */
const WINDOW = 500;

const annotation = (r: StoredResource, key: string) =>
  (r.metadata.annotations as Record<string, string> | undefined)?.[key];

/**
 * "Who promoted or approved what, when" for one Stage, from what the
 * engine keeps: the Stage's Promotions (creator and outcome), the reviews of
 * those waiting for approval, approvals and rejections of Freight for the
 * Stage, and the freezes in force. Newest first. The same decisions also
 * go to Backstage's auditor as they happen; this answers from the database
 * so the portal can show it.
 */
export class StageAuditTrail {
  constructor(
    private readonly store: KargoStore,
    private readonly reviews: PromotionReviews,
    private readonly freezes: Freezes,
  ) {}

  async of(project: string, stage: string): Promise<StageAuditEntry[]> {
    const [promotions, freight, freezes] = await Promise.all([
      this.store.listResources({
        kind: 'Promotion',
        project,
        stages: [stage],
        order: 'newest',
        limit: WINDOW,
      }),
      this.store.listResources({
        kind: 'Freight',
        project,
        order: 'newest',
        limit: WINDOW,
      }),
      this.freezes.affecting(project, stage),
    ]);
    const entries: StageAuditEntry[] = [];
    for (const p of promotions.items) {
      entries.push({
        at: new Date(p.createdAt).toISOString(),
        actor: annotation(p, CREATE_ACTOR_ANNOTATION) ?? 'unknown',
        action: 'promoted',
        promotion: p.name,
        freight: String(p.spec.freight),
        ...(p.status.phase ? { outcome: String(p.status.phase) } : {}),
      });
    }
    for (const r of await this.reviews.listFor(
      project,
      promotions.items.map(p => p.name),
    )) {
      entries.push({
        at: r.createdAt,
        actor: r.reviewer,
        action:
          r.decision === 'Approved'
            ? 'approved-promotion'
            : 'rejected-promotion',
        promotion: r.promotion,
        ...(r.comment ? { detail: r.comment } : {}),
      });
    }
    for (const f of freight.items) {
      const approved = (f.status.approvedFor as JsonObject | undefined)?.[
        stage
      ] as { approvedAt?: string; approvedBy?: string } | undefined;
      if (approved?.approvedAt) {
        entries.push({
          at: approved.approvedAt,
          actor: approved.approvedBy ?? 'unknown',
          action: 'approved-freight',
          freight: f.name,
        });
      }
      const rejections = [
        (f.status.rejectedFor as JsonObject | undefined)?.[stage],
        f.status.rejected,
      ] as Array<Rejection | undefined>;
      for (const rejection of rejections) {
        if (!rejection) continue;
        entries.push({
          at: rejection.rejectedAt,
          actor: rejection.rejectedBy,
          action: 'rejected-freight',
          freight: f.name,
          detail: rejection.reason,
        });
      }
    }
    for (const freeze of freezes) {
      entries.push({
        at: freeze.createdAt,
        actor: freeze.actor,
        action: 'froze',
        detail: `${freeze.stage ? 'Stage' : 'project'}: ${freeze.reason}`,
      });
    }
    return entries.sort((a, b) => b.at.localeCompare(a.at));
  }
}
