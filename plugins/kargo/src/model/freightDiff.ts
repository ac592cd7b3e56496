import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import { Artifact, artifactsOf } from './artifacts';
import { compareUrl } from './compareUrl';

/** One artifact in the promote dialog: what the Stage has, what it gets. */
export type ArtifactChange = {
  key: string;
  name: string;
  kind: Artifact['kind'];
  from?: Artifact;
  to?: Artifact;
  changed: boolean;
  compareUrl?: string;
};

/**
 * Side by side, artifact by artifact: the Freight a Stage holds of an
 * origin against the Freight about to replace it. Artifacts only one side
 * has are listed as added or removed.
 */
export function diffFreight(
  current: KargoManifest | undefined,
  incoming: KargoManifest,
): ArtifactChange[] {
  const before = new Map(
    (current ? artifactsOf(current) : []).map(a => [a.key, a]),
  );
  const after = artifactsOf(incoming);
  const changes: ArtifactChange[] = after.map(to => {
    const from = before.get(to.key);
    before.delete(to.key);
    return {
      key: to.key,
      name: to.name,
      kind: to.kind,
      from,
      to,
      changed: from?.fullVersion !== to.fullVersion,
      compareUrl: from ? compareUrl(from, to) : undefined,
    };
  });
  for (const from of before.values()) {
    changes.push({
      key: from.key,
      name: from.name,
      kind: from.kind,
      from,
      changed: true,
    });
  }
  return changes;
}
