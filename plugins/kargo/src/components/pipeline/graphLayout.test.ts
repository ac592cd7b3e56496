import { project, stage } from '../../__testUtils__/pipelineFixtures';
import { buildPipelineModel } from '../../model/pipelineModel';
import { intersects, layoutPipeline, smoothPath } from './graphLayout';

/** `chains` chains of `length` Stages, each fed by the Warehouse. */
function chains(count: number, length: number) {
  const name = (c: number, k: number) => `s${c}-${k}`;
  return buildPipelineModel(
    project({
      stages: Array.from({ length: count * length }, (_, i) => {
        const c = Math.floor(i / length);
        const k = i % length;
        return stage(
          name(c, k),
          k === 0 ? { direct: true } : { stages: [name(c, k - 1)] },
        );
      }),
    }),
  ).stages;
}

describe('layoutPipeline', () => {
  it('puts each Stage right of what feeds it, cards apart, inside the drawing', () => {
    const layout = layoutPipeline(chains(3, 4), ['guestbook'], false);
    const byId = new Map(layout.nodes.map(n => [n.id, n]));
    expect(layout.nodes).toHaveLength(13);
    expect(layout.edges).toHaveLength(12);
    for (const edge of layout.edges) {
      const from = byId.get(edge.from)!;
      const to = byId.get(edge.to)!;
      expect(from.x + from.width).toBeLessThan(to.x);
      // The curve leaves the upstream card at its border and ends on the
      // downstream card's left side.
      const [, x0, y0] = /^M([\d.]+),([\d.]+)/.exec(edge.path)!.map(Number);
      const [x1, y1] = edge.path.split(' ').at(-1)!.split(',').map(Number);
      const within = (x: number, y: number, box: typeof from) =>
        x >= box.x - 0.5 &&
        x <= box.x + box.width + 0.5 &&
        y >= box.y - 0.5 &&
        y <= box.y + box.height + 0.5;
      expect(within(x0, y0, from)).toBe(true);
      expect(within(x1, y1, to)).toBe(true);
      expect(x1).toBeCloseTo(to.x, 0);
    }
    for (const a of layout.nodes) {
      expect(a.x).toBeGreaterThanOrEqual(0);
      expect(a.y).toBeGreaterThanOrEqual(0);
      expect(a.x + a.width).toBeLessThanOrEqual(layout.width);
      expect(a.y + a.height).toBeLessThanOrEqual(layout.height);
    }
    const overlapping = layout.nodes.flatMap(a =>
      layout.nodes
        .filter(b => a !== b && intersects(a, b))
        .map(b => `${a.id} × ${b.id}`),
    );
    expect(overlapping).toEqual([]);
  });

  it('sizes a Stage card by what it shows', () => {
    const layout = layoutPipeline(chains(1, 1), ['guestbook'], false);
    const card = layout.nodes.find(n => n.id === 'stage:s0-0')!;
    // Title, one Freight line ("no Freight yet") and four facts.
    expect([card.width, card.height]).toEqual([300, 6 * 22 + 16]);
  });
});

describe('smoothPath', () => {
  it('passes through every routing point', () => {
    const d = smoothPath([
      { x: 0, y: 0 },
      { x: 10, y: 5 },
      { x: 20, y: 0 },
    ]);
    expect(d.startsWith('M0,0C')).toBe(true);
    expect(d).toContain(' 10,5C');
    expect(d.endsWith(' 20,0')).toBe(true);
  });
});
