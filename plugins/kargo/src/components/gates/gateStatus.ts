import type {
  FreightRejection,
  KargoFreeze,
  KargoManifest,
  PromotionApprovalRequest,
  PromotionStepView,
  PromotionWindowStatusView,
} from '@kargo-backstage/plugin-kargo-common';

/** The step Kargo Enterprise (and this suite) waits for approvals in. */
export const WAIT_FOR_APPROVAL = 'wait-for-approval';

type GatedStatus = {
  freeze?: KargoFreeze;
  /** Every freeze in force, the project's first. */
  freezes?: KargoFreeze[];
  promotionWindowStatus?: PromotionWindowStatusView;
};

/** The freeze stopping Promotions to the Stage (its own or the project's). */
export function freezeOf(stage: KargoManifest): KargoFreeze | undefined {
  return (stage.status as GatedStatus | undefined)?.freeze ?? undefined;
}

/** The Stage's own freeze, even while the whole project is frozen too. */
export function ownFreezeOf(stage: KargoManifest): KargoFreeze | undefined {
  const status = stage.status as GatedStatus | undefined;
  const own = status?.freezes?.find(f => f.stage);
  if (own) return own;
  return status?.freeze?.stage ? status.freeze : undefined;
}

export function promotionWindowOf(
  stage: KargoManifest,
): PromotionWindowStatusView | undefined {
  return (
    (stage.status as GatedStatus | undefined)?.promotionWindowStatus ??
    undefined
  );
}

/** The project-wide freeze, as any Stage of the project reports it. */
export function projectFreezeOf(
  stages: KargoManifest[],
): KargoFreeze | undefined {
  for (const stage of stages) {
    const freeze = freezeOf(stage);
    if (freeze && !freeze.stage) return freeze;
  }
  return undefined;
}

type FreightRejectionStatus = {
  rejected?: FreightRejection;
  rejectedFor?: Record<string, FreightRejection>;
};

/** Why Freight may not go to the Stage: rejected for it or project-wide. */
export function rejectionOf(
  freight: KargoManifest,
  stage?: string,
): { rejection: FreightRejection; projectWide: boolean } | undefined {
  const status = freight.status as FreightRejectionStatus | undefined;
  if (status?.rejected) {
    return { rejection: status.rejected, projectWide: true };
  }
  const forStage = stage ? status?.rejectedFor?.[stage] : undefined;
  return forStage ? { rejection: forStage, projectWide: false } : undefined;
}

/** Every Stage the Freight is rejected for, by name. */
export function rejectedStagesOf(
  freight: KargoManifest,
): Array<[string, FreightRejection]> {
  const status = freight.status as FreightRejectionStatus | undefined;
  return Object.entries(status?.rejectedFor ?? {});
}

/** The approval request of a waiting Promotion, from its running step. */
export function approvalRequestOf(
  steps: PromotionStepView[],
): PromotionApprovalRequest | undefined {
  const step = steps.find(
    s => s.uses === WAIT_FOR_APPROVAL && s.status === 'Running' && s.output,
  );
  return step?.output as PromotionApprovalRequest | undefined;
}

/** A time for people, in UTC so that everyone reads the same. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return 'unknown';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const time = at.toLocaleString('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
  });
  return `${time} UTC`;
}
