import { KARGO_API_VERSION, ROLLOUTS_API_VERSION } from '../constants';

/**
 * Every kind of resource the suite stores: Kargo's own, and the Argo
 * Rollouts templates Stage verification refers to.
 */
export const KARGO_KINDS = [
  'Project',
  'ProjectConfig',
  'ClusterConfig',
  'Warehouse',
  'Stage',
  'Freight',
  'Promotion',
  'PromotionTask',
  'ClusterPromotionTask',
  'AnalysisTemplate',
  'ClusterAnalysisTemplate',
] as const;

export type KargoKind = (typeof KARGO_KINDS)[number];

export function isKargoKind(kind: unknown): kind is KargoKind {
  return (KARGO_KINDS as readonly unknown[]).includes(kind);
}

/** The kinds that are Argo Rollouts' (apiVersion argoproj.io/v1alpha1). */
export const ROLLOUTS_KINDS: readonly KargoKind[] = [
  'AnalysisTemplate',
  'ClusterAnalysisTemplate',
];

/** The apiVersion a kind's manifests carry. */
export function apiVersionOf(kind: KargoKind): string {
  return ROLLOUTS_KINDS.includes(kind)
    ? ROLLOUTS_API_VERSION
    : KARGO_API_VERSION;
}

/**
 * Cluster-scoped kinds have no project. A Project is its own tenancy
 * boundary, so it is stored under its own name as project.
 */
export const CLUSTER_SCOPED_KINDS: readonly KargoKind[] = [
  'Project',
  'ClusterConfig',
  'ClusterPromotionTask',
  'ClusterAnalysisTemplate',
];

export function isClusterScoped(kind: KargoKind): boolean {
  return CLUSTER_SCOPED_KINDS.includes(kind);
}

/**
 * Kinds whose content lives at the top level of the object rather than under
 * `spec` (Kargo's Freight carries `alias`, `origin`, `images`, ... directly).
 */
export const TOP_LEVEL_CONTENT_KINDS: readonly KargoKind[] = ['Freight'];
