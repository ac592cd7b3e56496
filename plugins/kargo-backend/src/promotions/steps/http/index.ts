import type { PromotionStepRunner } from '@kargo-backstage/plugin-kargo-node';
import { createComposeOutputStep } from './composeOutputStep';
import { EgressPolicy } from './egressPolicy';
import { createFailStep } from './failStep';
import { createHttpDownloadStep } from './httpDownloadStep';
import { createHttpStep } from './httpStep';

export {
  DEFAULT_EGRESS_DENY,
  EgressDeniedError,
  EgressPolicy,
  type HostResolver,
} from './egressPolicy';

/**
 * The `http`, `http-download`, `compose-output` and `fail` steps. Every
 * request they send goes through `egress`. The byte limits default to
 * Kargo's (2 MiB response, 100 MiB download).
 */
export function createHttpSteps(deps: {
  egress: EgressPolicy;
  limits?: { maxResponseBytes?: number; maxDownloadBytes?: number };
}): PromotionStepRunner[] {
  return [
    createHttpStep({
      egress: deps.egress,
      maxResponseBytes: deps.limits?.maxResponseBytes,
    }),
    createHttpDownloadStep({
      egress: deps.egress,
      maxDownloadBytes: deps.limits?.maxDownloadBytes,
    }),
    createComposeOutputStep(),
    createFailStep(),
  ];
}
