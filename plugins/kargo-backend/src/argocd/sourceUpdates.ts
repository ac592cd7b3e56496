import { normalizeGitURL } from '@kargo-backstage/plugin-kargo-common';
import {
  describeApp,
  sourcesOf,
  type Application,
  type ApplicationSource,
  type HelmParameter,
} from './application';

/** One `apps[].sources[]` entry of argocd-update's config. */
export type SourceUpdate = {
  repoURL: string;
  chart?: string;
  desiredRevision?: string;
  updateTargetRevision?: boolean;
  kustomize?: {
    images?: Array<{
      repoURL: string;
      tag?: string;
      digest?: string;
      newName?: string;
    }>;
  };
  helm?: { images: Array<{ key: string; value: string }> };
};

/**
 * Whether an update targets a source. Helm chart repositories match on
 * `repoURL` and `chart` exactly (as the App spells them); Git repositories
 * on their normalised URL, so `.git`, case and credentials do not matter.
 */
export function targets(
  update: SourceUpdate,
  source: ApplicationSource,
): boolean {
  if (source.chart || update.chart) {
    return source.repoURL === update.repoURL && source.chart === update.chart;
  }
  return normalizeGitURL(source.repoURL) === normalizeGitURL(update.repoURL);
}

/**
 * The revision each source of the App must be observed synced to, indexed
 * like its sources; "" where nothing is required. Since Kargo v1.1 only an
 * explicit `desiredRevision` sets one: none is guessed from the Freight.
 */
export function desiredRevisions(
  updates: SourceUpdate[],
  app: Application,
): string[] {
  return sourcesOf(app).map(
    source =>
      updates.find(update => targets(update, source))?.desiredRevision ?? '',
  );
}

/** `repo[=newName]:tag` or `repo[=newName]@digest`, Argo CD's image syntax. */
export function kustomizeImage(image: {
  repoURL: string;
  tag?: string;
  digest?: string;
  newName?: string;
}): string {
  const name = image.newName
    ? `${image.repoURL}=${image.newName}`
    : image.repoURL;
  return image.digest
    ? `${name}@${image.digest}`
    : `${name}:${image.tag ?? ''}`;
}

/** Sets each key's value, in place when the parameter exists, else appended. */
function upsertHelmParameters(
  parameters: HelmParameter[],
  images: Array<{ key: string; value: string }>,
): HelmParameter[] {
  const result = parameters.map(p => ({ ...p }));
  for (const { key, value } of images) {
    const index = result.findIndex(p => p.name === key);
    // Other fields of the parameter (forceString) stay, as Kargo's merge
    // into the live object keeps them.
    if (index >= 0) result[index] = { ...result[index], value };
    else result.push({ name: key, value });
  }
  return result;
}

function applyToSource(
  update: SourceUpdate,
  desiredRevision: string,
  source: ApplicationSource,
): ApplicationSource {
  const next: ApplicationSource = structuredClone(source);
  if (update.updateTargetRevision && desiredRevision) {
    next.targetRevision = desiredRevision;
  }
  const images = update.kustomize?.images ?? [];
  if (images.length) {
    // Kargo replaces the whole list: images the update does not name go.
    next.kustomize = { ...next.kustomize, images: images.map(kustomizeImage) };
  }
  if (update.helm?.images.length) {
    next.helm = {
      ...next.helm,
      parameters: upsertHelmParameters(
        next.helm?.parameters ?? [],
        update.helm.images,
      ),
    };
  }
  return next;
}

/**
 * The App's sources with every update applied (each to the first source it
 * targets). An update that targets no source is an error: the App is not
 * what the Stage's author thinks it is.
 */
export function desiredSources(
  updates: SourceUpdate[],
  app: Application,
): ApplicationSource[] {
  const sources = sourcesOf(app).map(s => structuredClone(s));
  const revisions = desiredRevisions(updates, app);
  for (const update of updates) {
    const index = sources.findIndex(source => targets(update, source));
    if (index < 0) {
      throw new Error(
        `no source of ${describeApp(
          app.metadata,
        )} matched update for source with repoURL ${update.repoURL}${
          update.chart ? ` and chart "${update.chart}"` : ''
        }`,
      );
    }
    sources[index] = applyToSource(update, revisions[index], sources[index]);
  }
  return sources;
}

/**
 * With a selector matching several Apps, every update must apply to every
 * App before any is changed: no half-updated set of Applications.
 */
export function checkUpdatesApplicable(
  updates: SourceUpdate[],
  apps: Application[],
) {
  if (apps.length <= 1) return;
  const problems: string[] = [];
  for (const app of apps) {
    try {
      desiredSources(updates, app);
    } catch (error) {
      problems.push(
        `${describeApp(app.metadata)}: ${(error as Error).message}`,
      );
    }
  }
  if (!problems.length) return;
  const shown = problems.slice(0, 3);
  throw new Error(
    `selected Applications must have compatible sources; ${
      problems.length
    } incompatible${
      problems.length > shown.length ? ` (showing first ${shown.length})` : ''
    }. No Applications were updated:\n${shown.join('\n')}`,
  );
}
