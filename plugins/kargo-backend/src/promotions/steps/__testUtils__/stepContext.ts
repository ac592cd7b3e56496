import type { JsonObject } from '@backstage/types';
import type {
  PromotionFreightReference,
  PromotionStepContext,
} from '@kargo-backstage/plugin-kargo-node';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateExpression } from '../../../expressions';
import { resolveInWorkDir } from '../workspace';

/** A work directory for one test, removed by `cleanup`. */
export async function createTestWorkDir(): Promise<{
  workDir: string;
  cleanup: () => Promise<void>;
}> {
  const workDir = await mkdtemp(join(tmpdir(), 'kargo-step-test-'));
  return {
    workDir,
    cleanup: () => rm(workDir, { recursive: true, force: true }),
  };
}

export const testFreight: PromotionFreightReference = {
  name: 'f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3',
  origin: { kind: 'Warehouse', name: 'guestbook' },
  images: [
    {
      repoURL: 'ghcr.io/example/guestbook',
      tag: 'v1.2.3',
      digest:
        'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    },
  ],
};

/**
 * A step context as the engine builds one, for step tests: the work
 * directory's path guard, an expression evaluator over `variables`, logs
 * collected in `logs`.
 */
export function createStepContext(
  workDir: string,
  config: JsonObject,
  overrides: Partial<PromotionStepContext> & {
    variables?: Record<string, unknown>;
  } = {},
): PromotionStepContext & { logs: string[] } {
  const logs: string[] = [];
  const { variables, ...rest } = overrides;
  return {
    project: 'kargo-demo',
    stage: 'dev',
    promotion: 'dev.01jabcdefghjkmnpqrstvwxyz0.f0a1b2c',
    alias: 'step-1',
    targetFreight: testFreight,
    freight: [testFreight],
    config,
    workDir,
    resolvePath: path => resolveInWorkDir(workDir, path),
    evaluate: (expression, extra) =>
      evaluateExpression(expression, {
        variables: { ...variables, ...extra },
      }),
    attempt: 1,
    resumed: false,
    signal: new AbortController().signal,
    log: message => {
      logs.push(message);
    },
    logs,
    ...rest,
  };
}
