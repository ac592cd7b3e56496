import type {
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  ApplyResult,
  KARGO_STAGE_RESOURCE_TYPE,
  KargoKind,
  KargoManifest,
  ManifestParseError,
  ManifestSourceStatus,
  kargoFreezeManagePermission,
  kargoFreightApprovePermission,
  kargoProjectReadPermission,
  kargoPromotionAbortPermission,
  kargoResourceManagePermission,
  kargoStagePromotePermission,
  kargoWarehouseRefreshPermission,
  parseManifests,
  apiVersionOf,
} from '@kargo-backstage/plugin-kargo-common';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import type {
  Freezes,
  KargoStore,
  ListOrder,
  StoredResource,
} from '../database';
import { ManifestApplier, toManifest } from '../manifests';
import type { PromotionService } from '../promotions/PromotionService';
import type { StageAuditTrail } from '../stages/StageAuditTrail';
import type { StageService } from '../stages/StageService';
import { EntityPipelineLoader } from './EntityPipelineLoader';
import type { ManifestSourceSync } from '../manifestSources';
import { actorOf as actorOfCredentials, onStage } from './KargoAccess';
import type { Caller, PermissionCheck } from './KargoAccess';
import type { KargoOperations } from './KargoOperations';
import { promotionRequestOf } from './promotionRequest';
import { listFreightForStage } from '../stages/freightForStage';
import {
  decodeContinue,
  encodeContinue,
  parseLimit,
  parseList,
} from './paging';

/** Kargo's body limit for `/resources`. */
const RESOURCES_BODY_LIMIT = '4mb';

/** Path segment → kind, for the per-project collections. */
const COLLECTIONS: Record<string, { kind: KargoKind; order: ListOrder }> = {
  stages: { kind: 'Stage', order: 'name' },
  warehouses: { kind: 'Warehouse', order: 'name' },
  freight: { kind: 'Freight', order: 'newest' },
  promotions: { kind: 'Promotion', order: 'newest' },
  'promotion-tasks': { kind: 'PromotionTask', order: 'name' },
  'analysis-templates': { kind: 'AnalysisTemplate', order: 'name' },
};

/** Path segment → cluster-scoped kind, for `/v1beta1/<segment>[/:name]`. */
const CLUSTER_COLLECTIONS: Record<string, KargoKind> = {
  'cluster-promotion-tasks': 'ClusterPromotionTask',
  'cluster-analysis-templates': 'ClusterAnalysisTemplate',
};

export type RouterOptions = {
  store: KargoStore;
  applier: ManifestApplier;
  pipelines: EntityPipelineLoader;
  httpAuth: HttpAuthService;
  /** Permission checks, audit, and the changes shared with the actions. */
  operations: KargoOperations;
  /** Asks for a Warehouse's discovery now; false if it does not exist. */
  refreshWarehouse(project: string, name: string): Promise<boolean>;
  promotions: PromotionService;
  stages: StageService;
  /** Emergency freezes; `changed` tells the Stages concerned. */
  freezes: {
    store: Freezes;
    changed(project: string, stage?: string): Promise<void>;
  };
  /** "Who promoted or approved what, when", per Stage. */
  auditTrail: StageAuditTrail;
  /** Verification AnalysisRuns, as the engine keeps them. */
  analysisRuns: { get(project: string, name: string): Promise<unknown> };
  /** Syncs entities' manifests from Git; absent when turned off. */
  manifestSources?: Pick<ManifestSourceSync, 'syncByRef'>;
  logger: LoggerService;
};

/** `created Stage demo/dev`: one applied document, for the audit log. */
function describeResult(result: ApplyResult): string {
  const entries: Array<[string, KargoManifest | undefined]> = [
    ['created', result.createdResourceManifest],
    ['updated', result.updatedResourceManifest],
    ['deleted', result.deletedResourceManifest],
  ];
  const [action, manifest] = entries.find(([, m]) => m) as [
    string,
    KargoManifest,
  ];
  const { namespace, name } = manifest.metadata;
  return `${action} ${manifest.kind} ${
    namespace ? `${namespace}/` : ''
  }${name}`;
}

function collectionOf(segment: string) {
  const collection = COLLECTIONS[segment];
  if (!collection) {
    throw new NotFoundError(`Unknown collection "${segment}"`);
  }
  return collection;
}

