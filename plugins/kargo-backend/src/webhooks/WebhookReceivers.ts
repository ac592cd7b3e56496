import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  listProjectNames,
  type KargoStore,
  type StoredResource,
} from '../database';
import type { SecretsProvider } from '../secrets';
import { GenericTarget, handleGeneric } from './generic';
import {
  errorResponse,
  Headers,
  InvalidBodyError,
  jsonResponse,
  RequestHeaders,
  safeEqual,
  WebhookResponse,
} from './http';
import { ChangeSet, cleanList, warehouseMatches } from './matching';
import {
  buildWebhookPath,
  RECEIVER_SECRET_KEYS,
  RECEIVER_TYPES,
  ReceiverType,
} from './paths';
import { imageOrChartURLs, PROVIDER_HANDLERS } from './providers';

type Json = Record<string, unknown>;

/** A published receiver endpoint: ProjectConfig/ClusterConfig `status.webhookReceivers[]`. */
export type WebhookReceiverEndpoint = {
  name: string;
  /** `/<type>/<sha256 hex>`, relative to the webhooks mount. */
  path: string;
  /** `<baseUrl>/webhooks<path>`: what to register with the sender. */
  url: string;
};

/** An incoming request, with the raw body (signatures cover exact bytes). */
export type WebhookRequest = {
  method: string;
  headers: RequestHeaders;
  body: Buffer;
  /** Query parameters (generic receivers' `request.params`); also read from a `?` in the path. */
  query?: Record<string, string | string[] | undefined>;
};

export type WebhookReceiversOptions = {
  store: KargoStore;
  secrets: SecretsProvider;
  /** Requests discovery of a Warehouse; false when it does not exist. */
  refresh(project: string, warehouse: string): Promise<boolean>;
  /** The plugin's external base URL, e.g. http://localhost:7007/api/kargo. */
  baseUrl: string;
  logger: LoggerService;
  /**
   * Refreshes the running Promotions waiting on a pull request (Kargo's
   * git-wait-for-pr); answers how many. Without it, PR events refresh none.
   */
  refreshPromotionsForPullRequest?(
    project: string | undefined,
    prURL: string,
  ): Promise<number>;
  /** Bearer token of the registry notifications endpoint; unset = disabled (404). */
  registryNotificationToken?: string;
  /** Other names the notifying registry is known by (host[:port]). */
  registryNotificationHostAliases?: string[];
};

/** Where webhook endpoints are mounted under baseUrl. */
export const WEBHOOKS_MOUNT = '/webhooks';
/** Kargo's limit on webhook request bodies: 2 MiB. */
export const MAX_WEBHOOK_BODY_BYTES = 2 << 20;
/** The registry notifications endpoint, under baseUrl. */
export const REGISTRY_NOTIFICATIONS_PATH = '/webhooks/registry/events';

/** A receiver whose endpoint could be derived. */
type ResolvedReceiver = WebhookReceiverEndpoint & {
  /** The project, or undefined for a cluster receiver. */
  project: string | undefined;
  type: ReceiverType;
  config: Json;
  secret: Record<string, string>;
};

type ConfigResource = Pick<StoredResource, 'kind' | 'name' | 'spec'> &
  Partial<Pick<StoredResource, 'project'>>;

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

// Docker distribution manifest media types (blobs have others).
const MANIFEST_MEDIA_TYPES = new Set([
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
]);

/**
 * Kargo's external webhook receivers (pkg/webhook/external) over the store:
 * derives each receiver's endpoint exactly as Kargo does, routes requests to
 * the receiver whose path they hit, verifies them as the provider requires
 * and requests discovery of the Warehouses subscribed to what changed.
 * Also receives the Docker distribution registry's own notifications.
 *
 * Nothing secret is logged or answered: not secret values, not paths (for
 * several providers the path is the only credential).
 */
export class WebhookReceivers {
  private readonly store: KargoStore;
  private readonly secrets: SecretsProvider;
  private readonly refreshWarehouse: WebhookReceiversOptions['refresh'];
  private readonly refreshPromotions: WebhookReceiversOptions['refreshPromotionsForPullRequest'];
  private readonly baseUrl: string;
  private readonly logger: LoggerService;
  private readonly registryToken?: string;
  private readonly registryAliases: string[];

