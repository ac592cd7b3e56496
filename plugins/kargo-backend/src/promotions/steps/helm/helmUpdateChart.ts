import type { PromotionStepRunner } from '@kargo-backstage/plugin-kargo-node';
import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { stringifyLike } from '../kustomize/yamlText';
import { requireBinary } from '../binaries';
import {
  assertLocalDependenciesInside,
  chartFile,
  ChartDependency,
  compareLockVersions,
  readDependencies,
} from './chartDependencies';
import { assertTreeStaysInside } from './fileSafety';
import { withHelmHome } from './helmHome';
import { prepareRepositories, runHelmDependency } from './helmRepositories';
import { helmUpdateChartSchema } from './schemas';
import type { HelmStepsDeps } from './types';

type Config = { path: string; charts?: ChartDependency[] };

const STEP = 'helm-update-chart';

/**
 * Sets each requested dependency's version in Chart.yaml (matched on
 * exact name and repository; comments and layout kept). False when
 * every version already matched.
 */
async function applyUpdates(
  file: string,
  deps: ChartDependency[],
  updates: ChartDependency[],
): Promise<boolean> {
  const source = await readFile(file, 'utf8');
  const doc = parseDocument(source);
  let changed = false;
  for (const update of updates) {
    const index = deps.findIndex(
      d => d.name === update.name && d.repository === update.repository,
    );
    if (index < 0) {
      throw new TerminalStepError(
        `no dependency in Chart.yaml matches update with repository "${update.repository}" and name "${update.name}"`,
      );
    }
    if (deps[index].version !== update.version) {
      doc.setIn(['dependencies', index, 'version'], update.version);
      changed = true;
    }
  }
  if (changed) await writeFile(file, stringifyLike(doc, source));
  return changed;
}

/** Kargo's fragment: "Updated chart dependencies for <path>" + changes. */
function commitMessage(path: string, changes: Map<string, string>) {
  if (changes.size === 0) return undefined;
  const lines = [...changes.keys()]
    .sort()
    .map(name => `\n- ${name}: ${changes.get(name) || 'removed'}`);
  return `Updated chart dependencies for ${path}\n${lines.join('')}`;
}

/**
 * `helm-update-chart`: bumps dependency versions in Chart.yaml, then
 * `helm dependency update` refreshes Chart.lock and charts/. When the
 * lock's versions did not change, the old Chart.lock is put back (helm
 * rewrites its timestamp regardless). Output `commitMessage` lists the
 * lock's version changes.
 */
export function createHelmUpdateChartStep(
  deps: HelmStepsDeps = {},
): PromotionStepRunner {
  return {
    name: STEP,
    configSchema: helmUpdateChartSchema,
    async run(ctx) {
      const config = ctx.config as unknown as Config;
      const chartDir = await ctx.resolvePath(config.path);
      const { file, deps: dependencies } = await chartFile(
        chartDir,
        config.path,
      );
      await assertLocalDependenciesInside(ctx.workDir, chartDir, dependencies);
      await assertTreeStaysInside(ctx.workDir, chartDir, config.path);
      const helm = await requireBinary(STEP, 'helm');

      if (config.charts?.length) {
        if (await applyUpdates(file, dependencies, config.charts)) {
          ctx.log(`updated dependency versions in ${config.path}/Chart.yaml`);
        }
      }

      const lockFile = join(chartDir, 'Chart.lock');
      const lockBefore = await readFile(lockFile).catch(error => {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT')
          return undefined;
        throw error;
      });
      const versionsBefore = (await readDependencies(lockFile)) ?? [];

      await withHelmHome(helm, async home => {
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
        ctx.log(`helm dependency update ${config.path}`);
        await runHelmDependency('update', chartDir, plainHttp, repoDeps);
      });

      const versionsAfter = (await readDependencies(lockFile)) ?? [];
      const changes = compareLockVersions(versionsBefore, versionsAfter);
      if (changes.size === 0 && lockBefore) {
        await writeFile(lockFile, lockBefore);
      }
      const message = commitMessage(config.path, changes);
      return {
        status: 'Succeeded',
        output: message ? { commitMessage: message } : undefined,
      };
    },
  };
}
