import type {
  PromotionFreightReference,
  PromotionStepRunner,
} from '@kargo-backstage/plugin-kargo-node';
import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import { readFile, writeFile } from 'node:fs/promises';
import {
  findKustomizationFile,
  KustomizeImage,
  setKustomizationImages,
} from './kustomizationImages';
import { kustomizeSetImageSchema } from './schemas';

type ImageConfig = {
  image: string;
  tag?: string | null;
  digest?: string | null;
  name?: string;
  newName?: string;
};

type Config = { path: string; images?: ImageConfig[] };

/** Targets from `images` (Kargo: `name` overrides `image`, digest wins). */
function targetsFromConfig(images: ImageConfig[]) {
  const targets = new Map<string, KustomizeImage>();
  for (const img of images) {
    const target: KustomizeImage = { name: img.name || img.image };
    if (img.newName) target.newName = img.newName;
    if (img.digest) target.digest = img.digest;
    else if (img.tag) target.newTag = img.tag;
    targets.set(target.name, target);
  }
  return targets;
}

/**
 * Targets from the Freight: every image of every origin, tag and digest.
 * A repository that two origins both carry is ambiguous (Kargo refuses
 * when two requested Warehouses subscribe to the same image).
 */
function targetsFromFreight(freight: PromotionFreightReference[]) {
  const targets = new Map<string, KustomizeImage>();
  const origins = new Map<string, string>();
  for (const ref of freight) {
    const origin = `${ref.origin.kind}/${ref.origin.name}`;
    for (const image of ref.images ?? []) {
      const repoURL = image.repoURL;
      if (typeof repoURL !== 'string' || !repoURL) continue;
      const seenIn = origins.get(repoURL);
      if (seenIn && seenIn !== origin) {
        throw new TerminalStepError(
          `manual configuration required due to ambiguous result: image ${repoURL} comes from both ${seenIn} and ${origin}; list it under images`,
        );
      }
      origins.set(repoURL, origin);
      const target: KustomizeImage = { name: repoURL };
      if (typeof image.tag === 'string' && image.tag) target.newTag = image.tag;
      if (typeof image.digest === 'string' && image.digest) {
        target.digest = image.digest;
      }
      targets.set(repoURL, target);
    }
  }
  return targets;
}

/** Kargo's fragment: "Updated <path> to use new image(s)" + one line each. */
function commitMessage(path: string, images: KustomizeImage[]) {
  if (images.length === 0) return undefined;
  const lines = images.map(i => {
    let ref = i.newName || i.name;
    if (i.newTag) ref = `${ref}:${i.newTag}`;
    if (i.digest) ref = `${ref}@${i.digest}`;
    return `\n- ${ref}`;
  });
  return `Updated ${path} to use new image${
    images.length > 1 ? 's' : ''
  }\n${lines.join('')}`;
}

/**
 * `kustomize-set-image`: `kustomize edit set image` done natively on the
 * Kustomization file, comments preserved. Output `commitMessage` lists
 * the file's images after the change, as Kargo's does.
 */
export function createKustomizeSetImageStep(): PromotionStepRunner {
  return {
    name: 'kustomize-set-image',
    configSchema: kustomizeSetImageSchema,
    async run(ctx) {
      const config = ctx.config as unknown as Config;
      const dir = await ctx.resolvePath(config.path);
      const file = await findKustomizationFile(dir, config.path);
      const targets =
        config.images && config.images.length > 0
          ? targetsFromConfig(config.images)
          : targetsFromFreight(ctx.freight);
      const source = await readFile(file, 'utf8');
      const { text, images } = setKustomizationImages(source, targets);
      if (text !== undefined && text !== source) {
        await writeFile(file, text);
        ctx.log(`set ${targets.size} image(s) in ${config.path}`);
      }
      const message = commitMessage(config.path, images);
      return {
        status: 'Succeeded',
        output: message ? { commitMessage: message } : undefined,
      };
    },
  };
}
