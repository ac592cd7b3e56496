/*
 * Native verification: Argo Rollouts' AnalysisRuns of AnalysisTemplates,
 * run by this engine for the web and prometheus providers. A run is plain
 * JSON; the Stage side creates it, advances it when due, and aborts it.
 */
export { createAnalysisRun, abortAnalysisRun } from './analysisRun';
export type { CreateAnalysisRunInput } from './analysisRun';
export { advanceAnalysisRun } from './advanceAnalysisRun';
export type { AdvanceOptions, AdvanceResult } from './advanceAnalysisRun';
export { createMetricProviders } from './providers';
export { isCompleted, isRunFinished } from './types';
export type {
  AnalysisPhase,
  AnalysisRun,
  AnalysisRunPhase,
  Measurement,
  MeasureOutcome,
  MetricProvider,
  MetricResult,
} from './types';
