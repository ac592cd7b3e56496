import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import { readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import {
  assertTreeStaysInside,
  isInside,
  realOrNearest,
} from '../helm/fileSafety';

const FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/**
 * Fields whose entries may name another directory: kustomize's root-only
 * load restriction confines the files a kustomization reads to its own
 * directory, but not the other kustomizations it pulls in.
 */
const DIRECTORY_FIELDS = [
  'resources',
  'bases',
  'components',
  'generators',
  'transformers',
  'validators',
];

async function readKustomization(dir: string) {
  for (const name of FILE_NAMES) {
    try {
      return parse(await readFile(join(dir, name), 'utf8')) as unknown;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      return undefined; // unreadable or invalid: kustomize will say so
    }
  }
  return undefined;
}

function stringEntries(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : [];
}

/** Chart homes the Helm plugin reads charts from (and pulls charts into). */
function chartHomes(k: Record<string, unknown>): string[] {
  const homes = new Set<string>(['charts']);
  const globals = k.helmGlobals as Record<string, unknown> | undefined;
  if (typeof globals?.chartHome === 'string') homes.add(globals.chartHome);
  for (const chart of (k.helmCharts as unknown[]) ?? []) {
    const home = (chart as Record<string, unknown> | null)?.chartHome;
    if (typeof home === 'string') homes.add(home);
  }
  return [...homes];
}

/**
 * Walks the kustomizations `dir` pulls in (resources, bases, components,
 * generator/transformer/validator directories) and refuses any local one
 * whose real path is outside the work directory, and Helm chart homes
 * holding links that lead outside. Remote references (URLs) are left to
 * kustomize.
 */
export async function assertKustomizationStaysInside(
  workDir: string,
  dir: string,
): Promise<void> {
  const root = await realpath(workDir);
  const seen = new Set<string>();
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const real = await realpath(current).catch(() => undefined);
    if (!real || seen.has(real)) continue;
    seen.add(real);
    const k = await readKustomization(current);
    if (!k || typeof k !== 'object') continue;
    const fields = k as Record<string, unknown>;
    for (const entry of DIRECTORY_FIELDS.flatMap(f =>
      stringEntries(fields[f]),
    )) {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || entry.startsWith('git@')) {
        continue;
      }
      const target = resolve(current, entry);
      const targetReal = await realpath(target).catch(() => undefined);
      if (!targetReal) continue; // not local: kustomize tries it as remote
      if (!isInside(root, targetReal)) {
        throw new TerminalStepError(
          `kustomization ${
            relative(workDir, current) || '.'
          } refers to "${entry}", which is outside the Promotion's work directory`,
        );
      }
      if ((await stat(targetReal)).isDirectory()) pending.push(target);
    }
    for (const home of chartHomes(fields)) {
      const homePath = resolve(current, home);
      // A missing home is created by kustomize when it pulls a chart.
      if (!isInside(root, await realOrNearest(homePath))) {
        throw new TerminalStepError(
          `kustomization ${
            relative(workDir, current) || '.'
          }: Helm chart home "${home}" is outside the Promotion's work directory`,
        );
      }
      await assertTreeStaysInside(
        workDir,
        homePath,
        `Helm chart home "${home}"`,
      );
    }
  }
}
