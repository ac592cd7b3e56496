/** Every kind of Kargo resource the suite stores. */
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
] as const;

export type KargoKind = (typeof KARGO_KINDS)[number];

export function isKargoKind(kind: unknown): kind is KargoKind {
  return (KARGO_KINDS as readonly unknown[]).includes(kind);
}

/**
 * Cluster-scoped kinds have no project. A Project is its own tenancy
 * boundary, so it is stored under its own name as project.
 */
export const CLUSTER_SCOPED_KINDS: readonly KargoKind[] = [
  'Project',
  'ClusterConfig',
  'ClusterPromotionTask',
];

export function isClusterScoped(kind: KargoKind): boolean {
  return CLUSTER_SCOPED_KINDS.includes(kind);
}

/**
 * Kinds whose content lives at the top level of the object rather than under
 * `spec` (Kargo's Freight carries `alias`, `origin`, `images`, ... directly).
 */
export const TOP_LEVEL_CONTENT_KINDS: readonly KargoKind[] = ['Freight'];
