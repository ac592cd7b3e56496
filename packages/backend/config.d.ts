export interface Config {
  permission?: {
    /** The portal's permission policy (packages/backend/src/permissions). */
    kargo?: {
      /**
       * Entity refs of the groups whose members may change Kargo resources:
       * apply and delete manifests, promote, approve, abort, refresh.
       * Everyone signed in may read.
       * @visibility backend
       */
      operatorGroups?: string[];
      /**
       * Groups (entity refs) whose members may promote, approve and abort
       * on every Stage, production included.
       * @visibility backend
       */
      productionGroups?: string[];
      /**
       * The Stages that count as production, as Kargo name patterns
       * (exact, `glob:`, `regex:`). Default prod, production, glob:prod-*,
       * glob:*-prod.
       * @visibility backend
       */
      productionStages?: string[];
    };
  };
}
