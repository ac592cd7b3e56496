import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { NotFoundError } from '@backstage/errors';
import type { z as zod } from 'zod/v3';
import { kargoProjectReadPermission } from '@kargo-backstage/plugin-kargo-common';
import { listProjectNames, type KargoStore } from '../database';
import type { EntityPipelineLoader } from '../service/EntityPipelineLoader';
import type { KargoAccess } from '../service/KargoAccess';
import { summarizePipeline } from './pipelineSummary';

/** `list-kargo-pipelines`: each readable project with its Stages' state. */
export function registerListKargoPipelinesAction(
  actionsRegistry: ActionsRegistryService,
  deps: {
    access: KargoAccess;
    store: KargoStore;
    pipelines: EntityPipelineLoader;
  },
) {
  const freight = (z: typeof zod) =>
    z.object({
      name: z.string(),
      alias: z.string().optional(),
      origin: z.string().optional().describe('The Warehouse it came from'),
      artifacts: z
        .array(z.string())
        .describe('Images, commits, charts: repo:tag, repo@commit…'),
    });
  actionsRegistry.register({
    name: 'list-kargo-pipelines',
    title: 'List Kargo pipelines',
    description:
      'Lists the Kargo projects the caller may read, each with its Stages in pipeline order: the Freight each Stage holds now (name, alias, artifacts), its health and verification phase, and any Promotion of it that has not finished.',
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          project: z
            .string()
            .optional()
            .describe('Only this Kargo project (by name)'),
        }),
      output: z =>
        z.object({
          projects: z.array(
            z.object({
              name: z.string(),
              stages: z.array(
                z.object({
                  name: z.string(),
                  freight: z.array(freight(z)),
                  health: z.string().optional(),
                  verification: z.string().optional(),
                  promotion: z
                    .object({
                      name: z.string(),
                      phase: z.string(),
                      freight: z.string().optional(),
                    })
                    .optional(),
                }),
              ),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      // Reading is all or nothing: a caller who may not read sees no project.
      const [mayRead] = await deps.access.allowed(
        credentials,
        kargoProjectReadPermission,
      );
      if (!mayRead) return { output: { projects: [] } };
      const names = input.project
        ? [input.project]
        : await listProjectNames(deps.store);
      const projects = [];
      for (const name of names) {
        const pipeline = await deps.pipelines.loadProject(name);
        if (pipeline.error) {
          // Asked for by name: say so. Listed: deleted meanwhile, skip it.
          if (input.project) throw new NotFoundError(pipeline.error.message);
          continue;
        }
        projects.push({ name, stages: summarizePipeline(pipeline) });
      }
      return { output: { projects } };
    },
  });
}
