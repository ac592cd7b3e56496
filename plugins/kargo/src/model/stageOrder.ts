import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import type { RequestedFreight } from './kargoTypes';

/**
 * Stages in promotion order: each after the Stages it takes Freight from,
 * then by name (the order the backend answers an entity's pipeline in).
 */
export function orderStages(stages: KargoManifest[]): KargoManifest[] {
  const byName = new Map(stages.map(s => [s.metadata.name, s]));
  const depth = new Map<string, number>();
  const depthOf = (name: string, seen: Set<string>): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    const stage = byName.get(name);
    // Outside the list, or a cycle (the server refuses those).
    if (!stage || seen.has(name)) return -1;
    seen.add(name);
    const requested = (stage.spec?.requestedFreight ??
      []) as RequestedFreight[];
    const upstream = requested.flatMap(r => r.sources.stages ?? []);
    const d = 1 + Math.max(-1, ...upstream.map(u => depthOf(u, seen)));
    depth.set(name, d);
    return d;
  };
  return [...stages].sort(
    (a, b) =>
      depthOf(a.metadata.name, new Set()) -
        depthOf(b.metadata.name, new Set()) ||
      a.metadata.name.localeCompare(b.metadata.name),
  );
}
