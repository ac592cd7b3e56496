import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import {
  ApplyResult,
  KARGO_ALIAS_LABEL,
  KARGO_API_VERSION,
  KargoKind,
  ManifestIssue,
  ROLLOUTS_API_VERSION,
  apiVersionOf,
  computeFreightName,
  generateUniqueFreightAlias,
  isClusterScoped,
  isKargoKind,
  validateManifest,
} from '@kargo-backstage/plugin-kargo-common';
import { isDeepStrictEqual } from 'node:util';
import type {
  KargoStore,
  ListCursor,
  ResourceKey,
  StoredResource,
} from '../database';
import {
  CREATE_ACTOR_ANNOTATION,
  type PromotionCreator,
} from '../promotions/PromotionCreator';
import type { StepSpec, Var } from '../promotions/inflateSteps';
import { keyOf, toContent, toManifest } from './conversion';
import { ProjectView } from './ProjectView';
import {
  analysisTemplateRefsOf,
  checkStageReferences,
  ClusterNames,
  dependentsOf,
  findStageCycle,
  taskRefsOf,
} from './references';

export type ApplyMode = 'create' | 'upsert';

/** Who applies: recorded on what needs an actor (a Promotion's create-actor). */
export type ApplyContext = { actor?: string };

type Admit = Parameters<Parameters<PromotionCreator['inTransaction']>[0]>[1];

type Manifest = JsonObject & { kind: KargoKind; metadata: JsonObject };

type Doc = {
  index: number;
  manifest: Manifest;
  key: ResourceKey;
  expectedResourceVersion?: number;
};

/** `document 2 (Stage demo/dev)`: how errors point at one document. */
export function docLabel(index: number, raw: unknown): string {
  const obj = (raw ?? {}) as { kind?: unknown; metadata?: JsonObject };
  const kind = typeof obj.kind === 'string' ? obj.kind : undefined;
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name;
  const id = [ns, name].filter(v => typeof v === 'string').join('/');
  return kind && id
    ? `document ${index + 1} (${kind} ${id})`
    : `document ${index + 1}`;
}

/**
 * What admission added to a Promotion (steps and vars from the Stage, the
 * create-actor) stays when its manifest is applied again without them, as
 * a `kubectl apply` leaves webhook-defaulted fields alone.
 */
function keepAdmittedFields(
  content: ReturnType<typeof toContent>,
  existing: StoredResource,
) {
  for (const field of ['steps', 'vars']) {
    if (
      content.spec[field] === undefined &&
      existing.spec[field] !== undefined
    ) {
      content.spec[field] = existing.spec[field];
    }
  }
  const actor = (existing.metadata.annotations as JsonObject | undefined)?.[
    CREATE_ACTOR_ANNOTATION
  ];
  const annotations = { ...(content.metadata.annotations as JsonObject) };
  if (actor === undefined) delete annotations[CREATE_ACTOR_ANNOTATION];
  else annotations[CREATE_ACTOR_ANNOTATION] = actor;
  const { annotations: _, ...rest } = content.metadata;
  content.metadata = Object.keys(annotations).length
    ? { ...rest, annotations }
    : rest;
}

class IssueCollector {
  private readonly lines: string[] = [];

  add(label: string, issues: ManifestIssue[]) {
    for (const issue of issues) {
      this.lines.push(`${label}: ${issue.path}: ${issue.message}`);
    }
  }

  throwIfAny() {
    if (this.lines.length) {
      throw new InputError(`Invalid manifests: ${this.lines.join('; ')}`);
    }
  }
}

function parseResourceVersion(metadata: JsonObject): number | undefined | null {
  const rv = metadata.resourceVersion;
  if (rv === undefined || rv === null || rv === '') {
    return undefined;
  }
  const n = Number(rv);
  return Number.isInteger(n) && n > 0 ? n : null;
}

/**
 * Applies multi-document requests all-or-nothing: every document is
 * validated, references are checked against what the project will hold once
 * the batch is written, and all writes share one transaction.
 */
