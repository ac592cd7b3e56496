import type {
  AuditorService,
  AuthService,
  BackstageCredentials,
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  InputError,
  NotFoundError,
  NotModifiedError,
  toError,
} from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  KARGO_MANIFESTS_ANNOTATION,
  KARGO_PROJECT_ANNOTATION,
  ManifestSourceStatus,
  parseManifests,
} from '@kargo-backstage/plugin-kargo-common';
import type { ManifestApplier } from '../manifests';
import {
  entitiesAnnotatedWith,
  splitAnnotation,
} from '../catalog/annotatedEntities';
import { withAuditEvent } from '../service/withAuditEvent';
import { checkManagedProjects } from './checkManagedProjects';
import {
  type DatabaseManifestSources,
  type ManifestSourceRecord,
  toStatus,
} from './DatabaseManifestSources';

/** As the `/resources` API: a bigger file is refused, not applied. */
const MAX_BYTES = 4 * 1024 * 1024;
/** One slow host must not hold up every other entity's sync. */
const READ_TIMEOUT_MS = 30_000;

/** The address a `url:` annotation names; anything else is refused. */
function urlOf(location: string): string {
  const match = /^url:(.+)$/.exec(location.trim());
  if (!match) {
    throw new InputError(
      `${KARGO_MANIFESTS_ANNOTATION} must be url:<address of a manifest file>, not "${location}"`,
    );
  }
  return match[1].trim();
}

/**
 * Keeps a team's pipeline in its repository: reads the manifests each
 * catalog entity's `kargo.akuity.io/manifests` annotation points at,
 * through Backstage's UrlReader, and applies them (create or update, all
 * or nothing), recording the outcome per entity for its page. An unchanged
 * file (same ETag) is not applied again; a failed attempt changes nothing
 * but the recorded error.
 */
export class ManifestSourceSync {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      urlReader: UrlReaderService;
      applier: ManifestApplier;
      sources: DatabaseManifestSources;
      auditor: AuditorService;
      logger: LoggerService;
    },
  ) {}

  /** Every annotated entity, one after the other (the scheduled task). */
  async syncAll(): Promise<void> {
    const { catalog, auth, sources, logger } = this.options;
    let items: Entity[];
    try {
      items = await entitiesAnnotatedWith(
        catalog,
        auth,
        KARGO_MANIFESTS_ANNOTATION,
        ['kind', 'metadata.namespace', 'metadata.name', 'metadata.annotations'],
      );
    } catch (error) {
      // The next run tries again; what is applied stays as it is.
      logger.warn(
        `Cannot list entities with ${KARGO_MANIFESTS_ANNOTATION}: ${
          toError(error).message
        }`,
      );
      return;
    }
    for (const entity of items) {
      // Nobody asked: the change is audited here, as the plugin's own.
      await this.syncEntity(entity, { audit: true });
    }
    await sources.forgetAllBut(items.map(e => stringifyEntityRef(e)));
  }

  /**
   * Syncs one entity now, as the caller sees it in the catalog, reading its
   * file afresh (no ETag): the explicit "sync" of the entity's page.
   */
  async syncByRef(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<ManifestSourceStatus> {
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(`Entity ${entityRef} not found`);
    }
    if (!entity.metadata.annotations?.[KARGO_MANIFESTS_ANNOTATION]) {
      throw new InputError(
        `Entity ${entityRef} has no ${KARGO_MANIFESTS_ANNOTATION} annotation`,
      );
    }
    return this.syncEntity(entity, { force: true });
  }

  /** What the entity's page shows; only `location` until the first attempt. */
  async statusOf(
    entityRef: string,
    location: string,
  ): Promise<ManifestSourceStatus> {
    const record = await this.options.sources.get(entityRef);
    return record?.location === location ? toStatus(record) : { location };
  }

  /** Never throws: the outcome is recorded, and a failure logged. */
  private async syncEntity(
    entity: Entity,
    how: { force?: boolean; audit?: boolean },
  ): Promise<ManifestSourceStatus> {
    const { sources, logger } = this.options;
    const entityRef = stringifyEntityRef(entity);
    const annotations = entity.metadata.annotations ?? {};
    const location = annotations[KARGO_MANIFESTS_ANNOTATION];
    const previous = await sources.get(entityRef);
    // What was applied from elsewhere is not what this location holds.
    const kept: ManifestSourceRecord =
      previous?.location === location
        ? previous
        : { entityRef, location, projects: [] };
    const attempt = { ...kept, lastAttemptAt: Date.now() };
    let record: ManifestSourceRecord;
    try {
      record = await this.readAndApply(
        attempt,
        splitAnnotation(annotations[KARGO_PROJECT_ANNOTATION]),
        how,
      );
    } catch (e) {
      const error = toError(e).message;
      logger.warn(
        `Manifests of ${entityRef} (${location}) not applied: ${error}`,
      );
      record = { ...attempt, error };
    }
    await sources.save(record);
    return toStatus(record);
  }

  private async readAndApply(
    attempt: ManifestSourceRecord,
    entityProjects: string[],
    how: { force?: boolean; audit?: boolean },
  ): Promise<ManifestSourceRecord> {
    const url = urlOf(attempt.location);
    let response;
    try {
      response = await this.options.urlReader.readUrl(url, {
        etag: how.force ? undefined : attempt.etag,
        signal: AbortSignal.timeout(READ_TIMEOUT_MS),
      });
    } catch (e) {
      // By name: the reader may throw its own copy of @backstage/errors'.
      if (toError(e).name === NotModifiedError.name) {
        // The file holds what was last applied: nothing to do, nothing wrong.
        return { ...attempt, error: undefined };
      }
      throw new Error(`Cannot read ${url}: ${toError(e).message}`);
    }
    const buffer = await response.buffer();
    if (buffer.length > MAX_BYTES) {
      throw new InputError(
        `${url} holds ${buffer.length} bytes; at most ${MAX_BYTES} are applied`,
      );
    }
    const docs = parseManifests(buffer.toString('utf8'), url);
    const claims = new Map<string, string>();
    for (const other of await this.options.sources.list()) {
      other.projects.forEach(p => claims.set(p, other.entityRef));
    }
    const projects = checkManagedProjects(
      docs,
      { ref: attempt.entityRef, projects: entityProjects },
      claims,
    );
    const apply = () => this.options.applier.apply(docs, 'upsert');
    const results = how.audit
      ? await withAuditEvent(
          this.options.auditor,
          {
            eventId: 'manifest-source-apply',
            severityLevel: 'medium',
            meta: { entityRef: attempt.entityRef, location: attempt.location },
          },
          apply,
          applied => ({ applied: applied.length }),
        )
      : await apply();
    this.options.logger.info(
      `Applied ${results.length} manifests of ${attempt.entityRef} from ${url}`,
    );
    return {
      ...attempt,
      etag: response.etag,
      projects,
      lastAppliedAt: attempt.lastAttemptAt,
      appliedCount: results.length,
      error: undefined,
    };
  }
}
