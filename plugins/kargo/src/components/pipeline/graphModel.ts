import type { StageView } from '../../model/pipelineModel';

export type PipelineNodeData =
  | { kind: 'warehouse'; name: string }
  | { kind: 'stage'; stage: StageView };

export type PipelineNode = PipelineNodeData & { id: string };
export type PipelineEdge = { from: string; to: string };

export const warehouseNodeId = (name: string) => `warehouse:${name}`;
export const stageNodeId = (name: string) => `stage:${name}`;

/**
 * Warehouses → Stages as a DAG: an edge from each Warehouse a Stage takes
 * Freight from directly, and from each upstream Stage. Upstreams outside
 * the shown Stages (filtered by search or the entity's annotation) are
 * left out rather than drawn as dangling nodes; Warehouses without a
 * shown Stage are left out while searching.
 */
export function buildGraph(
  stages: StageView[],
  warehouses: string[],
  searching: boolean,
): { nodes: PipelineNode[]; edges: PipelineEdge[] } {
  const shown = new Set(stages.map(s => s.name));
  const edges: PipelineEdge[] = [];
  const fed = new Set<string>();
  for (const stage of stages) {
    for (const warehouse of stage.directFrom) {
      fed.add(warehouse);
      edges.push({
        from: warehouseNodeId(warehouse),
        to: stageNodeId(stage.name),
      });
    }
    for (const upstream of stage.upstreams) {
      if (shown.has(upstream)) {
        edges.push({
          from: stageNodeId(upstream),
          to: stageNodeId(stage.name),
        });
      }
    }
  }
  const warehouseNodes: PipelineNode[] = warehouses
    .filter(name => !searching || fed.has(name))
    .map(name => ({
      id: warehouseNodeId(name),
      kind: 'warehouse',
      name,
    }));
  const known = new Set(warehouses);
  const dedupedEdges = [
    ...new Map(
      edges
        .filter(
          e =>
            !e.from.startsWith('warehouse:') ||
            known.has(e.from.slice('warehouse:'.length)),
        )
        .map(e => [`${e.from}>${e.to}`, e]),
    ).values(),
  ];
  return {
    nodes: [
      ...warehouseNodes,
      ...stages.map(
        (stage): PipelineNode => ({
          id: stageNodeId(stage.name),
          kind: 'stage',
          stage,
        }),
      ),
    ],
    edges: dedupedEdges,
  };
}
