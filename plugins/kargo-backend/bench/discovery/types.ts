/**
 * What the Warehouse discovery section reports: rows of figures (each next
 * to a baseline measured in the same run), notes, and loud skips.
 */
import type { BenchFigure } from '../figures';

export type { Log } from '../figures';

export type DiscoveryFigure = BenchFigure & {
  id: 'images' | 'push-to-freight' | 'git-recheck' | 'warehouses';
};

export type DiscoveryResult = {
  figures: DiscoveryFigure[];
  notes: string[];
  /** Figures not measured, and why (a missing tool or server). */
  skipped: string[];
  seconds: number;
};
