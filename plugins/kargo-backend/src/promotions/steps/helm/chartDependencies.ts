import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import { readFile, realpath } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { assertTreeStaysInside, isInside } from './fileSafety';

/** One `dependencies` entry of Chart.yaml or Chart.lock. */
export type ChartDependency = {
  name: string;
  repository: string;
  version: string;
};

/**
 * The `dependencies` of a Chart.yaml or Chart.lock; undefined when the
 * file does not exist.
 */
export async function readDependencies(
  file: string,
): Promise<ChartDependency[] | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (error) {
    throw new TerminalStepError(
      `could not parse ${file.split('/').pop()}: ${(error as Error).message}`,
    );
  }
  const deps = (parsed as { dependencies?: unknown } | null)?.dependencies;
  if (!Array.isArray(deps)) return [];
  return deps.map(d => {
    const dep = (d ?? {}) as Record<string, unknown>;
    return {
      name: String(dep.name ?? ''),
      repository: String(dep.repository ?? ''),
      version: String(dep.version ?? ''),
    };
  });
}

/**
 * Kargo's rule for `file://` dependencies: a relative path that, links
 * resolved, stays in the work directory, with no link inside it leading
 * out (helm follows links when it packages a local chart).
 */
export async function assertLocalDependenciesInside(
  workDir: string,
  chartDir: string,
  deps: ChartDependency[],
): Promise<void> {
  const root = await realpath(workDir);
  for (const dep of deps) {
    if (!dep.repository.startsWith('file://')) continue;
    const rel = dep.repository.slice('file://'.length);
    if (isAbsolute(rel)) {
      throw new TerminalStepError(
        `invalid dependency "${dep.repository}": dependency path must be relative`,
      );
    }
    const target = resolve(chartDir, rel);
    let real: string;
    try {
      real = await realpath(target);
    } catch {
      throw new TerminalStepError(
        `invalid dependency "${dep.repository}": ${rel} does not exist`,
      );
    }
    if (!isInside(root, real)) {
      throw new TerminalStepError(
        `invalid dependency "${dep.repository}": dependency path is outside the work directory`,
      );
    }
    await assertTreeStaysInside(workDir, target, `dependency ${dep.name}`);
  }
}

/**
 * What changed between two Chart.lock dependency lists, by name: "old ->
 * new", the version for an added one, "" for a removed one (Kargo's map).
 */
export function compareLockVersions(
  before: ChartDependency[],
  after: ChartDependency[],
): Map<string, string> {
  const previous = new Map(before.map(d => [d.name, d.version]));
  const changes = new Map<string, string>();
  for (const dep of after) {
    const old = previous.get(dep.name);
    if (old === undefined) changes.set(dep.name, dep.version);
    else if (old !== dep.version) {
      changes.set(dep.name, `${old} -> ${dep.version}`);
    }
    previous.delete(dep.name);
  }
  for (const name of previous.keys()) changes.set(name, '');
  return changes;
}

/** Chart.yaml's path in a chart directory, refusing a directory without. */
export async function chartFile(chartDir: string, path: string) {
  const file = join(chartDir, 'Chart.yaml');
  const deps = await readDependencies(file);
  if (!deps) {
    throw new TerminalStepError(`no Chart.yaml in "${path}"`);
  }
  return { file, deps };
}
