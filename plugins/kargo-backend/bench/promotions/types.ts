/**
 * What the promotions section reports, per database: figures (each next to
 * a baseline measured in the same run), notes, loud skips and failures.
 */
import type { BenchFigure } from '../figures';

export type { Log } from '../figures';

export type PromotionFigure = BenchFigure & {
  id: 'one-promotion' | 'promotion-fleet' | 'spawn-stall';
};

export type PromotionsResult = {
  database: string;
  version: string;
  figures: PromotionFigure[];
  notes: string[];
  /** Figures not measured, and why (a missing tool or server). */
  skipped: string[];
  /** Figures that ran and went wrong (a Promotion not Succeeded, say). */
  failures: string[];
  seconds: number;
};
