import type {
  PromotionStepContext,
  PromotionStepRunner,
} from '@kargo-backstage/plugin-kargo-node';
import { mkdir, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { requireBinary, runBinary } from '../binaries';
import {
  assertLocalDependenciesInside,
  chartFile,
  readDependencies,
} from './chartDependencies';
import { assertTreeStaysInside, writeOutputFile } from './fileSafety';
import { writeFlatLayout } from './flatLayout';
import { withHelmHome } from './helmHome';
import { prepareRepositories, runHelmDependency } from './helmRepositories';
import { helmTemplateSchema } from './schemas';
import type { HelmStepsDeps } from './types';

type Config = {
  path: string;
  outPath: string;
  releaseName: string;
  outLayout?: 'helm' | 'flat';
  useReleaseName?: boolean;
  namespace?: string;
  valuesFiles?: string[];
  ignoreMissingValueFiles?: boolean;
  setValues?: Array<{ key: string; value: string; literal?: boolean }>;
  buildDependencies?: boolean;
  includeCRDs?: boolean;
  disableHooks?: boolean;
  skipTests?: boolean;
  kubeVersion?: string;
  apiVersions?: string[];
};

const STEP = 'helm-template';

/** `-f` arguments: each values file through the path guard. */
async function valuesArgs(ctx: PromotionStepContext, config: Config) {
  const args: string[] = [];
  for (const file of config.valuesFiles ?? []) {
    const path = await ctx.resolvePath(file);
    if (config.ignoreMissingValueFiles) {
      const exists = await stat(path).then(
        () => true,
        () => false,
      );
      if (!exists) {
        ctx.log(`values file ${file} does not exist; skipped`);
        continue;
      }
    }
    args.push('--values', path);
  }
  return args;
}

/** `helm template` flags for everything but values and output. */
function renderArgs(ctx: PromotionStepContext, config: Config) {
  const args = ['--namespace', config.namespace || ctx.project];
  for (const { key, value, literal } of config.setValues ?? []) {
    args.push(literal ? '--set-literal' : '--set', `${key}=${value}`);
  }
  if (config.includeCRDs) args.push('--include-crds');
  if (config.disableHooks) args.push('--no-hooks');
  if (config.skipTests) args.push('--skip-tests');
  if (config.kubeVersion) args.push('--kube-version', config.kubeVersion);
  for (const v of config.apiVersions ?? []) args.push('--api-versions', v);
  return args;
}

/**
 * `helm-template`: renders a chart in the work directory with
 * `helm template` to one file (outPath ending in .yaml/.yml), to helm's
 * own layout under a directory (`<chart>/templates/...`, or under
 * `<releaseName>/` with useReleaseName), or flat, one file per resource.
 * The namespace defaults to the Project's name, as in Kargo.
 */
export function createHelmTemplateStep(
  deps: HelmStepsDeps = {},
): PromotionStepRunner {
  return {
    name: STEP,
    configSchema: helmTemplateSchema,
    async run(ctx) {
      const config = ctx.config as unknown as Config;
      const chartDir = await ctx.resolvePath(config.path);
      const outPath = await ctx.resolvePath(config.outPath);
      const { file, deps: dependencies } = await chartFile(
        chartDir,
        config.path,
      );
      await assertLocalDependenciesInside(ctx.workDir, chartDir, dependencies);
      await assertTreeStaysInside(ctx.workDir, chartDir, config.path);
      const values = await valuesArgs(ctx, config);
      const helm = await requireBinary(STEP, 'helm');
      const ext = extname(outPath);
      const toFile = ext === '.yaml' || ext === '.yml';
      const helmLayout = !toFile && (config.outLayout ?? 'helm') === 'helm';

      const manifests = await withHelmHome(helm, async home => {
        if (config.buildDependencies && dependencies.length > 0) {
          const repoDeps = {
            step: STEP,
            helm,
            home,
            credentials: deps.credentials,
            ctx,
          };
          const { plainHttp } = await prepareRepositories(
            (await readDependencies(file)) ?? [],
            repoDeps,
          );
          ctx.log(`helm dependency build ${config.path}`);
          await runHelmDependency('build', chartDir, plainHttp, repoDeps);
        }
        const args = [
          'template',
          config.releaseName,
          chartDir,
          ...renderArgs(ctx, config),
          ...values,
        ];
        if (helmLayout) {
          await mkdir(outPath, { recursive: true });
          await assertTreeStaysInside(ctx.workDir, outPath, 'outPath');
          args.push('--output-dir', outPath);
          if (config.useReleaseName) args.push('--release-name');
        }
        ctx.log(`helm template ${config.releaseName} ${config.path}`);
        const { stdout, stderr } = await runBinary({
          step: STEP,
          path: helm,
          args,
          cwd: ctx.workDir,
          env: home.env,
          signal: ctx.signal,
        });
        if (stderr) ctx.log(stderr);
        return stdout;
      });

      if (toFile) {
        await writeOutputFile(outPath, manifests);
        ctx.log(`wrote ${config.outPath}`);
      } else if (!helmLayout) {
        await mkdir(outPath, { recursive: true });
        await assertTreeStaysInside(ctx.workDir, outPath, 'outPath');
        const written = await writeFlatLayout(outPath, manifests);
        ctx.log(`wrote ${written.length} file(s) to ${config.outPath}`);
      }
      return { status: 'Succeeded' };
    },
  };
}