export class ManifestApplier {
  /**
   * @param options.afterApply - told what a create or update wrote, once it
   *   is committed (e.g. to act on a Warehouse's refresh annotation).
   * @param options.promotions - admits new Promotions (checks, inflation,
   *   queueing) in the apply's transaction; without it they are refused.
   */
  constructor(
    private readonly store: KargoStore,
    private readonly options: {
      afterApply?: (results: ApplyResult[]) => Promise<void>;
      promotions?: PromotionCreator;
    } = {},
  ) {}

  async apply(
    rawDocs: unknown[],
    mode: ApplyMode,
    context: ApplyContext = {},
  ): Promise<ApplyResult[]> {
    const results = await this.applyInTransaction(rawDocs, mode, context);
    await this.options.afterApply?.(results);
    return results;
  }

  /** The store's transaction, one that can also queue Promotions if given. */
  private transaction<T>(
    fn: (tx: KargoStore, admit?: Admit) => Promise<T>,
  ): Promise<T> {
    const promotions = this.options.promotions;
    return promotions
      ? promotions.inTransaction((tx, admit) => fn(tx, admit))
      : this.store.transaction(tx => fn(tx));
  }

  private async applyInTransaction(
    rawDocs: unknown[],
    mode: ApplyMode,
    context: ApplyContext,
  ): Promise<ApplyResult[]> {
    const docs = this.validate(rawDocs);
    return this.transaction(async (tx, admit) => {
      const views = await this.loadViews(tx, docs);
      const cluster = await this.clusterNames(tx);
      for (const { manifest, key } of docs) {
        this.layOver(views, cluster, manifest, key);
      }
      this.checkReferences(docs, rawDocs, views, cluster);
      await this.checkPromotionFreight(tx, docs, rawDocs);

      const existing = new Map(
        (await tx.getResources(docs.map(d => d.key))).map(r => [
          `${r.kind}/${r.project}/${r.name}`,
          r,
        ]),
      );
      const results = new Map<Doc, ApplyResult>();
      const batchAliases = new Set<string>();
      // Promotions last: they may promote Freight the same batch creates.
      const promotionsLast = [
        ...docs.filter(d => d.key.kind !== 'Promotion'),
        ...docs.filter(d => d.key.kind === 'Promotion'),
      ];
      for (const doc of promotionsLast) {
        const { kind, project, name } = doc.key;
        const current = existing.get(`${kind}/${project}/${name}`);
        results.set(
          doc,
          await this.write(tx, doc, current, mode, {
            batchAliases,
            admit,
            actor: context.actor,
          }),
        );
      }
      return docs.map(d => results.get(d)!);
    });
  }

  /** Deletes what the documents name (only their identity is read). */
  async delete(rawDocs: unknown[]): Promise<ApplyResult[]> {
    if (!rawDocs.length) {
      throw new InputError('The request holds no manifests');
    }
    const issues = new IssueCollector();
    const keys: ResourceKey[] = [];
    rawDocs.forEach((raw, index) => {
      const obj = (raw ?? {}) as {
        apiVersion?: unknown;
        kind?: unknown;
        metadata?: JsonObject;
      };
      const label = docLabel(index, raw);
      const apiVersionOk = isKargoKind(obj.kind)
        ? obj.apiVersion === apiVersionOf(obj.kind)
        : obj.apiVersion === KARGO_API_VERSION ||
          obj.apiVersion === ROLLOUTS_API_VERSION;
      if (!apiVersionOk) {
        const expected = isKargoKind(obj.kind)
          ? apiVersionOf(obj.kind)
          : KARGO_API_VERSION;
        issues.add(label, [
          { path: 'apiVersion', message: `must be ${expected}` },
        ]);
      } else if (!isKargoKind(obj.kind)) {
        issues.add(label, [
          { path: 'kind', message: `unknown kind ${JSON.stringify(obj.kind)}` },
        ]);
      } else if (typeof obj.metadata?.name !== 'string' || !obj.metadata.name) {
        issues.add(label, [{ path: 'metadata.name', message: 'required' }]);
      } else if (!isClusterScoped(obj.kind) && !obj.metadata.namespace) {
        issues.add(label, [
          {
            path: 'metadata.namespace',
            message: 'required: the project the resource belongs to',
          },
        ]);
      } else {
        keys.push(keyOf({ kind: obj.kind, metadata: obj.metadata }));
      }
    });
    issues.throwIfAny();
    return this.deleteByKeys(keys);
  }

