import type { Config } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import type { PromotionStepRunner } from '@kargo-backstage/plugin-kargo-node';
import type { KargoStore, PromotionReviews } from '../../database';
import { createWaitForApprovalStep } from './approval';
import type { ManifestApplier } from '../../manifests';
import type { CredentialsProvider } from '../../warehouses/discovery/types';
import { ArgoCDConnector } from '../../argocd';
import { createArgoCDSteps } from './argocd';
import { createFileSteps } from './files';
import { createForgeSteps } from './forge';
import { createGitSteps } from './git';
import { createHelmSteps } from './helm';
import { createHttpSteps, EgressPolicy } from './http';
import { createKargoResourceSteps } from './kargo';
import { createKustomizeSteps } from './kustomize';

/** Every step the suite has built in. */
export function createBuiltinPromotionSteps(deps: {
  config: Config;
  store: KargoStore;
  applier: ManifestApplier;
  credentials: CredentialsProvider;
  /** The backend's own directory for git's private HOME. */
  gitHomeDir: string;
  /** Argo CD clients to share with the health checkers; default from config. */
  argocd?: ArgoCDConnector;
  /** Where `wait-for-approval` finds its reviews. */
  reviews: PromotionReviews;
  /** Told when a Promotion starts waiting for approval. */
  onApprovalRequested?: Parameters<
    typeof createWaitForApprovalStep
  >[0]['onWaiting'];
}): PromotionStepRunner[] {
  return [
    ...createGitSteps({
      credentials: deps.credentials,
      homeDir: deps.gitHomeDir,
    }),
    ...createForgeSteps({
      integrations: ScmIntegrations.fromConfig(deps.config),
      credentials: deps.credentials,
    }),
    ...createFileSteps(),
    ...createKustomizeSteps(),
    ...createHelmSteps({ credentials: deps.credentials }),
    ...createHttpSteps({ egress: EgressPolicy.fromConfig(deps.config) }),
    ...createKargoResourceSteps({ store: deps.store, applier: deps.applier }),
    createWaitForApprovalStep({
      store: deps.store,
      reviews: deps.reviews,
      onWaiting: deps.onApprovalRequested,
    }),
    ...createArgoCDSteps({
      connector: deps.argocd ?? ArgoCDConnector.fromConfig(deps.config),
      store: deps.store,
    }),
  ];
}