function list(
  kind: KargoKind,
  items: StoredResource[],
  next?: { name: string; sortAt?: number },
) {
  return {
    apiVersion: apiVersionOf(kind),
    kind: `${kind}List`,
    metadata: next ? { continue: encodeContinue(next) } : {},
    items: items.map(toManifest),
  };
}

function parseBody(req: Request): unknown[] {
  if (typeof req.body !== 'string' || !req.body.trim()) {
    throw new InputError(
      'The request body must hold one or more YAML or JSON manifests',
    );
  }
  try {
    return parseManifests(req.body, req.headers['content-type']);
  } catch (error) {
    if (error instanceof ManifestParseError) {
      throw new InputError(error.message);
    }
    throw error;
  }
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { store, applier, pipelines, httpAuth, operations } = options;
  const { refreshWarehouse } = options;
  const { access } = operations;
  const router = Router();

  /** The caller of a request, for the checks and audit shared with actions. */
  const callerOf = async (req: Request): Promise<Caller> => ({
    credentials: await httpAuth.credentials(req),
    request: req,
  });
  /** Every route but /health passes here: credentials, then permissions. */
  const authorize = async (req: Request, ...checks: PermissionCheck[]) => {
    const credentials = await httpAuth.credentials(req);
    await access.authorize(credentials, ...checks);
    return credentials;
  };
  const read = (req: Request) => authorize(req, kargoProjectReadPermission);
  const stageOfPromotion = async (
    req: Request,
    project: string,
    name: string,
  ) =>
    operations.stageOfPromotion(await httpAuth.credentials(req), project, name);
  /** See {@link KargoAccess.audited}. */
  const audited = async <T>(
    req: Request,
    event: { eventId: string; permission: PermissionCheck[]; meta: JsonObject },
    act: () => Promise<T>,
    outcome: (result: T) => JsonObject,
  ): Promise<T> => access.audited(await callerOf(req), event, act, outcome);

  /** Writes of manifests: all or nothing. */
  const change = (
    req: Request,
    action: 'create' | 'upsert' | 'delete',
    write: () => Promise<ApplyResult[]>,
  ): Promise<ApplyResult[]> =>
    audited(
      req,
      {
        eventId: 'resource-change',
        permission: [kargoResourceManagePermission],
        meta: { action },
      },
      write,
      results => ({ resources: results.map(describeResult) }),
    );

  /** Kargo's actor string for the caller: their entity ref, or the service. */
  const actorOf = async (req: Request) =>
    actorOfCredentials(await httpAuth.credentials(req));

  /**
   * Applies the body's manifests. Creating a Promotion this way is a
   * promotion, as in Kargo (its webhook checks the `promote` verb): it needs
   * the promote permission too, and is recorded under the caller's name.
   */
  const applyManifests = async (req: Request, mode: 'create' | 'upsert') => {
    const docs = parseBody(req);
    const promotions = docs.filter(
      d => (d as { kind?: unknown } | null)?.kind === 'Promotion',
    ) as Array<{
      metadata?: { namespace?: unknown };
      spec?: { stage?: unknown };
    }>;
    if (promotions.length) {
      const targets = promotions.map(p => ({
        project: String(p.metadata?.namespace ?? ''),
        stage: String(p.spec?.stage ?? ''),
      }));
      await authorize(
        req,
        ...targets.map(t =>
          onStage(kargoStagePromotePermission, t.project, t.stage),
        ),
      );
      // Freezes and promotion windows admit manifests as they admit the
      // promote endpoint's Promotions.
      for (const t of targets) {
        await options.promotions.checkGate(t.project, t.stage);
      }
    }
    return applier.apply(docs, mode, { actor: await actorOf(req) });
  };

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  const manifestsBody = express.text({
    type: () => true,
    limit: RESOURCES_BODY_LIMIT,
  });

  router.post('/v1beta1/resources', manifestsBody, async (req, res) => {
    const results = await change(req, 'create', () =>
      applyManifests(req, 'create'),
    );
    res.status(201).json({ results });
  });

  router.put('/v1beta1/resources', manifestsBody, async (req, res) => {
    const results = await change(req, 'upsert', () =>
      applyManifests(req, 'upsert'),
    );
    res.json({ results });
  });

  router.delete('/v1beta1/resources', manifestsBody, async (req, res) => {
    const results = await change(req, 'delete', () =>
      applier.delete(parseBody(req)),
    );
    res.json({ results });
  });

  router.get('/v1beta1/projects', async (req, res) => {
    await read(req);
    const page = await store.listResources({
      kind: 'Project',
      order: 'name',
      limit: parseLimit(req.query.limit),
      after: decodeContinue(req.query.continue),
    });
    res.json(list('Project', page.items, page.next));
  });

  const getProject = async (name: string) => {
    const project = await store.getResource({
      kind: 'Project',
      project: name,
      name,
    });
    if (!project) {
      throw new NotFoundError(`Project "${name}" not found`);
    }
    return project;
  };

  router.get('/v1beta1/projects/:project', async (req, res) => {
    await read(req);
    res.json(toManifest(await getProject(req.params.project)));
  });

  router.delete('/v1beta1/projects/:project', async (req, res) => {
    const { project } = req.params;
    const [result] = await change(req, 'delete', () =>
      applier.deleteByKeys([{ kind: 'Project', project, name: project }]),
    );
    res.json(result.deletedResourceManifest);
  });

  router.get('/v1beta1/projects/:project/config', async (req, res) => {
    await read(req);
    const { project } = req.params;
    const config = await store.getResource({
      kind: 'ProjectConfig',
      project,
      name: project,
    });
    if (!config) {
      throw new NotFoundError(`ProjectConfig "${project}" not found`);
    }
    res.json(toManifest(config));
  });

  router.delete('/v1beta1/projects/:project/config', async (req, res) => {
    const { project } = req.params;
    const [result] = await change(req, 'delete', () =>
      applier.deleteByKeys([{ kind: 'ProjectConfig', project, name: project }]),
    );
    res.json(result.deletedResourceManifest);
  });

  // Freezes in force (before the generic collections, which it is not).
  router.get('/v1beta1/projects/:project/freezes', async (req, res) => {
    await read(req);
    const { project } = req.params;
    await getProject(project);
    res.json({ items: await options.freezes.store.list(project) });
  });
  router.get('/v1beta1/projects/:project/:collection', async (req, res) => {
    const collection = collectionOf(req.params.collection);
    await read(req);
    const { project } = req.params;
    await getProject(project);
    const limit = parseLimit(req.query.limit);
    const after = decodeContinue(req.query.continue);
    const origins = parseList(req.query.origins);
    const stage =
      typeof req.query.stage === 'string' ? req.query.stage : undefined;
    if (collection.kind === 'Freight' && stage) {
      const page = await listFreightForStage(store, project, stage, {
        origins,
        limit,
        after,
      });
      // Kargo answers a Stage's Freight grouped by origin; beside the page,
      // the Freight passed over and why (not verified upstream, soaking…).
      const groups: Record<string, { items: string[] }> = {};
      for (const f of page.items) {
        (groups[`Warehouse/${f.origin}`] ??= { items: [] }).items.push(f.name);
      }
      res.json({
        ...list('Freight', page.items, page.next),
        groups,
        unavailable: page.unavailable,
      });
      return;
    }
    const page = await store.listResources({
      kind: collection.kind,
      project,
      order: collection.order,
      origins: collection.kind === 'Freight' ? origins : undefined,
      stages: collection.kind === 'Promotion' && stage ? [stage] : undefined,
      limit,
      after,
    });
    res.json(list(collection.kind, page.items, page.next));
  });

  const findOne = async (kind: KargoKind, project: string, name: string) => {
    const resource =
      kind === 'Freight'
        ? await store.getFreight(project, name)
        : await store.getResource({ kind, project, name });
    if (!resource) {
      throw new NotFoundError(
        `${kind} "${project ? `${project}/` : ''}${name}" not found`,
      );
    }
    return resource;
  };
  router.post(
    '/v1beta1/projects/:project/warehouses/:name/refresh',
    async (req, res) => {
      const { project, name } = req.params;
      const warehouse = await audited(
        req,
        {
          eventId: 'warehouse-refresh',
          permission: [kargoWarehouseRefreshPermission],
          meta: { project, warehouse: name },
        },
        async () => {
          if (!(await refreshWarehouse(project, name))) {
            throw new NotFoundError(`Warehouse "${project}/${name}" not found`);
          }
          return findOne('Warehouse', project, name);
        },
        () => ({}),
      );
      res.json(toManifest(warehouse));
    },
  );

  router.post(
    '/v1beta1/projects/:project/stages/:stage/promotions',
    express.json(),
    async (req, res) => {
      const { project, stage } = req.params;
      const promotion = await operations.promote(
        await callerOf(req),
        project,
        stage,
        (req.body ?? {}) as JsonObject,
      );
      res.status(201).json(toManifest(promotion));
    },
  );

  router.post(
    '/v1beta1/projects/:project/promotions/:name/abort',
    async (req, res) => {
      const { project, name } = req.params;
      const stage = await stageOfPromotion(req, project, name);
      const promotion = await audited(
        req,
        {
          eventId: 'promotion-abort',
          permission: [onStage(kargoPromotionAbortPermission, project, stage)],
          meta: { project, promotion: name },
        },
        async () => options.promotions.abort(project, name, await actorOf(req)),
        aborted => ({ phase: aborted.status.phase ?? null }),
      );
      res.json(toManifest(promotion));
    },
  );

  router.post(
    '/v1beta1/projects/:project/freight/:freight/approve',
    async (req, res) => {
      const { project, freight } = req.params;
      const stage = req.query.stage;
      if (typeof stage !== 'string' || !stage) {
        throw new InputError('stage: the query parameter ?stage= is required');
      }
      const approved = await operations.approveFreight(
        await callerOf(req),
        project,
        freight,
        stage,
      );
      res.json(toManifest(approved));
    },
  );

  // Quarantine: Freight rejected for one Stage (?stage=) or the project.
  const rejectionRoute = (method: 'post' | 'delete') =>
    router[method](
      '/v1beta1/projects/:project/freight/:freight/reject',
      express.json(),
      async (req, res) => {
        const { project, freight } = req.params;
        const stage =
          typeof req.query.stage === 'string' && req.query.stage
            ? req.query.stage
            : undefined;
        const result = await audited(
          req,
          {
            eventId: method === 'post' ? 'freight-reject' : 'freight-unreject',
            // For one Stage, whoever may approve there; for the whole
            // project, whoever may stop the line.
            permission: [
              stage
                ? onStage(kargoFreightApprovePermission, project, stage)
                : kargoFreezeManagePermission,
            ],
            meta: { project, freight, ...(stage ? { stage } : {}) },
          },
          async () =>
            method === 'post'
              ? options.stages.reject(
                  project,
                  freight,
                  stage,
                  typeof req.body?.reason === 'string' ? req.body.reason : '',
                  await actorOf(req),
                )
              : options.stages.unreject(project, freight, stage),
          f => ({ freight: f.name }),
        );
        res.json(toManifest(result));
      },
    );
  rejectionRoute('post');
  rejectionRoute('delete');

  router.post(
    '/v1beta1/projects/:project/stages/:stage/promotions/downstream',
    express.json(),
    async (req, res) => {
      const { project, stage } = req.params;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const created = await audited(
        req,
        {
          eventId: 'promotion-create',
          // Promote is checked per downstream Stage once they are known;
          // reading the project comes first.
          permission: [kargoProjectReadPermission],
          meta: { project, downstreamOf: stage, request: body as JsonObject },
        },
        async () =>
          options.stages.promoteDownstream(
            project,
            stage,
            promotionRequestOf(body, { origin: false }),
            await actorOf(req),
            async stages => {
              await authorize(
                req,
                ...stages.map(s =>
                  onStage(kargoStagePromotePermission, project, s),
                ),
              );
            },
          ),
        promotions => ({ promotions: promotions.map(p => p.name) }),
      );
      res.status(201).json(list('Promotion', created));
    },
  );

  const stageAction = (
    path: string,
    eventId: string,
    permission: ResourcePermission<typeof KARGO_STAGE_RESOURCE_TYPE>,
    act: (
      project: string,
      stage: string,
      actor: string,
    ) => Promise<StoredResource>,
  ) =>
    router.post(
      `/v1beta1/projects/:project/stages/:stage${path}`,
      async (req, res) => {
        const { project, stage } = req.params;
        const result = await audited(
          req,
          {
            eventId,
            permission: [onStage(permission, project, stage)],
            meta: { project, stage },
          },
          async () => act(project, stage, await actorOf(req)),
          () => ({}),
        );
        res.json(toManifest(result));
      },
    );
  stageAction(
    '/verification',
    'stage-reverify',
    kargoStagePromotePermission,
    (p, s, actor) => options.stages.reverify(p, s, actor),
  );
  stageAction(
    '/verification/abort',
    'verification-abort',
    kargoPromotionAbortPermission,
    (p, s, actor) => options.stages.abortVerification(p, s, actor),
  );
  stageAction(
    '/refresh',
    'stage-refresh',
    kargoStagePromotePermission,
    (p, s) => options.stages.refresh(p, s),
  );

  router.post(
    '/v1beta1/projects/:project/promotions/:name/retry',
    async (req, res) => {
      const { project, name } = req.params;
      const stage = await stageOfPromotion(req, project, name);
      const promotion = await audited(
        req,
        {
          eventId: 'promotion-create',
          permission: [onStage(kargoStagePromotePermission, project, stage)],
          meta: { project, retryOf: name },
        },
        async () => options.promotions.retry(project, name, await actorOf(req)),
        created => ({ promotion: created.name, freight: created.spec.freight }),
      );
      res.status(201).json(toManifest(promotion));
    },
  );

  router.get(
    '/v1beta1/projects/:project/stages/:stage/audit',
    async (req, res) => {
      await read(req);
      const { project, stage } = req.params;
      await findOne('Stage', project, stage);
      res.json({ items: await options.auditTrail.of(project, stage) });
    },
  );

  // Reviews of a Promotion waiting in a wait-for-approval step.
  for (const [path, decision] of [
    ['approve', 'Approved'],
    ['reject', 'Rejected'],
  ] as const) {
    router.post(
      `/v1beta1/projects/:project/promotions/:name/${path}`,
      express.json(),
      async (req, res) => {
        const { project, name } = req.params;
        const text = req.body?.[decision === 'Rejected' ? 'reason' : 'comment'];
        const review = await operations.reviewPromotion(
          await callerOf(req),
          project,
          name,
          decision,
          typeof text === 'string' ? text : undefined,
        );
        res.json(review);
      },
    );
  }

  router.get(
    '/v1beta1/projects/:project/promotions/:name/steps',
    async (req, res) => {
      await read(req);
      const { project, name } = req.params;
      res.json({ items: await options.promotions.steps(project, name) });
    },
  );

  // Stop-the-line: freeze a project or one Stage, with a reason.
  for (const path of [
    '/v1beta1/projects/:project/freeze',
    '/v1beta1/projects/:project/stages/:stage/freeze',
  ]) {
    router.put(path, express.json(), async (req, res) => {
      const { project, stage } = req.params as {
        project: string;
        stage?: string;
      };
      const freeze = await audited(
        req,
        {
          eventId: 'freeze',
          permission: [kargoFreezeManagePermission],
          meta: { project, ...(stage ? { stage } : {}) },
        },
        async () => {
          const reason = req.body?.reason;
          if (typeof reason !== 'string' || !reason.trim()) {
            throw new InputError(
              'reason: required, why Promotions must stop (shown to everyone)',
            );
          }
          await getProject(project);
          if (stage) await findOne('Stage', project, stage);
          const frozen = await options.freezes.store.freeze({
            project,
            ...(stage ? { stage } : {}),
            reason: reason.trim(),
            actor: await actorOf(req),
          });
          await options.freezes.changed(project, stage);
          return frozen;
        },
        frozen => ({ reason: frozen.reason }),
      );
      res.json(freeze);
    });
    router.delete(path, async (req, res) => {
      const { project, stage } = req.params as {
        project: string;
        stage?: string;
      };
      const lifted = await audited(
        req,
        {
          eventId: 'unfreeze',
          permission: [kargoFreezeManagePermission],
          meta: { project, ...(stage ? { stage } : {}) },
        },
        async () => {
          const freeze = await options.freezes.store.unfreeze(project, stage);
          if (!freeze) {
            throw new NotFoundError(
              `${
                stage ? `Stage "${project}/${stage}"` : `project "${project}"`
              } is not frozen`,
            );
          }
          await options.freezes.changed(project, stage);
          return freeze;
        },
        freeze => ({ frozenBy: freeze.actor, reason: freeze.reason }),
      );
      res.json(lifted);
    });
  }

  // Kargo's GetAnalysisRun: the run a Stage's verification history names.
  router.get(
    '/v1beta1/projects/:project/analysis-runs/:name',
    async (req, res) => {
      await read(req);
      const { project, name } = req.params;
      const run = await options.analysisRuns.get(project, name);
      if (!run) {
        throw new NotFoundError(`AnalysisRun "${project}/${name}" not found`);
      }
      res.json(run);
    },
  );

  router.get(
    '/v1beta1/projects/:project/:collection/:name',
    async (req, res) => {
      const collection = collectionOf(req.params.collection);
      await read(req);
      const { project, name } = req.params;
      res.json(toManifest(await findOne(collection.kind, project, name)));
    },
  );

  router.patch(
    '/v1beta1/projects/:project/freight/:name/alias',
    express.json(),
    async (req, res) => {
      const { project, name } = req.params;
      const [result] = await change(req, 'upsert', async () => {
        const newAlias = req.body?.newAlias;
        if (typeof newAlias !== 'string' || !newAlias) {
          throw new InputError("newAlias: required, the Freight's new alias");
        }
        const freight = toManifest(await findOne('Freight', project, name));
        // Through the applier, so alias rules (format, unique per project,
        // label mirror) stay in one place; the resourceVersion guards races.
        return applier.apply(
          [{ ...freight, alias: newAlias, status: undefined }],
          'upsert',
        );
      });
      res.json(result.updatedResourceManifest);
    },
  );

  router.delete(
    '/v1beta1/projects/:project/:collection/:name',
    async (req, res) => {
      const collection = collectionOf(req.params.collection);
      const { project, name } = req.params;
      const [result] = await change(req, 'delete', async () =>
        applier.deleteByKeys([await findOne(collection.kind, project, name)]),
      );
      res.json(result.deletedResourceManifest);
    },
  );

  for (const [segment, kind] of Object.entries(CLUSTER_COLLECTIONS)) {
    router.get(`/v1beta1/${segment}`, async (req, res) => {
      await read(req);
      const page = await store.listResources({
        kind,
        project: '',
        order: 'name',
        limit: parseLimit(req.query.limit),
        after: decodeContinue(req.query.continue),
      });
      res.json(list(kind, page.items, page.next));
    });

    router.get(`/v1beta1/${segment}/:name`, async (req, res) => {
      await read(req);
      res.json(toManifest(await findOne(kind, '', req.params.name)));
    });
  }

  // Kargo's API deletes ClusterAnalysisTemplates (not ClusterPromotionTasks).
  router.delete(
    '/v1beta1/cluster-analysis-templates/:name',
    async (req, res) => {
      const [result] = await change(req, 'delete', async () =>
        applier.deleteByKeys([
          await findOne('ClusterAnalysisTemplate', '', req.params.name),
        ]),
      );
      res.json(result.deletedResourceManifest);
    },
  );

  router.get('/v1beta1/system/cluster-config', async (req, res) => {
    await read(req);
    res.json(toManifest(await findOne('ClusterConfig', '', 'cluster')));
  });

  router.delete('/v1beta1/system/cluster-config', async (req, res) => {
    const [result] = await change(req, 'delete', () =>
      applier.deleteByKeys([
        { kind: 'ClusterConfig', project: '', name: 'cluster' },
      ]),
    );
    res.json(result.deletedResourceManifest);
  });

  router.get(
    '/v1beta1/entity/:kind/:namespace/:name/pipeline',
    async (req, res) => {
      const credentials = await read(req);
      const { kind, namespace, name } = req.params;
      res.json(await pipelines.load({ kind, namespace, name }, credentials));
    },
  );

  /**
   * Reads and applies the entity's `kargo.akuity.io/manifests` now (the file
   * afresh), answering how it went; a failed sync is audited as failed and
   * answered with its error in the status, as the entity's page shows it.
   */
  router.post(
    '/v1beta1/entity/:kind/:namespace/:name/manifest-source/sync',
    async (req, res) => {
      const entityRef = stringifyEntityRef(req.params);
      let status: ManifestSourceStatus | undefined;
      try {
        await audited(
          req,
          {
            eventId: 'manifest-source-sync',
            permission: [kargoResourceManagePermission],
            meta: { entityRef },
          },
          async () => {
            if (!options.manifestSources) {
              throw new NotFoundError(
                'Manifest sources are turned off (kargo.manifestSources.enabled)',
              );
            }
            status = await options.manifestSources.syncByRef(
              entityRef,
              await httpAuth.credentials(req),
            );
            if (status.error) throw new Error(status.error);
            return status;
          },
          s => ({ appliedCount: s.appliedCount ?? 0 }),
        );
      } catch (error) {
        if (!status) throw error; // refused or not found: nothing was synced
      }
      res.json(status);
    },
  );

  return router;
}