  constructor(options: WebhookReceiversOptions) {
    this.store = options.store;
    this.secrets = options.secrets;
    this.refreshWarehouse = options.refresh;
    this.refreshPromotions = options.refreshPromotionsForPullRequest;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.logger = options.logger;
    this.registryToken = options.registryNotificationToken || undefined;
    this.registryAliases = options.registryNotificationHostAliases ?? [];
  }

  /**
   * The endpoints to publish in a ProjectConfig's or ClusterConfig's
   * `status.webhookReceivers` (receivers whose Secret is missing or lacks the
   * type's key are left out, as Kargo leaves them out).
   */
  async endpointsFor(
    resource: ConfigResource,
  ): Promise<WebhookReceiverEndpoint[]> {
    const { endpoints } = await this.describeEndpoints(resource);
    return endpoints;
  }

  /**
   * Like endpointsFor, plus why receivers were left out (for the resource's
   * Ready condition; the messages name Secrets and keys, never values).
   */
  async describeEndpoints(resource: ConfigResource): Promise<{
    endpoints: WebhookReceiverEndpoint[];
    errors: string[];
  }> {
    const { receivers, errors } = await this.resolve(resource);
    return {
      endpoints: receivers.map(({ name, path, url }) => ({ name, path, url })),
      errors,
    };
  }

  private projectOf(resource: ConfigResource): string | undefined {
    if (resource.kind === 'ClusterConfig') return undefined;
    if (resource.kind === 'ProjectConfig') return resource.name;
    throw new Error(
      `${resource.kind} has no webhook receivers (ProjectConfig or ClusterConfig expected)`,
    );
  }

  private async resolve(resource: ConfigResource): Promise<{
    receivers: ResolvedReceiver[];
    errors: string[];
  }> {
    const project = this.projectOf(resource);
    const configs = resource.spec.webhookReceivers;
    const receivers: ResolvedReceiver[] = [];
    const errors: string[] = [];
    if (!Array.isArray(configs)) return { receivers, errors };
    for (const raw of configs) {
      const receiverCfg = asObject(raw);
      const name = receiverCfg?.name;
      if (!receiverCfg || typeof name !== 'string') continue;
      const types = RECEIVER_TYPES.filter(t => asObject(receiverCfg[t]));
      if (types.length !== 1) {
        errors.push(
          `error syncing WebhookReceiver "${name}": exactly one provider is required`,
        );
        continue;
      }
      const type = types[0];
      const config = asObject(receiverCfg[type])!;
      const secretName = asObject(config.secretRef)?.name;
      if (typeof secretName !== 'string' || secretName === '') {
        errors.push(
          `error syncing WebhookReceiver "${name}": secretRef.name is required`,
        );
        continue;
      }
      const where =
        project === undefined
          ? 'the shared secrets'
          : `the secrets of project "${project}"`;
      const secret = await this.secrets.get(project, secretName);
      if (!secret) {
        errors.push(
          `error syncing WebhookReceiver "${name}": Secret "${secretName}" not found in ${where}`,
        );
        continue;
      }
      const key = RECEIVER_SECRET_KEYS[type];
      if (!Object.prototype.hasOwnProperty.call(secret, key)) {
        errors.push(
          `error syncing WebhookReceiver "${name}": Secret "${secretName}" in ${where} has no data key "${key}" (required by ${type} receivers)`,
        );
        continue;
      }
      const path = buildWebhookPath(project ?? '', type, name, [secret[key]]);
      receivers.push({
        name,
        path,
        url: `${this.baseUrl}${WEBHOOKS_MOUNT}${path}`,
        project,
        type,
        config,
        secret,
      });
    }
    return { receivers, errors };
  }

  /** Every ProjectConfig, page by page (names are project names: unique). */
  private async *projectConfigs(): AsyncGenerator<StoredResource> {
    let after: { name: string } | undefined;
    do {
      const page = await this.store.listResources({
        kind: 'ProjectConfig',
        order: 'name',
        limit: 500,
        after,
      });
      yield* page.items;
      after = page.next;
    } while (after);
  }

