import {
  KARGO_COLOR_ANNOTATION,
  KargoManifest,
} from '@kargo-backstage/plugin-kargo-common';

/**
 * Distinct, readable on light and dark themes; used in pipeline order for
 * Stages without a `kargo.akuity.io/color` annotation, as Kargo's UI does.
 */
const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#bcbd22',
  '#7f7f7f',
];

/** Stage name → its colour: the annotation, else the palette in order. */
export function stageColors(stages: KargoManifest[]): Map<string, string> {
  return new Map(
    stages.map((stage, index) => [
      stage.metadata.name,
      stage.metadata.annotations?.[KARGO_COLOR_ANNOTATION]?.trim() ||
        PALETTE[index % PALETTE.length],
    ]),
  );
}
