import type { JsonObject } from '@backstage/types';

/** Config fields every pull-request step shares, as in Kargo's schemas. */
export const forgeConnectionProperties: JsonObject = {
  repoURL: {
    type: 'string',
    minLength: 1,
    description:
      'The URL of the remote Git repository (https://host/owner/repo). SSH URLs are deprecated in Kargo.',
  },
  provider: {
    type: 'string',
    // Kargo's full list, so manifests validate alike; only github and
    // gitlab are implemented here (others fail when the step runs).
    enum: ['azure', 'bitbucket', 'gitea', 'github', 'gitlab'],
    description:
      'The Git provider. Inferred from which Backstage integration (integrations.github / integrations.gitlab) has the repoURL host.',
  },
  insecureSkipTLSVerify: {
    type: 'boolean',
    description:
      'Skip TLS certificate verification when calling the provider API.',
  },
};

/** Kargo's Go-duration pattern for `pollInterval` (unanchored, as Kargo's). */
export const pollIntervalProperty: JsonObject = {
  type: 'string',
  pattern: '(?:\\d+(ns|us|µs|ms|s|m|h))+',
};

export const prNumberProperty: JsonObject = {
  type: 'integer',
  minimum: 1,
};
