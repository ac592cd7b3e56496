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
    };
  };
}