  async deleteByKeys(keys: ResourceKey[]): Promise<ApplyResult[]> {
    return this.store.transaction(async tx => {
      const found: StoredResource[] = [];
      for (const key of keys) {
        const resource = await tx.getResource(key);
        if (!resource) {
          throw new NotFoundError(
            `${key.kind} "${key.project ? `${key.project}/` : ''}${
              key.name
            }" not found`,
          );
        }
        found.push(resource);
      }
      await this.checkDeletable(tx, found);
      for (const resource of found) {
        if (resource.kind === 'Project') {
          await tx.deleteProject(resource.name);
        } else {
          await tx.deleteResource(resource);
        }
      }
      return found.map(r => ({ deletedResourceManifest: toManifest(r) }));
    });
  }

  /** Schema validation, identity and batch-level checks; no I/O. */
  private validate(rawDocs: unknown[]): Doc[] {
    if (!rawDocs.length) {
      throw new InputError('The request holds no manifests');
    }
    const issues = new IssueCollector();
    const docs: Doc[] = [];
    const seen = new Map<string, number>();
    rawDocs.forEach((raw, index) => {
      const label = docLabel(index, raw);
      const result = validateManifest(raw);
      if (!result.ok) {
        issues.add(label, result.issues);
        return;
      }
      const manifest = result.resource as unknown as Manifest;
      const docIssues = this.normalize(manifest);
      const expectedResourceVersion = parseResourceVersion(manifest.metadata);
      if (expectedResourceVersion === null) {
        docIssues.push({
          path: 'metadata.resourceVersion',
          message: 'must be a resourceVersion this API answered',
        });
      }
      if (docIssues.length) {
        issues.add(label, docIssues);
        return;
      }
      const key = keyOf(manifest);
      const id = `${key.kind}/${key.project}/${key.name}`;
      const first = seen.get(id);
      if (first !== undefined) {
        issues.add(label, [
          {
            path: 'metadata.name',
            message: `duplicates document ${first + 1}`,
          },
        ]);
        return;
      }
      seen.set(id, index);
      docs.push({
        index,
        manifest,
        key,
        expectedResourceVersion: expectedResourceVersion ?? undefined,
      });
    });
    issues.throwIfAny();
    return docs;
  }

  /** Kind rules that need no store, and Freight's derived name and alias. */
  private normalize(manifest: Manifest): ManifestIssue[] {
    const { kind, metadata } = manifest;
    if (!isClusterScoped(kind) && !metadata.namespace) {
      return [
        {
          path: 'metadata.namespace',
          message: `required: the project this ${kind} belongs to`,
        },
      ];
    }
    if (kind === 'Freight') {
      const labels = (metadata.labels ?? {}) as JsonObject;
      if (!manifest.alias && typeof labels[KARGO_ALIAS_LABEL] === 'string') {
        manifest.alias = labels[KARGO_ALIAS_LABEL];
      }
      if (labels[KARGO_ALIAS_LABEL] !== undefined) {
        const { [KARGO_ALIAS_LABEL]: _alias, ...rest } = labels;
        metadata.labels = rest;
      }
      if (!metadata.name) {
        metadata.name = computeFreightName(manifest as any);
      }
    }
    if (!metadata.name) {
      return [{ path: 'metadata.name', message: 'required' }];
    }
    if (kind === 'ProjectConfig' && metadata.name !== metadata.namespace) {
      return [
        {
          path: 'metadata.name',
          message: `must equal the project name "${metadata.namespace}"`,
        },
      ];
    }
    if (kind === 'ClusterConfig' && metadata.name !== 'cluster') {
      return [{ path: 'metadata.name', message: 'must be "cluster"' }];
    }
    return [];
  }

  private async loadViews(
    tx: KargoStore,
    docs: Doc[],
  ): Promise<Map<string, ProjectView>> {
    const views = new Map<string, ProjectView>();
    for (const { key } of docs) {
      if (key.project && !views.has(key.project)) {
        views.set(key.project, await ProjectView.load(tx, key.project));
      }
    }
    return views;
  }

