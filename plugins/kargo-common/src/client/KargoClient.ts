import { ResponseError } from '@backstage/errors';
import type {
  AnalysisRunView,
  ApplyResponse,
  EntityPipelineResponse,
  FreightSelector,
  KargoFreeze,
  KargoList,
  KargoManifest,
  ListOptions,
  ManifestSourceStatus,
  PromoteRequest,
  PromotionStepView,
  StageAuditEntry,
  StageFreightList,
} from '../api/types';

/** Options per call; `token` authenticates service-to-service calls. */
export type KargoRequestOptions = { token?: string };

export type KargoClientOptions = {
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  fetchApi?: { fetch: typeof fetch };
};

export type FreightListOptions = ListOptions & {
  /** Only Freight available to this Stage. */
  stage?: string;
  /** Only Freight from these Warehouses. */
  origins?: string[];
};

export type PromotionListOptions = ListOptions & { stage?: string };

/**
 * Isomorphic client of the Kargo backend's REST API (`/api/kargo`), for the
 * frontend plugin, scaffolder actions and scripts.
 */
export class KargoClient {
  private readonly discoveryApi: KargoClientOptions['discoveryApi'];
  private readonly fetchApi: { fetch: typeof fetch };

  constructor(options: KargoClientOptions) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi ?? { fetch: (...a) => fetch(...a) };
  }

  listProjects(options?: ListOptions, request?: KargoRequestOptions) {
    return this.get<KargoList>('/v1beta1/projects', options, request);
  }

  getProject(project: string, request?: KargoRequestOptions) {
    return this.get<KargoManifest>(
      `/v1beta1/projects/${enc(project)}`,
      {},
      request,
    );
  }

  getProjectConfig(project: string, request?: KargoRequestOptions) {
    return this.get<KargoManifest>(
      `/v1beta1/projects/${enc(project)}/config`,
      {},
      request,
    );
  }

  listStages(
    project: string,
    options?: ListOptions,
    request?: KargoRequestOptions,
  ) {
    return this.get<KargoList>(
      `/v1beta1/projects/${enc(project)}/stages`,
      options,
      request,
    );
  }

  getStage(project: string, stage: string, request?: KargoRequestOptions) {
    return this.get<KargoManifest>(stagePath(project, stage), {}, request);
  }

  listWarehouses(
    project: string,
    options?: ListOptions,
    request?: KargoRequestOptions,
  ) {
    return this.get<KargoList>(
      `/v1beta1/projects/${enc(project)}/warehouses`,
      options,
      request,
    );
  }

  getWarehouse(
    project: string,
    warehouse: string,
    request?: KargoRequestOptions,
  ) {
    return this.get<KargoManifest>(
      `/v1beta1/projects/${enc(project)}/warehouses/${enc(warehouse)}`,
      {},
      request,
    );
  }

  /**
   * Freight of the project, newest first. With `stage`, only the Freight
   * available to that Stage, and beside it what is not and why.
   */
  listFreight(
    project: string,
    options: FreightListOptions & { stage: string },
    request?: KargoRequestOptions,
  ): Promise<StageFreightList>;
  listFreight(
    project: string,
    options?: FreightListOptions,
    request?: KargoRequestOptions,
  ): Promise<KargoList>;
  listFreight(
    project: string,
    options?: FreightListOptions,
    request?: KargoRequestOptions,
  ): Promise<KargoList | StageFreightList> {
    const { origins, ...rest } = options ?? {};
    return this.get<KargoList>(
      `/v1beta1/projects/${enc(project)}/freight`,
      { ...rest, origins: origins?.join(',') },
      request,
    );
  }

  /** Freight by name or alias. */
  getFreight(
    project: string,
    nameOrAlias: string,
    request?: KargoRequestOptions,
  ) {
    return this.get<KargoManifest>(
      `/v1beta1/projects/${enc(project)}/freight/${enc(nameOrAlias)}`,
      {},
      request,
    );
  }

  listPromotions(
    project: string,
    options?: PromotionListOptions,
    request?: KargoRequestOptions,
  ) {
    return this.get<KargoList>(
      `/v1beta1/projects/${enc(project)}/promotions`,
      options,
      request,
    );
  }

  getPromotion(
    project: string,
    promotion: string,
    request?: KargoRequestOptions,
  ) {
    return this.get<KargoManifest>(
      promotionPath(project, promotion),
      {},
      request,
    );
  }

  listPromotionTasks(
    project: string,
    options?: ListOptions,
    request?: KargoRequestOptions,
  ) {
    return this.get<KargoList>(
      `/v1beta1/projects/${enc(project)}/promotion-tasks`,
      options,
      request,
    );
  }

  listClusterPromotionTasks(
    options?: ListOptions,
    request?: KargoRequestOptions,
  ) {
    return this.get<KargoList>(
      '/v1beta1/cluster-promotion-tasks',
      options,
      request,
    );
  }

  /** Everything an entity's Promotions tab shows, in one round trip. */
  getEntityPipeline(
    entity: { kind: string; namespace?: string; name: string },
    request?: KargoRequestOptions,
  ) {
    return this.get<EntityPipelineResponse>(
      `${entityPath(entity)}/pipeline`,
      {},
      request,
    );
  }

  /**
   * Reads and applies the entity's `kargo.akuity.io/manifests` now; answers
   * how it went (a failed sync answers its `error`, as the pipeline does).
   */
  syncManifestSource(
    entity: { kind: string; namespace?: string; name: string },
    request?: KargoRequestOptions,
  ) {
    return this.post<ManifestSourceStatus>(
      `${entityPath(entity)}/manifest-source/sync`,
      undefined,
      request,
    );
  }

  /** The steps of a Promotion with their status, outputs and logs. */
  getPromotionSteps(
    project: string,
    promotion: string,
    request?: KargoRequestOptions,
  ) {
    return this.get<{ items: PromotionStepView[] }>(
      `${promotionPath(project, promotion)}/steps`,
      {},
      request,
    );
  }

  /**
   * The AnalysisRun a Stage's verification ran (its name is in the Stage's
   * `status.freightHistory[].verificationHistory[].analysisRun.name`).
   */
  getAnalysisRun(project: string, name: string, request?: KargoRequestOptions) {
    return this.get<AnalysisRunView>(
      `/v1beta1/projects/${enc(project)}/analysis-runs/${enc(name)}`,
      {},
      request,
    );
  }

  /**
   * Who promoted, reviewed, approved or rejected what for a Stage, and the
   * freezes in force: newest first.
   */
  getStageAudit(project: string, stage: string, request?: KargoRequestOptions) {
    return this.get<{ items: StageAuditEntry[] }>(
      `${stagePath(project, stage)}/audit`,
      {},
      request,
    );
  }

  /** Starts a Promotion of Freight into a Stage; answers the Promotion. */
  promote(
    project: string,
    stage: string,
    freight: PromoteRequest,
    request?: KargoRequestOptions,
  ) {
    return this.post<KargoManifest>(
      `${stagePath(project, stage)}/promotions`,
      freight,
      request,
    );
  }

  /**
   * Promotes Freight from a Stage into every Stage downstream of it that
   * takes that Freight's origin; answers the Promotions created.
   */
  promoteDownstream(
    project: string,
    stage: string,
    freight: FreightSelector,
    request?: KargoRequestOptions,
  ) {
    return this.post<KargoList>(
      `${stagePath(project, stage)}/promotions/downstream`,
      freight,
      request,
    );
  }

  /**
   * Makes Freight available to a Stage without upstream verification or
   * soak; answers the Freight. Starts no Promotion.
   */
  approveFreight(
    project: string,
    freight: string,
    stage: string,
    request?: KargoRequestOptions,
  ) {
    return this.post<KargoManifest>(
      `/v1beta1/projects/${enc(project)}/freight/${enc(
        freight,
      )}/approve?${new URLSearchParams({ stage })}`,
      undefined,
      request,
    );
  }

  /** Aborts a pending or running Promotion; answers the Promotion. */
  abortPromotion(
    project: string,
    promotion: string,
    request?: KargoRequestOptions,
  ) {
    return this.post<KargoManifest>(
      `${promotionPath(project, promotion)}/abort`,
      undefined,
      request,
    );
  }

  /** Promotes a finished Promotion's Freight again; answers the new Promotion. */
  retryPromotion(
    project: string,
    promotion: string,
    request?: KargoRequestOptions,
  ) {
    return this.post<KargoManifest>(
      `${promotionPath(project, promotion)}/retry`,
      undefined,
      request,
    );
  }

  /** Approves a Promotion waiting in a `wait-for-approval` step. */
  approvePromotion(
    project: string,
    promotion: string,
    review?: { comment?: string },
    request?: KargoRequestOptions,
  ) {
    const comment = review?.comment?.trim();
    return this.post<KargoManifest>(
      `${promotionPath(project, promotion)}/approve`,
      comment ? { comment } : undefined,
      request,
    );
  }

  /** Rejects a Promotion waiting for approval: it fails with the reason. */
  rejectPromotion(
    project: string,
    promotion: string,
    reason: string,
    request?: KargoRequestOptions,
  ) {
    return this.post<KargoManifest>(
      `${promotionPath(project, promotion)}/reject`,
      { reason },
      request,
    );
  }

  /** Freezes the project, or one Stage with `stage`: no Promotion starts. */
  freeze(
    project: string,
    target: { stage?: string; reason: string },
    request?: KargoRequestOptions,
  ) {
    return this.request<KargoFreeze>(
      'PUT',
      freezePath(project, target.stage),
      {
        body: JSON.stringify({ reason: target.reason }),
        contentType: 'application/json',
      },
      request,
    );
  }

  /** Lifts the freeze of the project, or of one Stage with `stage`. */
  unfreeze(
    project: string,
    target?: { stage?: string },
    request?: KargoRequestOptions,
  ) {
    return this.request<KargoFreeze>(
      'DELETE',
      freezePath(project, target?.stage),
      undefined,
      request,
    );
  }

  /** Every freeze of a project, the project-wide one first. */
  listFreezes(project: string, request?: KargoRequestOptions) {
    return this.get<{ items: KargoFreeze[] }>(
      `/v1beta1/projects/${enc(project)}/freezes`,
      {},
      request,
    );
  }

  /**
   * Rejects Freight for a Stage (or the whole project without `stage`): no
   * Promotion takes it. Answers the Freight.
   */
  rejectFreight(
    project: string,
    freight: string,
    target: { stage?: string; reason: string },
    request?: KargoRequestOptions,
  ) {
    return this.post<KargoManifest>(
      rejectPath(project, freight, target.stage),
      { reason: target.reason },
      request,
    );
  }

  /** Lifts a rejection of Freight for a Stage (or the whole project). */
  unrejectFreight(
    project: string,
    freight: string,
    target?: { stage?: string },
    request?: KargoRequestOptions,
  ) {
    return this.request<KargoManifest>(
      'DELETE',
      rejectPath(project, freight, target?.stage),
      undefined,
      request,
    );
  }

  /** Asks a Warehouse to discover artifacts now; answers the Warehouse. */
  refreshWarehouse(
    project: string,
    warehouse: string,
    request?: KargoRequestOptions,
  ) {
    return this.post<KargoManifest>(
      `/v1beta1/projects/${enc(project)}/warehouses/${enc(warehouse)}/refresh`,
      undefined,
      request,
    );
  }

  /** Asks for the Stage to be reconciled now; answers the Stage. */
  refreshStage(project: string, stage: string, request?: KargoRequestOptions) {
    return this.post<KargoManifest>(
      `${stagePath(project, stage)}/refresh`,
      undefined,
      request,
    );
  }

  /** Verifies the Stage's current Freight again; answers the Stage. */
  reverifyStage(project: string, stage: string, request?: KargoRequestOptions) {
    return this.post<KargoManifest>(
      `${stagePath(project, stage)}/verification`,
      undefined,
      request,
    );
  }

  /** Aborts the Stage's running verification; answers the Stage. */
  abortVerification(
    project: string,
    stage: string,
    request?: KargoRequestOptions,
  ) {
    return this.post<KargoManifest>(
      `${stagePath(project, stage)}/verification/abort`,
      undefined,
      request,
    );
  }

  /**
   * Creates (`create`) or creates-or-updates (`upsert`) the manifests: a YAML
   * or JSON text of one or more documents, or objects. All or nothing.
   */
  applyManifests(
    manifests: string | object[],
    options: { mode: 'create' | 'upsert' },
    request?: KargoRequestOptions,
  ) {
    return this.send<ApplyResponse>(
      options.mode === 'create' ? 'POST' : 'PUT',
      '/v1beta1/resources',
      manifests,
      request,
    );
  }

  deleteManifests(manifests: string | object[], request?: KargoRequestOptions) {
    return this.send<ApplyResponse>(
      'DELETE',
      '/v1beta1/resources',
      manifests,
      request,
    );
  }

  private async get<T>(
    path: string,
    query: Record<string, string | number | undefined> | undefined,
    request?: KargoRequestOptions,
  ): Promise<T> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== '') {
        params.set(key, String(value));
      }
    }
    const qs = params.toString();
    return this.request<T>(
      'GET',
      `${path}${qs ? `?${qs}` : ''}`,
      undefined,
      request,
    );
  }

  /** An action route: a JSON body when there is something to say. */
  private post<T>(
    path: string,
    body: object | undefined,
    request?: KargoRequestOptions,
  ): Promise<T> {
    return this.request<T>(
      'POST',
      path,
      body
        ? { body: JSON.stringify(body), contentType: 'application/json' }
        : undefined,
      request,
    );
  }

  private send<T>(
    method: string,
    path: string,
    manifests: string | object[],
    request?: KargoRequestOptions,
  ): Promise<T> {
    const isText = typeof manifests === 'string';
    return this.request<T>(
      method,
      path,
      {
        body: isText ? manifests : JSON.stringify(manifests),
        contentType: isText ? 'application/yaml' : 'application/json',
      },
      request,
    );
  }

  private async request<T>(
    method: string,
    path: string,
    body: { body: string; contentType: string } | undefined,
    request?: KargoRequestOptions,
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('kargo');
    const headers: Record<string, string> = {};
    if (request?.token) {
      headers.Authorization = `Bearer ${request.token}`;
    }
    if (body) {
      headers['Content-Type'] = body.contentType;
    }
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body?.body,
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

function enc(value: string): string {
  return encodeURIComponent(value);
}

/** `/v1beta1/entity/<kind>/<namespace>/<name>`, the kind in lower case. */
function entityPath(entity: {
  kind: string;
  namespace?: string;
  name: string;
}): string {
  return `/v1beta1/entity/${[
    entity.kind.toLocaleLowerCase('en-US'),
    entity.namespace ?? 'default',
    entity.name,
  ]
    .map(enc)
    .join('/')}`;
}

function stagePath(project: string, stage: string): string {
  return `/v1beta1/projects/${enc(project)}/stages/${enc(stage)}`;
}

function promotionPath(project: string, promotion: string): string {
  return `/v1beta1/projects/${enc(project)}/promotions/${enc(promotion)}`;
}

function freezePath(project: string, stage?: string): string {
  return stage
    ? `${stagePath(project, stage)}/freeze`
    : `/v1beta1/projects/${enc(project)}/freeze`;
}

function rejectPath(project: string, freight: string, stage?: string): string {
  const query = stage ? `?${new URLSearchParams({ stage })}` : '';
  return `/v1beta1/projects/${enc(project)}/freight/${enc(
    freight,
  )}/reject${query}`;
}
