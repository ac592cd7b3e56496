/**
 * What the Warehouse discovery section reports: rows of figures (each next
 * to a baseline measured in the same run), notes, and loud skips.
 */

export type DiscoveryUnit = 'ms' | 's' | 'MiB' | 'per s' | 'count';

export type DiscoveryStat = {
  label: string;
  unit: DiscoveryUnit;
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

export type DiscoveryFigure = {
  id: 'images' | 'push-to-freight' | 'git-recheck' | 'warehouses';
  title: string;
  /** "—" for database-independent figures, else the database. */
  database: string;
  stats: DiscoveryStat[];
  /** What the baseline is, for the report's Baselines list. */
  baseline: string;
};

export type DiscoveryResult = {
  figures: DiscoveryFigure[];
  notes: string[];
  /** Figures not measured, and why (a missing tool or server). */
  skipped: string[];
  seconds: number;
};

export type Log = (line: string) => void;
