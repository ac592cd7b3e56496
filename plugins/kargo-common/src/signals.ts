import type { KargoKind } from './manifests/kinds';

/**
 * The Backstage signals channel on which the backend announces changes to
 * a project's resources; the portal re-reads the pipeline on each signal.
 */
export function kargoProjectSignalChannel(project: string): string {
  return `kargo:project:${project}`;
}

/** What a project signal says: which project, and which kinds changed. */
export type KargoProjectSignal = {
  project: string;
  kinds: KargoKind[];
};
