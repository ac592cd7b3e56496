import type {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { parseManifests } from '@kargo-backstage/plugin-kargo-common';
import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import type { ManifestApplier } from '../manifests';

/**
 * Applies the manifest files named in `kargo.bootstrap.manifests` (create or
 * update) when the backend starts, so a portal can come up with pipelines
 * already defined. A file that cannot be read or applied stops the start-up
 * loudly rather than leaving a half-defined pipeline.
 */
export class ManifestBootstrapper {
  constructor(
    private readonly applier: ManifestApplier,
    private readonly config: RootConfigService,
    private readonly logger: LoggerService,
  ) {}

  async run(): Promise<void> {
    const files =
      this.config.getOptionalStringArray('kargo.bootstrap.manifests') ?? [];
    for (const file of files) {
      const path = resolvePath(file);
      let docs: unknown[];
      try {
        docs = parseManifests(await readFile(path, 'utf8'), path);
      } catch (error) {
        throw new Error(
          `kargo.bootstrap.manifests: cannot read ${path}: ${
            (error as Error).message
          }`,
        );
      }
      try {
        const results = await this.applier.apply(docs, 'upsert');
        const created = results.filter(r => r.createdResourceManifest).length;
        this.logger.info(
          `Applied ${
            results.length
          } manifests from ${path} (${created} created, ${
            results.length - created
          } updated)`,
        );
      } catch (error) {
        throw new Error(
          `kargo.bootstrap.manifests: cannot apply ${path}: ${
            (error as Error).message
          }`,
        );
      }
    }
  }
}
