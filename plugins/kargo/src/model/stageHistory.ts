import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import type { StageStatus, VerificationInfo } from './kargoTypes';

/** One Freight a Stage held, of one origin. */
export type HeldFreight = { origin: string; name: string };

/** One entry of a Stage's Freight history, newest first. */
export type FreightHistoryEntry = {
  /** 0 is what the Stage holds now. */
  index: number;
  freight: HeldFreight[];
  verifications: VerificationInfo[];
};

/** A verification with the Freight it verified. */
export type VerificationEntry = VerificationInfo & {
  /** The Freight the Stage held while it ran. */
  freight: HeldFreight[];
  /** True for the verifications of what the Stage holds now. */
  current: boolean;
};

/**
 * The Stage's Freight history as Kargo keeps it (newest first, up to 10
 * collections), each with the Freight of every origin it held together.
 */
export function freightHistoryOf(stage: KargoManifest): FreightHistoryEntry[] {
  const history = (stage.status as StageStatus | undefined)?.freightHistory;
  return (history ?? []).map((entry, index) => ({
    index,
    freight: Object.entries(entry.items ?? {}).flatMap(([key, ref]) =>
      ref.name
        ? [
            {
              origin: ref.origin?.name ?? key.replace(/^Warehouse\//, ''),
              name: ref.name,
            },
          ]
        : [],
    ),
    verifications: entry.verificationHistory ?? [],
  }));
}

/** Every verification the Stage's history records, newest first. */
export function verificationsOf(stage: KargoManifest): VerificationEntry[] {
  return freightHistoryOf(stage).flatMap(entry =>
    entry.verifications.map(v => ({
      ...v,
      freight: entry.freight,
      current: entry.index === 0,
    })),
  );
}