  /**
   * Kargo's router: the ProjectConfig receiver with this path, else the
   * ClusterConfig `cluster` receiver with it. Paths are compared in
   * constant time.
   */
  private async findReceiver(
    path: string,
  ): Promise<ResolvedReceiver | undefined> {
    let found: ResolvedReceiver | undefined;
    for await (const projectConfig of this.projectConfigs()) {
      const { receivers } = await this.resolve(projectConfig);
      for (const receiver of receivers) {
        if (safeEqual(receiver.path, path) && !found) found = receiver;
      }
    }
    if (found) return found;
    const clusterConfig = await this.store.getResource({
      kind: 'ClusterConfig',
      project: '',
      name: 'cluster',
    });
    if (!clusterConfig) return undefined;
    const { receivers } = await this.resolve(clusterConfig);
    for (const receiver of receivers) {
      if (safeEqual(receiver.path, path) && !found) found = receiver;
    }
    return found;
  }

  /** The Warehouses of a project, or of every project (cluster receivers). */
  private async warehouses(
    project: string | undefined,
  ): Promise<StoredResource[]> {
    const projects =
      project === undefined ? await listProjectNames(this.store) : [project];
    const all: StoredResource[] = [];
    for (const p of projects) {
      all.push(...(await this.store.listAllInProject(p, ['Warehouse'])));
    }
    return all;
  }

  private async refreshOne(project: string, name: string): Promise<boolean> {
    try {
      return await this.refreshWarehouse(project, name);
    } catch (e) {
      this.logger.warn(
        `webhook: failed to refresh Warehouse ${project}/${name}: ${
          (e as Error).message
        }`,
      );
      return false;
    }
  }

  /** Kargo's refreshWarehouses: answers `refreshed N warehouse(s)` or a 500. */
  private async refreshConcerned(
    project: string | undefined,
    changes: ChangeSet,
    source: string,
  ): Promise<WebhookResponse> {
    const repoURLs = cleanList(changes.repoURLs);
    const concerned =
      repoURLs.length === 0
        ? []
        : (await this.warehouses(project)).filter(w =>
            warehouseMatches(w.spec, { ...changes, repoURLs }),
          );
    let failures = 0;
    for (const w of concerned) {
      if (!(await this.refreshOne(w.project, w.name))) failures++;
    }
    this.logger.info(
      `${source}: refreshed ${concerned.length - failures} of ${
        concerned.length
      } Warehouse(s) subscribed to ${repoURLs.join(', ') || 'nothing'}`,
    );
    if (failures > 0) {
      return jsonResponse(500, {
        error: `failed to refresh ${failures} of ${concerned.length} warehouses`,
      });
    }
    return jsonResponse(200, {
      msg: `refreshed ${concerned.length} warehouse(s)`,
    });
  }

  /**
   * Handles a request to `<baseUrl>/webhooks<path>`. `path` is relative to
   * the mount (`/github/<hash>`); a query string in it is ignored for
   * routing. The body must be the raw bytes.
   */
  async handle(
    path: string,
    request: WebhookRequest,
  ): Promise<WebhookResponse> {
    const q = path.indexOf('?');
    const routePath = q < 0 ? path : path.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : path.slice(q + 1));
    for (const [k, v] of Object.entries(request.query ?? {})) {
      const values = Array.isArray(v) ? v : [v];
      for (const value of values) {
        if (value === undefined) continue;
        query.append(k, value);
      }
    }
    let receiver: ResolvedReceiver | undefined;
    try {
      receiver = await this.findReceiver(routePath);
    } catch (e) {
      this.logger.error(
        `webhook: error finding receiver: ${(e as Error).message}`,
      );
      return errorResponse(500);
    }
    if (!receiver) return errorResponse(404);
    const source = `webhook receiver ${
      receiver.project === undefined ? '(cluster)' : receiver.project
    }/${receiver.name} (${receiver.type})`;

