import {
  AuthService,
  DiscoveryService,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { parseManifests } from '@kargo-backstage/plugin-kargo-common';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stepsExample, withServerMessage } from './kargoApi';

export type RegisterCatalogFileActionOptions = {
  auth: AuthService;
  discovery: DiscoveryService;
  /**
   * The folder the catalog reads through a `file` location (with a glob such
   * as `<folder>/*.yaml`). Without it the action refuses to run.
   */
  directory?: string;
  fetch?: typeof fetch;
};

const ENTITY_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;

type EntityHead = {
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
};

/**
 * `kargo:catalog:register-file`: registers catalog entities in a portal
 * whose catalog cannot read the new repository over a URL: the local demo's
 * Git server speaks Git's protocol but serves no raw files, so
 * `catalog:register` has nothing to read. The action copies the entity file
 * into a folder that a `file` location of the catalog globs, then refreshes
 * that location entity (as the user) so the entity appears within seconds.
 */
export function createRegisterCatalogFileAction(
  options: RegisterCatalogFileActionOptions,
) {
  const doFetch = options.fetch ?? fetch;
  return createTemplateAction({
    id: 'kargo:catalog:register-file',
    description:
      "Registers a workspace's catalog-info.yaml in a catalog that reads a local folder (the demo): copies it there and refreshes the Location that reads the folder. Use catalog:register where the catalog can read the repository.",
    supportsDryRun: true,
    examples: [
      stepsExample('Register the new component on the local demo', {
        id: 'register',
        action: 'kargo:catalog:register-file',
        input: {
          path: './source/catalog-info.yaml',
          refreshLocation: 'location:default/kargo-scaffolded-components',
        },
      }),
    ],
    schema: {
      input: {
        path: z =>
          z
            .string()
            .optional()
            .describe(
              'Workspace path of the entity file (default: catalog-info.yaml)',
            ),
        refreshLocation: z =>
          z
            .string()
            .optional()
            .describe(
              'Entity ref of the Location that reads the folder, refreshed so the catalog reads the file at once',
            ),
      },
      output: {
        entityRef: z =>
          z.string().describe('Ref of the first entity in the file'),
        filePath: z => z.string().describe('Where the file was written'),
      },
    },
    async handler(ctx) {
      const { directory } = options;
      if (!directory) {
        throw new Error(
          'kargo:catalog:register-file has no folder to write to: it is set up only where the backend serves a local Git root (demo.git.root)',
        );
      }
      const source = resolveSafeChildPath(
        ctx.workspacePath,
        ctx.input.path ?? 'catalog-info.yaml',
      );
      const entities = parseManifests(
        await readFile(source, 'utf8'),
        source,
      ) as EntityHead[];
      if (entities.length === 0) {
        throw new Error(`${ctx.input.path} holds no entity`);
      }
      const refs = entities.map(entityRefOf);
      const target = join(
        directory,
        `${refs[0].replace(/[:/]/g, '-').toLocaleLowerCase('en-US')}.yaml`,
      );
      if (existsSync(target)) {
        throw new Error(
          `${refs[0]} is registered already (${target}); remove the file to register it again`,
        );
      }
      ctx.output('entityRef', refs[0]);
      ctx.output('filePath', target);
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would register ${refs.join(', ')} by writing ${target}`,
        );
        return;
      }
      await mkdir(directory, { recursive: true });
      await copyFile(source, target);
      ctx.logger.info(`Registered ${refs.join(', ')}: wrote ${target}`);
      if (ctx.input.refreshLocation) {
        await refreshEntity(ctx.input.refreshLocation);
        ctx.logger.info(
          `Asked the catalog to refresh ${ctx.input.refreshLocation}`,
        );
      }

      async function refreshEntity(entityRef: string) {
        const { token } = await options.auth.getPluginRequestToken({
          onBehalfOf: await ctx.getInitiatorCredentials(),
          targetPluginId: 'catalog',
        });
        const baseUrl = await options.discovery.getBaseUrl('catalog');
        const response = await doFetch(`${baseUrl}/refresh`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${token}`,
            'Content-Type': 'application/json',
          },
          body: JSON.stringify({ entityRef }),
        });
        if (!response.ok) {
          throw withServerMessage(
            await ResponseError.fromResponse(response),
            'Catalog',
          );
        }
      }
    },
  });
}

function entityRefOf(entity: EntityHead): string {
  const kind = entity?.kind;
  const name = entity?.metadata?.name;
  const namespace = entity?.metadata?.namespace ?? 'default';
  if (
    typeof kind !== 'string' ||
    !/^[A-Za-z][A-Za-z0-9]*$/.test(kind) ||
    typeof name !== 'string' ||
    !ENTITY_NAME.test(name) ||
    typeof namespace !== 'string' ||
    !ENTITY_NAME.test(namespace)
  ) {
    throw new Error(
      'Every document must be a catalog entity with a kind and a valid metadata.name',
    );
  }
  return `${kind.toLocaleLowerCase('en-US')}:${namespace}/${name}`;
}
