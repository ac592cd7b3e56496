import type { PromotionStepRunner } from '@kargo-backstage/plugin-kargo-node';
import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import { mkdir } from 'node:fs/promises';
import { extname } from 'node:path';
import {
  BinaryFailedError,
  findBinary,
  missingBinaryError,
  runBinary,
} from '../binaries';
import { assertTreeStaysInside, writeOutputFile } from '../helm/fileSafety';
import { withHelmHome } from '../helm/helmHome';
import { assertKustomizationStaysInside } from './kustomizationGuard';
import { parseResources, writeResourceFiles } from './resourceFiles';
import { kustomizeBuildSchema } from './schemas';

type Config = {
  path: string;
  outPath: string;
  outputFormat?: 'kargo' | 'kustomize';
  plugin?: { helm?: { apiVersions?: string[]; kubeVersion?: string } };
};

const STEP = 'kustomize-build';

/** `kustomize build`, or kubectl's built-in copy when kustomize is absent. */
async function findKustomize(): Promise<{ path: string; args: string[] }> {
  const kustomize = await findBinary('kustomize');
  if (kustomize) return { path: kustomize, args: ['build'] };
  const kubectl = await findBinary('kubectl');
  if (kubectl) return { path: kubectl, args: ['kustomize'] };
  throw missingBinaryError(STEP, 'kustomize', 'kubectl');
}

/**
 * `kustomize-build`: renders a kustomization to one file (outPath ending
 * in .yaml/.yml) or to one file per resource in a directory. Kustomize's
 * Helm chart plugin is on when `helm` is installed; exec and container
 * plugins stay off, as in Kargo. Files are loaded with kustomize's
 * root-only restriction, and every kustomization pulled in must lie in
 * the work directory.
 */
export function createKustomizeBuildStep(): PromotionStepRunner {
  return {
    name: STEP,
    configSchema: kustomizeBuildSchema,
    async run(ctx) {
      const config = ctx.config as unknown as Config;
      const dir = await ctx.resolvePath(config.path);
      const outPath = await ctx.resolvePath(config.outPath);
      await assertKustomizationStaysInside(ctx.workDir, dir);
      const kustomize = await findKustomize();
      const helm = await findBinary('helm');

      const manifests = await withHelmHome(helm, async home => {
        const args = [
          ...kustomize.args,
          dir,
          '--load-restrictor',
          'LoadRestrictionsRootOnly',
        ];
        if (home.helmCommand) {
          args.push('--enable-helm', '--helm-command', home.helmCommand);
          const helmConfig = config.plugin?.helm;
          if (helmConfig?.kubeVersion) {
            args.push('--helm-kube-version', helmConfig.kubeVersion);
          }
          for (const v of helmConfig?.apiVersions ?? []) {
            args.push('--helm-api-versions', v);
          }
        }
        ctx.log(`kustomize build ${config.path}`);
        try {
          const { stdout, stderr } = await runBinary({
            step: STEP,
            path: kustomize.path,
            args,
            cwd: ctx.workDir,
            env: home.env,
            signal: ctx.signal,
          });
          if (stderr) ctx.log(stderr);
          return stdout;
        } catch (error) {
          if (
            !helm &&
            error instanceof BinaryFailedError &&
            /enable-helm|helm/i.test(error.stderr)
          ) {
            throw new TerminalStepError(
              `${STEP} needs the \`helm\` binary on the backend's PATH to inflate the Helm charts of ${config.path}`,
            );
          }
          throw error;
        }
      });

      const ext = extname(outPath);
      if (ext === '.yaml' || ext === '.yml') {
        await writeOutputFile(outPath, manifests);
        ctx.log(`wrote ${config.outPath}`);
      } else {
        await mkdir(outPath, { recursive: true });
        await assertTreeStaysInside(ctx.workDir, outPath, 'outPath');
        const written = await writeResourceFiles(
          outPath,
          parseResources(manifests),
          config.outputFormat ?? 'kargo',
        );
        ctx.log(`wrote ${written.length} file(s) to ${config.outPath}`);
      }
      return { status: 'Succeeded' };
    },
  };
}