  private async clusterNames(tx: KargoStore): Promise<ClusterNames> {
    const rows = await tx.listAllInProject('', [
      'ClusterPromotionTask',
      'ClusterAnalysisTemplate',
    ]);
    const named = (kind: KargoKind) =>
      new Set(rows.filter(r => r.kind === kind).map(r => r.name));
    return {
      tasks: named('ClusterPromotionTask'),
      analysisTemplates: named('ClusterAnalysisTemplate'),
    };
  }

  private layOver(
    views: Map<string, ProjectView>,
    cluster: ClusterNames,
    manifest: Manifest,
    key: ResourceKey,
  ) {
    if (key.kind === 'ClusterPromotionTask') {
      cluster.tasks.add(key.name);
      return;
    }
    if (key.kind === 'ClusterAnalysisTemplate') {
      cluster.analysisTemplates.add(key.name);
      return;
    }
    views
      .get(key.project)
      ?.put(key.kind, key.name, (manifest.spec as JsonObject) ?? {});
  }

  private checkReferences(
    docs: Doc[],
    rawDocs: unknown[],
    views: Map<string, ProjectView>,
    cluster: ClusterNames,
  ) {
    const issues = new IssueCollector();
    for (const { index, manifest, key } of docs) {
      const label = docLabel(index, rawDocs[index]);
      const view = views.get(key.project);
      if (!view) {
        continue; // cluster-wide kinds refer to nothing
      }
      if (key.kind !== 'Project' && !view.has('Project', key.project)) {
        issues.add(label, [
          {
            path: 'metadata.namespace',
            message: `project "${key.project}" does not exist; create its Project first (it may be in the same request)`,
          },
        ]);
        continue;
      }
      if (key.kind === 'Stage') {
        const spec = manifest.spec as JsonObject;
        issues.add(label, checkStageReferences(spec, view, cluster));
        const cycle = findStageCycle(view, key.name);
        if (cycle) {
          issues.add(label, [
            {
              path: 'spec.requestedFreight',
              message: `the Stage graph would have a cycle: ${cycle.join(
                ' → ',
              )}`,
            },
          ]);
        }
      }
      if (key.kind === 'Freight') {
        const origin = (manifest.origin as JsonObject | undefined)?.name;
        if (typeof origin === 'string' && !view.has('Warehouse', origin)) {
          issues.add(label, [
            {
              path: 'origin.name',
              message: `Warehouse "${origin}" does not exist in project "${key.project}"`,
            },
          ]);
        }
      }
      if (key.kind === 'Promotion') {
        const stage = (manifest.spec as JsonObject).stage;
        if (typeof stage === 'string' && !view.has('Stage', stage)) {
          issues.add(label, [
            {
              path: 'spec.stage',
              message: `Stage "${stage}" does not exist in project "${key.project}"`,
            },
          ]);
        }
      }
    }
    issues.throwIfAny();
  }

  private async checkPromotionFreight(
    tx: KargoStore,
    docs: Doc[],
    rawDocs: unknown[],
  ) {
    const issues = new IssueCollector();
    const batchFreight = new Set(
      docs
        .filter(d => d.key.kind === 'Freight')
        .map(d => `${d.key.project}/${d.key.name}`),
    );
    for (const { index, manifest, key } of docs) {
      const freight = (manifest.spec as JsonObject | undefined)?.freight;
      if (key.kind !== 'Promotion' || typeof freight !== 'string') {
        continue;
      }
      if (
        !batchFreight.has(`${key.project}/${freight}`) &&
        !(await tx.getFreight(key.project, freight))
      ) {
        issues.add(docLabel(index, rawDocs[index]), [
          {
            path: 'spec.freight',
            message: `Freight "${freight}" does not exist in project "${key.project}"`,
          },
        ]);
      }
    }
    issues.throwIfAny();
  }

