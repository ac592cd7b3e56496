import type { JsonObject } from '@backstage/types';
import type { KargoKind } from '@kargo-backstage/plugin-kargo-common';
import type { KargoStore } from '../database';

/** The kinds other resources refer to by name. */
const REFERABLE_KINDS: KargoKind[] = [
  'Project',
  'Warehouse',
  'Stage',
  'PromotionTask',
  'AnalysisTemplate',
];

/**
 * What a project will hold once a batch is applied: the stored resources with
 * the batch's writes laid over them. Reference checks run against this view,
 * so a Stage may refer to a Warehouse created in the same request.
 */
export class ProjectView {
  /** name → spec, per kind; a deleted resource maps to undefined. */
  private readonly byKind = new Map<KargoKind, Map<string, JsonObject>>();

  static async load(store: KargoStore, project: string): Promise<ProjectView> {
    const view = new ProjectView(project);
    const rows = await store.listAllInProject(project, REFERABLE_KINDS);
    for (const row of rows) {
      view.put(row.kind, row.name, row.spec);
    }
    return view;
  }

  private constructor(readonly project: string) {}

  put(kind: KargoKind, name: string, spec: JsonObject) {
    let names = this.byKind.get(kind);
    if (!names) {
      names = new Map();
      this.byKind.set(kind, names);
    }
    names.set(name, spec);
  }

  remove(kind: KargoKind, name: string) {
    this.byKind.get(kind)?.delete(name);
  }

  has(kind: KargoKind, name: string): boolean {
    return this.byKind.get(kind)?.has(name) ?? false;
  }

  get(kind: KargoKind, name: string): JsonObject | undefined {
    return this.byKind.get(kind)?.get(name);
  }

  entries(kind: KargoKind): Array<[string, JsonObject]> {
    return [...(this.byKind.get(kind)?.entries() ?? [])];
  }
}
