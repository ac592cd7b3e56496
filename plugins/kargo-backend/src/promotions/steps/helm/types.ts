import type { CredentialsProvider } from '../../../warehouses/discovery/types';

/** What the Helm steps may be given. */
export type HelmStepsDeps = {
  /**
   * Chart repository credentials (`lookup('helm', url)`): for https
   * repositories by their URL, for OCI ones by `oci://<registry>/<chart>`,
   * as Kargo looks them up. Plain http repositories never get any.
   */
  credentials?: CredentialsProvider;
};