  private async write(
    tx: KargoStore,
    doc: Doc,
    existing: StoredResource | undefined,
    mode: ApplyMode,
    batch: { batchAliases: Set<string>; admit?: Admit; actor?: string },
  ): Promise<ApplyResult> {
    const { key, manifest, expectedResourceVersion } = doc;
    const content = toContent(manifest);
    if (existing && mode === 'create') {
      throw new ConflictError(
        `${key.kind} "${
          key.project && key.kind !== 'Project' ? `${key.project}/` : ''
        }${key.name}" already exists; use PUT to update it`,
      );
    }
    if (existing) {
      if (key.kind === 'Promotion') {
        keepAdmittedFields(content, existing);
      }
      this.checkImmutable(doc, existing, content.spec);
      if (key.kind === 'Freight') {
        // Re-applied Freight YAML rarely carries Kargo's generated fields.
        content.spec.alias ??= existing.spec.alias;
        content.spec.discoveredAt ??= existing.spec.discoveredAt;
        content.alias = content.spec.alias as string | undefined;
        content.sortAt = existing.sortAt;
      }
      const unchanged =
        isDeepStrictEqual(content.metadata, existing.metadata) &&
        isDeepStrictEqual(content.spec, existing.spec);
      if (
        unchanged &&
        (expectedResourceVersion === undefined ||
          expectedResourceVersion === existing.resourceVersion)
      ) {
        // As Kubernetes does: a no-op update writes nothing and keeps the
        // resourceVersion, so re-applying the same YAML is free.
        return { updatedResourceManifest: toManifest(existing) };
      }
      const updated = await tx.updateResource(key, content, {
        expectedResourceVersion,
      });
      return { updatedResourceManifest: toManifest(updated) };
    }
    if (expectedResourceVersion !== undefined) {
      throw new ConflictError(
        `${key.kind} "${key.name}" does not exist, but the request carries resourceVersion ${expectedResourceVersion}`,
      );
    }
    if (key.kind === 'Freight') {
      await this.completeNewFreight(
        tx,
        key.project,
        content,
        batch.batchAliases,
      );
    }
    const created =
      key.kind === 'Promotion'
        ? await this.admitPromotion(doc, content, batch)
        : await tx.createResource(key, content);
    return { createdResourceManifest: toManifest(created) };
  }

  /** A new Promotion is admitted and queued, as Kargo's webhook would. */
  private async admitPromotion(
    doc: Doc,
    content: ReturnType<typeof toContent>,
    batch: { admit?: Admit; actor?: string },
  ): Promise<StoredResource> {
    const label = `document ${doc.index + 1} (Promotion ${doc.key.project}/${
      doc.key.name
    })`;
    if (!batch.admit) {
      throw new InputError(
        `${label}: Promotions cannot be created here: no promotion engine is running`,
      );
    }
    const spec = content.spec;
    try {
      return await batch.admit({
        project: doc.key.project,
        name: doc.key.name,
        stage: String(spec.stage),
        freight: String(spec.freight),
        steps: spec.steps as StepSpec[] | undefined,
        vars: spec.vars as Var[] | undefined,
        metadata: content.metadata,
        actor: batch.actor ?? 'system:kargo-backend',
      });
    } catch (error) {
      if (error instanceof InputError) {
        throw new InputError(`${label}: ${error.message}`);
      }
      throw error;
    }
  }

  private async completeNewFreight(
    tx: KargoStore,
    project: string,
    content: ReturnType<typeof toContent>,
    batchAliases: Set<string>,
  ) {
    if (!content.spec.alias) {
      content.spec.alias = await generateUniqueFreightAlias(
        async alias =>
          batchAliases.has(alias) ||
          Boolean(await tx.getFreight(project, alias)),
      );
    }
    content.alias = content.spec.alias as string;
    batchAliases.add(content.alias);
    if (!content.spec.discoveredAt) {
      const now = Date.now();
      content.spec.discoveredAt = new Date(now).toISOString();
      content.sortAt = now;
    }
  }

