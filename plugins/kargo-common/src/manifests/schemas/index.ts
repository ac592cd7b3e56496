import { z } from 'zod';
import type { KargoKind } from '../kinds';
import {
  analysisTemplateSchema,
  clusterAnalysisTemplateSchema,
} from './analysisTemplate';
import { clusterConfigSchema } from './clusterConfig';
import { freightSchema } from './freight';
import { projectSchema } from './project';
import { projectConfigSchema } from './projectConfig';
import { promotionSchema } from './promotion';
import {
  clusterPromotionTaskSchema,
  promotionTaskSchema,
} from './promotionTask';
import { stageSchema } from './stage';
import { warehouseSchema } from './warehouse';

export { clusterConfigSchema } from './clusterConfig';
export type { ClusterConfigResource } from './clusterConfig';
export { freightSchema } from './freight';
export type { FreightResource } from './freight';
export { projectSchema } from './project';
export type { ProjectResource } from './project';
export { projectConfigSchema } from './projectConfig';
export type { ProjectConfigResource } from './projectConfig';
export { promotionSchema } from './promotion';
export type { PromotionResource } from './promotion';
export {
  clusterPromotionTaskSchema,
  promotionTaskSchema,
} from './promotionTask';
export type {
  ClusterPromotionTaskResource,
  PromotionTaskResource,
} from './promotionTask';
export { stageSchema } from './stage';
export type { StageResource } from './stage';
export { warehouseSchema } from './warehouse';
export type {
  ChartSubscription,
  GitSubscription,
  ImageSubscription,
  WarehouseResource,
  WarehouseSubscription,
} from './warehouse';
export type { PromotionStep } from './steps';
export {
  analysisTemplateSchema,
  clusterAnalysisTemplateSchema,
} from './analysisTemplate';
export type {
  AnalysisArgument,
  AnalysisMetric,
  AnalysisTemplateResource,
  AnalysisTemplateSpec,
  ClusterAnalysisTemplateResource,
} from './analysisTemplate';
export type { PrometheusMetric, WebMetric } from './analysisProviders';
export {
  checkMetricRules,
  intOrStringValue,
  isTemplated,
  parseRolloutsDuration,
} from './analysisRules';
export type {
  IntOrString,
  MetricCounts,
  MetricRuleIssue,
} from './analysisRules';

/** The schema of each kind, validating a whole object and applying defaults. */
export const manifestSchemas = {
  Project: projectSchema,
  ProjectConfig: projectConfigSchema,
  ClusterConfig: clusterConfigSchema,
  Warehouse: warehouseSchema,
  Stage: stageSchema,
  Freight: freightSchema,
  Promotion: promotionSchema,
  PromotionTask: promotionTaskSchema,
  ClusterPromotionTask: clusterPromotionTaskSchema,
  AnalysisTemplate: analysisTemplateSchema,
  ClusterAnalysisTemplate: clusterAnalysisTemplateSchema,
} satisfies Record<KargoKind, z.ZodType>;

/**
 * Any validated object, a Kargo kind or an Argo Rollouts template (output
 * of {@link manifestSchemas}).
 */
export type KargoResource = {
  [K in KargoKind]: z.output<(typeof manifestSchemas)[K]>;
}[KargoKind];
