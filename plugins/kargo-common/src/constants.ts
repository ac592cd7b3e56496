/** The API group and version of every Kargo manifest this suite accepts. */
export const KARGO_API_VERSION = 'kargo.akuity.io/v1alpha1';
/**
 * The API group and version of the Argo Rollouts kinds Kargo's verification
 * uses (AnalysisTemplate, ClusterAnalysisTemplate), accepted alongside.
 */
export const ROLLOUTS_API_VERSION = 'argoproj.io/v1alpha1';

/** Catalog entity annotation naming the Kargo project a component is promoted through. */
export const KARGO_PROJECT_ANNOTATION = 'kargo.akuity.io/project';
/** Optional catalog entity annotation: comma-separated Stage names to show (default: all). */
export const KARGO_STAGES_ANNOTATION = 'kargo.akuity.io/stages';
/**
 * Optional catalog entity annotation: where the entity's pipeline manifests
 * live (`url:https://…/kargo.yaml`, read through Backstage's UrlReader and
 * applied on a schedule), so a team's pipeline is kept in its own repo.
 */
export const KARGO_MANIFESTS_ANNOTATION = 'kargo.akuity.io/manifests';

/** Label mirroring a Freight's alias, as Kargo keeps it. */
export const KARGO_ALIAS_LABEL = 'kargo.akuity.io/alias';
/** Argo CD Application annotation that delegates write access to Stages. */
export const KARGO_AUTHORIZED_STAGE_ANNOTATION =
  'kargo.akuity.io/authorized-stage';
export const KARGO_DESCRIPTION_ANNOTATION = 'kargo.akuity.io/description';
export const KARGO_COLOR_ANNOTATION = 'kargo.akuity.io/color';
