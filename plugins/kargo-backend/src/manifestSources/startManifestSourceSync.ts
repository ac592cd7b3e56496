import type {
  AuditorService,
  AuthService,
  DatabaseService,
  LoggerService,
  RootConfigService,
  SchedulerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { durationSetting } from '../config/durationSetting';
import type { ManifestApplier } from '../manifests';
import { DatabaseManifestSources } from './DatabaseManifestSources';
import { ManifestSourceSync } from './ManifestSourceSync';

/** The scheduler task's id (tests trigger it). */
export const MANIFEST_SOURCES_TASK_ID = 'kargo-manifest-sources';

/**
 * Syncs entities' pipeline manifests on a schedule
 * (`kargo.manifestSources.frequency`, default one minute), on one backend
 * instance at a time. Answers undefined when `kargo.manifestSources.enabled`
 * is false: nothing is read, and no entity may ask for a sync.
 */
export async function startManifestSourceSync(options: {
  config: RootConfigService;
  logger: LoggerService;
  database: DatabaseService;
  scheduler: SchedulerService;
  catalog: CatalogService;
  auth: AuthService;
  urlReader: UrlReaderService;
  auditor: AuditorService;
  applier: ManifestApplier;
}): Promise<ManifestSourceSync | undefined> {
  const { config, scheduler } = options;
  if (config.getOptionalBoolean('kargo.manifestSources.enabled') === false) {
    return undefined;
  }
  const sync = new ManifestSourceSync({
    ...options,
    sources: new DatabaseManifestSources(await options.database.getClient()),
  });
  await scheduler.scheduleTask({
    id: MANIFEST_SOURCES_TASK_ID,
    // Global: several backend instances would otherwise apply each file
    // several times over.
    scope: 'global',
    frequency: {
      milliseconds: durationSetting(
        config,
        'kargo.manifestSources.frequency',
        '1m0s',
      ),
    },
    timeout: { minutes: 10 },
    fn: () => sync.syncAll(),
  });
  return sync;
}
