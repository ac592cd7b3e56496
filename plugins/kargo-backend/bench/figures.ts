/**
 * A figure of the sections run in processes of their own (Warehouse
 * discovery, promotions): rows of stats, each next to a baseline measured in
 * the same run, and what that baseline is.
 */

export type FigureUnit = 'ms' | 's' | 'MiB' | 'per s' | 'count';

export type FigureStat = {
  label: string;
  unit: FigureUnit;
  ours: number;
  /** Absent when nothing comparable exists (a request count, say). */
  baseline?: number;
  /** Replaces the formatted numbers (e.g. "20 HEAD + 20 GET"). */
  oursText?: string;
  baselineText?: string;
  /** Higher is better (a throughput): the ratio is then baseline ÷ ours. */
  higherIsBetter?: boolean;
  target?: { text: string; met: boolean };
};

export type BenchFigure = {
  title: string;
  /** "—" for database-independent figures, else the database. */
  database: string;
  stats: FigureStat[];
  /** What the baseline is, for the report's Baselines list. */
  baseline: string;
};

export type Log = (line: string) => void;
