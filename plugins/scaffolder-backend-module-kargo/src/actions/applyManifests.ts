import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { KargoClient } from '@kargo-backstage/plugin-kargo-common';
import { readFile } from 'node:fs/promises';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';

/**
 * `kargo:manifests:apply`: creates or updates Kargo manifests (a project, its
 * Warehouses and Stages, ...) in the portal's Kargo backend, as the user who
 * runs the template, so their permissions apply. All or nothing.
 */
export function createApplyManifestsAction(options: {
  auth: AuthService;
  discovery: DiscoveryService;
}) {
  const client = new KargoClient({ discoveryApi: options.discovery });
  return createTemplateAction({
    id: 'kargo:manifests:apply',
    description:
      'Creates or updates Kargo manifests (Project, Warehouse, Stage, ...) in the Kargo backend, as the user running the template.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Apply the pipeline written into the workspace',
        example: [
          'steps:',
          '  - id: pipeline',
          '    action: kargo:manifests:apply',
          '    input:',
          '      path: kargo/pipeline.yaml',
        ].join('\n'),
      },
    ],
    schema: {
      input: {
        path: z =>
          z
            .string()
            .optional()
            .describe('Workspace path of a YAML or JSON file of manifests'),
        manifests: z =>
          z
            .string()
            .optional()
            .describe('Manifests as YAML or JSON text (instead of path)'),
        mode: z =>
          z
            .enum(['create', 'upsert'])
            .default('upsert')
            .describe('create fails if a resource exists; upsert updates it'),
      },
      output: {
        resources: z =>
          z
            .array(z.string())
            .describe('Applied resources, as Kind/namespace/name'),
      },
    },
    async handler(ctx) {
      const { path, manifests, mode } = ctx.input;
      if (Boolean(path) === Boolean(manifests)) {
        throw new Error('Give exactly one of input.path or input.manifests');
      }
      const text = path
        ? await readFile(resolveSafeChildPath(ctx.workspacePath, path), 'utf8')
        : manifests!;
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would apply manifests (${mode})`);
        ctx.output('resources', []);
        return;
      }
      const { token } = await options.auth.getPluginRequestToken({
        onBehalfOf: await ctx.getInitiatorCredentials(),
        targetPluginId: 'kargo',
      });
      const { results } = await client.applyManifests(
        text,
        { mode },
        { token },
      );
      const resources = results.map(r => {
        const m = (r.createdResourceManifest ?? r.updatedResourceManifest)!;
        const id = [m.metadata.namespace, m.metadata.name]
          .filter(Boolean)
          .join('/');
        ctx.logger.info(
          `${r.createdResourceManifest ? 'Created' : 'Updated'} ${
            m.kind
          } ${id}`,
        );
        return `${m.kind}/${id}`;
      });
      ctx.output('resources', resources);
    },
  });
}