  /** Freight content and Promotion spec never change once created. */
  private checkImmutable(doc: Doc, existing: StoredResource, spec: JsonObject) {
    const label = `document ${doc.index + 1} (${doc.key.kind} ${
      doc.key.project
    }/${doc.key.name})`;
    if (
      doc.key.kind === 'Promotion' &&
      !isDeepStrictEqual(spec, existing.spec)
    ) {
      throw new InputError(
        `${label}: spec: a Promotion's spec is immutable once created`,
      );
    }
    if (doc.key.kind === 'Freight') {
      const mutable = new Set(['alias', 'discoveredAt']);
      const fields = new Set([
        ...Object.keys(spec),
        ...Object.keys(existing.spec),
      ]);
      for (const field of fields) {
        if (mutable.has(field)) {
          continue;
        }
        if (!isDeepStrictEqual(spec[field], existing.spec[field])) {
          throw new InputError(
            `${label}: ${field}: Freight content is immutable once created (only the alias may change)`,
          );
        }
      }
    }
  }

  /** Refuses deletes that would leave dangling references or used Freight. */
  private async checkDeletable(tx: KargoStore, resources: StoredResource[]) {
    const deletedProjects = new Set(
      resources.filter(r => r.kind === 'Project').map(r => r.name),
    );
    const views = new Map<string, ProjectView>();
    for (const r of resources) {
      if (
        r.project &&
        !deletedProjects.has(r.project) &&
        !views.has(r.project)
      ) {
        views.set(r.project, await ProjectView.load(tx, r.project));
      }
    }
    for (const r of resources) {
      views.get(r.project)?.remove(r.kind, r.name);
    }
    for (const r of resources) {
      if (deletedProjects.has(r.project) && r.kind !== 'Project') {
        continue; // goes with its project
      }
      if (r.kind === 'Freight') {
        const inUse = Object.keys((r.status.currentlyIn as JsonObject) ?? {});
        if (inUse.length) {
          throw new ConflictError(
            `Freight "${r.project}/${r.name}" is in use by Stage ${inUse
              .map(s => `"${s}"`)
              .join(', ')} and cannot be deleted`,
          );
        }
      }
      if (
        r.kind === 'ClusterPromotionTask' ||
        r.kind === 'ClusterAnalysisTemplate'
      ) {
        const users = await this.stagesUsingClusterResource(tx, r, resources);
        if (users.length) {
          throw new ConflictError(
            `${r.kind} "${r.name}" is used by ${users.join(
              ', ',
            )}; delete or change them first`,
          );
        }
      }
      if (
        r.kind === 'Warehouse' ||
        r.kind === 'Stage' ||
        r.kind === 'PromotionTask' ||
        r.kind === 'AnalysisTemplate'
      ) {
        const dependents = dependentsOf(views.get(r.project)!, r.kind, r.name);
        if (dependents.length) {
          throw new ConflictError(
            `${r.kind} "${r.project}/${
              r.name
            }" is referred to by ${dependents.join(
              ', ',
            )}; delete or change them first`,
          );
        }
      }
    }
  }

  /**
   * Stages in any project (but those being deleted) that use a
   * ClusterPromotionTask or ClusterAnalysisTemplate.
   */
  private async stagesUsingClusterResource(
    tx: KargoStore,
    resource: StoredResource,
    deleted: StoredResource[],
  ): Promise<string[]> {
    const refsOf =
      resource.kind === 'ClusterAnalysisTemplate'
        ? analysisTemplateRefsOf
        : taskRefsOf;
    const gone = new Set(
      deleted.map(d =>
        d.kind === 'Project' ? d.name : `${d.kind}/${d.project}/${d.name}`,
      ),
    );
    const users: string[] = [];
    let after: ListCursor | undefined;
    do {
      const projects = await tx.listResources({
        kind: 'Project',
        order: 'name',
        after,
      });
      for (const project of projects.items) {
        if (gone.has(project.name)) {
          continue;
        }
        for (const stage of await tx.listAllInProject(project.name, [
          'Stage',
        ])) {
          const uses = refsOf(stage.spec).some(
            t => t.cluster && t.name === resource.name,
          );
          if (uses && !gone.has(`Stage/${stage.project}/${stage.name}`)) {
            users.push(`Stage "${stage.project}/${stage.name}"`);
          }
        }
      }
      after = projects.next;
    } while (after);
    return users;
  }
}
