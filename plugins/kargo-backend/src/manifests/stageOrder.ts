import type { StoredResource } from '../database';
import { upstreamStagesOf } from './references';

/**
 * Stages in pipeline order: every Stage after the Stages it takes Freight
 * from, and by name among Stages at the same depth (dev, staging, prod rather
 * than dev, prod, staging). Upstream Stages outside the list are ignored.
 */
export function orderStages(stages: StoredResource[]): StoredResource[] {
  const byName = new Map(stages.map(s => [s.name, s]));
  const depth = new Map<string, number>();
  const depthOf = (name: string, seen: Set<string>): number => {
    const known = depth.get(name);
    if (known !== undefined) {
      return known;
    }
    const stage = byName.get(name);
    if (!stage || seen.has(name)) {
      return -1; // outside the list, or a cycle (refused at apply time)
    }
    seen.add(name);
    const upstream = upstreamStagesOf(stage.spec).map(u => depthOf(u, seen));
    const d = 1 + Math.max(-1, ...upstream);
    depth.set(name, d);
    return d;
  };
  return [...stages].sort(
    (a, b) =>
      depthOf(a.name, new Set()) - depthOf(b.name, new Set()) ||
      a.name.localeCompare(b.name),
  );
}
