import {
  DependencyGraph,
  DependencyGraphTypes,
} from '@backstage/core-components';
import { useMemo } from 'react';
import type { StageView } from '../../model/pipelineModel';
import { buildGraph, PipelineNodeData } from './graphModel';
import { StageNode, WarehouseNode } from './PipelineNodes';

function renderNode(
  props: DependencyGraphTypes.RenderNodeProps<PipelineNodeData>,
) {
  const { node } = props;
  return node.kind === 'stage' ? (
    <StageNode stage={node.stage} />
  ) : (
    <WarehouseNode name={node.name} />
  );
}

/**
 * The pipeline as a graph, left to right: Warehouses, then Stages in
 * promotion order. Nodes and edges are memoized: the graph lays out again
 * only when the pipeline or the search changes.
 */
export function PipelineGraph(props: {
  stages: StageView[];
  warehouses: string[];
  searching: boolean;
}) {
  const { stages, warehouses, searching } = props;
  const { nodes, edges } = useMemo(
    () => buildGraph(stages, warehouses, searching),
    [stages, warehouses, searching],
  );
  return (
    <DependencyGraph<PipelineNodeData, {}>
      nodes={nodes}
      edges={edges}
      renderNode={renderNode}
      direction={DependencyGraphTypes.Direction.LEFT_RIGHT}
      rankMargin={80}
      nodeMargin={20}
      zoom="enable-on-click"
      showArrowHeads
      aria-label="Pipeline graph"
    />
  );
}
