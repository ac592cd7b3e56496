import dagre from '@dagrejs/dagre';
import type { StageView } from '../../model/pipelineModel';
import { gateLines } from '../gates';
import { buildGraph, type PipelineNodeData } from './graphModel';

export const STAGE_WIDTH = 300;
export const WAREHOUSE_WIDTH = 200;
/** One line of a node card. */
export const LINE = 22;

export type Box = { x: number; y: number; width: number; height: number };

export type PositionedNode = Box & { id: string; data: PipelineNodeData };
export type PositionedEdge = {
  from: string;
  to: string;
  /** SVG path data. */
  path: string;
  /** What the path covers, to leave out edges far off screen. */
  bounds: Box;
};

export type PipelineLayout = {
  width: number;
  height: number;
  nodes: PositionedNode[];
  edges: PositionedEdge[];
};

/**
 * A Stage card's size, known before it is drawn: the graph is laid out
 * once, with no measuring pass (that pass, and the wait for the layout to
 * settle, made big pipelines slow to appear).
 */
export function stageCardSize(stage: StageView) {
  const lines =
    5 +
    Math.max(1, stage.current.length) +
    (stage.running ? 1 : 0) +
    gateLines(stage);
  return { width: STAGE_WIDTH, height: lines * LINE + 16 };
}

export const WAREHOUSE_CARD_SIZE = {
  width: WAREHOUSE_WIDTH,
  height: 2 * LINE + 24,
};

const PADDING = 16;

/**
 * Lays the pipeline out left to right with dagre (what Backstage's
 * DependencyGraph uses): Warehouses, then Stages in promotion order.
 * Edges are smooth curves through dagre's routing points.
 */
export function layoutPipeline(
  stages: StageView[],
  warehouses: string[],
  searching: boolean,
): PipelineLayout {
  const { nodes, edges } = buildGraph(stages, warehouses, searching);
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({
    rankdir: 'LR',
    nodesep: 20,
    ranksep: 80,
    marginx: PADDING,
    marginy: PADDING,
  });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) {
    graph.setNode(
      node.id,
      node.kind === 'stage' ? stageCardSize(node.stage) : WAREHOUSE_CARD_SIZE,
    );
  }
  for (const edge of edges) graph.setEdge(edge.from, edge.to);
  dagre.layout(graph);

  const positioned = nodes.map((node): PositionedNode => {
    const { x, y, width, height } = graph.node(node.id);
    return {
      id: node.id,
      x: x - width / 2,
      y: y - height / 2,
      width,
      height,
      data: node,
    };
  });
  const laidOutEdges = edges.map((edge): PositionedEdge => {
    const points = graph.edge(edge.from, edge.to).points ?? [];
    return {
      from: edge.from,
      to: edge.to,
      path: smoothPath(points),
      bounds: boundsOf(points),
    };
  });
  const { width = 0, height = 0 } = graph.graph();
  return { width, height, nodes: positioned, edges: laidOutEdges };
}

/** A curve through the points (Catmull-Rom as cubic Béziers). */
export function smoothPath(points: Array<{ x: number; y: number }>): string {
  if (points.length === 0) return '';
  const r = (n: number) => Math.round(n * 10) / 10;
  let d = `M${r(points[0].x)},${r(points[0].y)}`;
  for (let i = 0; i < points.length - 1; i++) {
    const p0 = points[i - 1] ?? points[i];
    const p1 = points[i];
    const p2 = points[i + 1];
    const p3 = points[i + 2] ?? p2;
    const c1 = { x: p1.x + (p2.x - p0.x) / 6, y: p1.y + (p2.y - p0.y) / 6 };
    const c2 = { x: p2.x - (p3.x - p1.x) / 6, y: p2.y - (p3.y - p1.y) / 6 };
    d += `C${r(c1.x)},${r(c1.y)} ${r(c2.x)},${r(c2.y)} ${r(p2.x)},${r(p2.y)}`;
  }
  return d;
}

function boundsOf(points: Array<{ x: number; y: number }>): Box {
  if (!points.length) return { x: 0, y: 0, width: 0, height: 0 };
  const xs = points.map(p => p.x);
  const ys = points.map(p => p.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

/** Whether two boxes overlap. */
export function intersects(a: Box, b: Box): boolean {
  return (
    a.x <= b.x + b.width &&
    b.x <= a.x + a.width &&
    a.y <= b.y + b.height &&
    b.y <= a.y + a.height
  );
}