    if (request.body.length > MAX_WEBHOOK_BODY_BYTES) {
      return errorResponse(
        413,
        `content exceeds limit of ${MAX_WEBHOOK_BODY_BYTES} bytes`,
      );
    }
    const headers = new Headers(request.headers);
    try {
      if (receiver.type === 'generic') {
        const project = receiver.project;
        return await handleGeneric({
          config: receiver.config,
          headers,
          body: request.body,
          query,
          listWarehouses: async () =>
            (
              await this.warehouses(project)
            ).map(
              (w): GenericTarget => ({
                project: w.project,
                name: w.name,
                labels: (asObject(w.metadata.labels) ?? {}) as Record<
                  string,
                  string
                >,
                spec: w.spec,
              }),
            ),
          refresh: t => this.refreshOne(t.project, t.name),
        });
      }
      const outcome = PROVIDER_HANDLERS[receiver.type]({
        headers,
        body: request.body,
        secret: receiver.secret,
        config: receiver.config,
      });
      switch (outcome.kind) {
        case 'response':
          if (outcome.response.status === 401) {
            this.logger.warn(`${source}: request refused (unauthenticated)`);
          }
          return outcome.response;
        case 'warehouses':
          return await this.refreshConcerned(receiver.project, outcome, source);
        default: {
          const count = this.refreshPromotions
            ? await this.refreshPromotions(receiver.project, outcome.prURL)
            : 0;
          return jsonResponse(200, { msg: `refreshed ${count} promotion(s)` });
        }
      }
    } catch (e) {
      if (e instanceof InvalidBodyError) return errorResponse(400, e.message);
      this.logger.error(`${source}: ${(e as Error).message}`);
      return errorResponse(500);
    }
  }

  /**
   * The Docker distribution registry's notifications (an envelope of events,
   * media type application/vnd.docker.distribution.events.v1+json), sent to
   * `<baseUrl>/webhooks/registry/events` with `Authorization: Bearer <token>`.
   * Manifest pushes refresh the Warehouses, in every project, whose image or
   * OCI chart subscription is `<request.host or an alias>/<repository>`;
   * blob events and other actions are ignored. 404 when no token is set.
   */
  async handleRegistryNotification(
    request: WebhookRequest,
  ): Promise<WebhookResponse> {
    if (!this.registryToken) return errorResponse(404);
    const headers = new Headers(request.headers);
    const auth = headers.get('Authorization');
    const match = /^Bearer\s+(.+)$/i.exec(auth);
    if (!match) return errorResponse(401, 'missing authorization');
    if (!safeEqual(match[1].trim(), this.registryToken)) {
      this.logger.warn('registry notifications: request refused (bad token)');
      return errorResponse(401, 'unauthorized');
    }
    if (request.body.length > MAX_WEBHOOK_BODY_BYTES) {
      return errorResponse(
        413,
        `content exceeds limit of ${MAX_WEBHOOK_BODY_BYTES} bytes`,
      );
    }
    let envelope: unknown;
    try {
      envelope = JSON.parse(request.body.toString('utf8'));
    } catch {
      return errorResponse(400, 'invalid request body');
    }
    const events = asObject(envelope)?.events;
    if (!Array.isArray(events)) {
      return errorResponse(400, 'invalid request body: no events');
    }
    const repoURLs: string[] = [];
    const qualifiers: string[] = [];
    let untagged = false;
    for (const raw of events) {
      const event = asObject(raw);
      const target = asObject(event?.target);
      if (!event || !target || event.action !== 'push') continue;
      const mediaType =
        typeof target.mediaType === 'string' ? target.mediaType : '';
      if (!MANIFEST_MEDIA_TYPES.has(mediaType)) continue; // a blob
      const repository =
        typeof target.repository === 'string' ? target.repository : '';
      if (!repository) continue;
      const host = asObject(event.request)?.host;
      const hosts = [
        ...(typeof host === 'string' && host ? [host] : []),
        ...this.registryAliases,
      ];
      for (const h of hosts) {
        repoURLs.push(...imageOrChartURLs(`${h}/${repository}`, mediaType));
      }
      if (typeof target.tag === 'string' && target.tag) {
        qualifiers.push(target.tag);
      } else {
        untagged = true; // pushed by digest: no tag to filter on
      }
    }
    if (repoURLs.length === 0) {
      return jsonResponse(200, { msg: 'refreshed 0 warehouse(s)' });
    }
    return this.refreshConcerned(
      undefined,
      { repoURLs, qualifiers: untagged ? [] : qualifiers },
      'registry notifications',
    );
  }
}
