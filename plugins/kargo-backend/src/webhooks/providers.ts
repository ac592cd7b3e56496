import {
  normalizeChartRepoURL,
  normalizeGitURL,
  normalizeImageRepoURL,
} from '@kargo-backstage/plugin-kargo-common';
import {
  arr,
  errorResponse,
  Headers,
  jsonResponse,
  num,
  obj,
  parseJsonObject,
  safeEqual,
  str,
  strings,
  WebhookResponse,
} from './http';
import { ChangeSet } from './matching';
import type { ReceiverType } from './paths';
import { validArtifactorySignature, validHubSignature } from './signatures';

/*
 * One handler per provider, following Kargo's pkg/webhook/external receivers:
 * the same headers, the same checks in the same order, the same status codes
 * and messages. A handler verifies the request and says what to do: answer
 * directly, refresh the Warehouses concerned by a change, or refresh the
 * Promotions waiting on a pull request.
 */

export type ProviderRequest = {
  headers: Headers;
  body: Buffer;
  /** The receiver's Secret data (already known to hold the type's key). */
  secret: Record<string, string>;
  /** The receiver's provider block from the ProjectConfig/ClusterConfig. */
  config: Record<string, unknown>;
};

export type ProviderOutcome =
  | { kind: 'response'; response: WebhookResponse }
  | ({ kind: 'warehouses' } & ChangeSet)
  | { kind: 'pullRequest'; prURL: string };

type Handler = (request: ProviderRequest) => ProviderOutcome;

const respond = (response: WebhookResponse): ProviderOutcome => ({
  kind: 'response',
  response,
});
const warehouses = (changes: ChangeSet): ProviderOutcome => ({
  kind: 'warehouses',
  ...changes,
});
const pullRequest = (prURL: string): ProviderOutcome => ({
  kind: 'pullRequest',
  prURL,
});
const ok = () => respond(jsonResponse(200));
const unsupportedEvent = (status: number, event: string) =>
  respond(errorResponse(status, `event type ${event} is not supported`));
const PING_OK = respond(
  jsonResponse(200, {
    msg: 'ping event received, webhook is configured correctly',
  }),
);

/** Union of added/modified/removed over commits, sorted and unique. */
function changedPaths(commits: unknown[]): string[] {
  const paths = new Set<string>();
  for (const commit of commits) {
    for (const field of ['added', 'modified', 'removed']) {
      for (const p of strings(commit, field)) paths.add(p);
    }
  }
  return [...paths].sort();
}

// media_types.go
const PROBABLE_IMAGE_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.config.v1+json',
  'application/vnd.docker.container.image.v1+json',
];

/**
 * The normalised URLs an image-or-chart push may concern: a Helm media type
 * means a chart, the container image types an image, anything else (an OCI
 * manifest may be either) both.
 */
export function imageOrChartURLs(repoURL: string, mediaType: string): string[] {
  if (mediaType.startsWith('application/vnd.cncf.helm')) {
    return [normalizeChartRepoURL(repoURL)];
  }
  if (PROBABLE_IMAGE_MEDIA_TYPES.includes(mediaType)) {
    return [normalizeImageRepoURL(repoURL)];
  }
  return [
    ...new Set([
      normalizeImageRepoURL(repoURL),
      normalizeChartRepoURL(repoURL),
    ]),
  ];
}

// ---------------------------------------------------------------------------
// GitHub

const GITHUB_EVENTS = [
  'package',
  'ping',
  'pull_request',
  'push',
  'registry_package',
];

function githubPackage(payload: unknown, field: string): ProviderOutcome {
  const action = str(payload, 'action');
  if (action !== 'published' && action !== 'updated') return ok();
  const pkg = obj(payload, field);
  const version = obj(pkg, 'package_version');
  if (!pkg || !version) {
    return respond(errorResponse(400, 'invalid request body'));
  }
  const type = str(pkg, 'package_type');
  if (type !== 'CONTAINER' && type !== 'docker') return ok();
  const meta = obj(version, 'container_metadata');
  const config = obj(meta, 'manifest', 'config');
  const mediaType =
    typeof config?.media_type === 'string' ? config.media_type : '';
  let url = str(version, 'package_url');
  if (url.endsWith(':')) url = url.slice(0, -1);
  return warehouses({
    repoURLs: imageOrChartURLs(url, mediaType),
    qualifiers: [str(meta, 'tag', 'name')],
  });
}

const github: Handler = ({ headers, body, secret }) => {
  const event = headers.get('X-GitHub-Event');
  if (!GITHUB_EVENTS.includes(event)) return unsupportedEvent(400, event);
  const signature = headers.get('X-Hub-Signature-256');
  if (!signature) return respond(errorResponse(401, 'missing signature'));
  if (!validHubSignature(signature, body, secret.secret)) {
    return respond(errorResponse(401, 'unauthorized'));
  }
  const payload = parseJsonObject(body);
  switch (event) {
    case 'ping':
      return PING_OK;
    case 'pull_request':
      if (str(payload, 'action') !== 'closed') return ok();
      return pullRequest(str(payload, 'pull_request', 'html_url'));
    case 'push': {
      const commits = arr(payload, 'commits');
      let changedFiles: string[] = [];
      if (commits.length < 2048) {
        const head = obj(payload, 'head_commit');
        changedFiles = changedPaths(head ? [...commits, head] : commits);
      }
      return warehouses({
        repoURLs: [
          normalizeGitURL(str(payload, 'repository', 'clone_url')),
          normalizeGitURL(str(payload, 'repository', 'ssh_url')),
        ],
        changedFiles,
        qualifiers: [str(payload, 'ref')],
      });
    }
    case 'package':
      return githubPackage(payload, 'package');
    default:
      return githubPackage(payload, 'registry_package');
  }
};

// ---------------------------------------------------------------------------
// GitLab

const gitlab: Handler = ({ headers, body, secret }) => {
  if (!safeEqual(headers.get('X-Gitlab-Token'), secret['secret-token'])) {
    return respond(errorResponse(401));
  }
  const event = headers.get('X-Gitlab-Event');
  if (!['Merge Request Hook', 'Push Hook', 'Tag Push Hook'].includes(event)) {
    return unsupportedEvent(400, event);
  }
  const payload = parseJsonObject(body);
  const repoURLs = () =>
    obj(payload, 'repository')
      ? [
          normalizeGitURL(str(payload, 'repository', 'git_http_url')),
          normalizeGitURL(str(payload, 'repository', 'git_ssh_url')),
        ]
      : [];
  switch (event) {
    case 'Merge Request Hook': {
      const action = str(payload, 'object_attributes', 'action');
      if (action !== 'close' && action !== 'merge') return ok();
      return pullRequest(str(payload, 'object_attributes', 'url'));
    }
    case 'Push Hook': {
      const commits = arr(payload, 'commits');
      // GitLab sends at most 20 commits: with more, paths are unknown.
      const truncated = num(payload, 'total_commits_count') > commits.length;
      return warehouses({
        repoURLs: repoURLs(),
        changedFiles: truncated ? [] : changedPaths(commits),
        qualifiers: [str(payload, 'ref')],
      });
    }
    default:
      return warehouses({
        repoURLs: repoURLs(),
        qualifiers: [str(payload, 'ref')],
      });
  }
};

// ---------------------------------------------------------------------------
// Gitea

const gitea: Handler = ({ headers, body, secret }) => {
  const event = headers.get('X-Gitea-Event');
  if (event !== 'pull_request' && event !== 'push') {
    return unsupportedEvent(501, event);
  }
  const signature = headers.get('X-Hub-Signature-256');
  if (!signature) return respond(errorResponse(401, 'missing signature'));
  if (!validHubSignature(signature, body, secret.secret)) {
    return respond(errorResponse(401, 'unauthorized'));
  }
  const payload = parseJsonObject(body);
  if (event === 'pull_request') {
    if (str(payload, 'action') !== 'closed') return ok();
    return pullRequest(str(payload, 'pull_request', 'html_url'));
  }
  const commits = arr(payload, 'commits');
  const truncated = num(payload, 'total_commits') > commits.length;
  return warehouses({
    repoURLs: [normalizeGitURL(str(payload, 'repository', 'clone_url'))],
    changedFiles: truncated ? [] : changedPaths(commits),
    qualifiers: [str(payload, 'ref')],
  });
};

// ---------------------------------------------------------------------------
// Bitbucket (Cloud and Server/Data Center)

const BITBUCKET_EVENTS = [
  'repo:push',
  'repo:refs_changed',
  'pullrequest:fulfilled',
  'pullrequest:rejected',
  'pr:merged',
  'pr:declined',
];

const bitbucket: Handler = ({ headers, body, secret }) => {
  const event = headers.get('X-Event-Key');
  if (!BITBUCKET_EVENTS.includes(event)) return unsupportedEvent(400, event);
  const signature = headers.get('X-Hub-Signature');
  if (!signature) return respond(errorResponse(401, 'missing signature'));
  if (!validHubSignature(signature, body, secret.secret)) {
    return respond(errorResponse(401, 'unauthorized'));
  }
  const payload = parseJsonObject(body);
  switch (event) {
    case 'repo:push': {
      const refs: string[] = [];
      for (const change of arr(payload, 'push', 'changes')) {
        const name = str(change, 'new', 'name');
        if (name === '') continue; // a deleted branch or tag
        const prefix =
          str(change, 'new', 'type') === 'tag' ? 'refs/tags/' : 'refs/heads/';
        refs.push(prefix + name);
      }
      return warehouses({
        // Kargo looks this URL up as given; normalising changes nothing for
        // Bitbucket Cloud's https://bitbucket.org/<workspace>/<repo>.
        repoURLs: [
          normalizeGitURL(str(payload, 'repository', 'links', 'html', 'href')),
        ],
        qualifiers: refs,
      });
    }
    case 'repo:refs_changed':
      return warehouses({
        repoURLs: arr(payload, 'repository', 'links', 'clone').map(link =>
          normalizeGitURL(str(link, 'href')),
        ),
        qualifiers: arr(payload, 'changes').map(c => str(c, 'ref', 'id')),
      });
    case 'pullrequest:fulfilled':
    case 'pullrequest:rejected':
      return pullRequest(str(payload, 'pullrequest', 'links', 'html', 'href'));
    default: {
      const self = arr(payload, 'pullRequest', 'links', 'self');
      return pullRequest(self.length > 0 ? str(self[0], 'href') : '');
    }
  }
};

// ---------------------------------------------------------------------------
// Azure (Container Registry and DevOps): authenticated by the URL alone

const azure: Handler = ({ headers, body }) => {
  const agent = headers.get('User-Agent');
  if (agent.startsWith('AzureContainerRegistry')) {
    const payload = parseJsonObject(body);
    const action = str(payload, 'action');
    if (action === 'ping') return PING_OK;
    if (action !== 'push') return unsupportedEvent(400, action);
    return warehouses({
      repoURLs: imageOrChartURLs(
        `${str(payload, 'request', 'host')}/${str(
          payload,
          'target',
          'repository',
        )}`,
        str(payload, 'target', 'mediaType'),
      ),
      qualifiers: [str(payload, 'target', 'tag')],
    });
  }
  if (agent.startsWith('VSServices')) {
    const payload = parseJsonObject(body);
    const event = str(payload, 'eventType');
    switch (event) {
      case 'git.push':
        return warehouses({
          repoURLs: [
            normalizeGitURL(
              str(payload, 'resource', 'repository', 'remoteUrl'),
            ),
          ],
          qualifiers: arr(payload, 'resource', 'refUpdates').map(u =>
            str(u, 'name'),
          ),
        });
      case 'git.pullrequest.merged':
        return pullRequest(str(payload, 'resource', '_links', 'web', 'href'));
      case 'git.pullrequest.updated':
        if (str(payload, 'resource', 'status') !== 'abandoned') return ok();
        return pullRequest(str(payload, 'resource', '_links', 'web', 'href'));
      default:
        return unsupportedEvent(400, event);
    }
  }
  return respond(
    errorResponse(
      400,
      'request does not appear to have originated from a supported service',
    ),
  );
};

// ---------------------------------------------------------------------------
// Docker Hub and Quay: authenticated by the URL alone

const dockerhub: Handler = ({ body }) => {
  const payload = parseJsonObject(body);
  return warehouses({
    repoURLs: imageOrChartURLs(
      str(payload, 'repository', 'repo_name'),
      str(payload, 'push_data', 'media_type'),
    ),
    qualifiers: [str(payload, 'push_data', 'tag')],
  });
};

const quay: Handler = ({ body }) => {
  const payload = parseJsonObject(body);
  const url = str(payload, 'docker_url');
  return warehouses({
    repoURLs: [normalizeImageRepoURL(url), normalizeChartRepoURL(url)],
    qualifiers: strings(payload, 'updated_tags'),
  });
};

// ---------------------------------------------------------------------------
// Harbor: the Authorization header must equal the secret's auth-header

const harbor: Handler = ({ headers, body, secret }) => {
  const auth = headers.get('Authorization');
  if (!auth) return respond(errorResponse(401, 'missing authorization'));
  if (!safeEqual(auth, secret['auth-header'])) {
    return respond(errorResponse(401, 'unauthorized'));
  }
  const payload = parseJsonObject(body);
  if (str(payload, 'type') !== 'PUSH_ARTIFACT') {
    return respond(errorResponse(400, 'unsupported event type'));
  }
  const resources = arr(payload, 'event_data', 'resources');
  if (resources.length === 0) return warehouses({ repoURLs: [] });
  const url = str(resources[0], 'resource_url');
  return warehouses({
    repoURLs: [normalizeImageRepoURL(url), normalizeChartRepoURL(url)],
    qualifiers: resources.map(r => str(r, 'tag')),
  });
};

// ---------------------------------------------------------------------------
// Artifactory: X-Jfrog-Event-Auth is an HMAC-SHA256 of the body

/** What makes Go's url.Parse fail on a scheme-less URL. */
function hasControlOrBadEscape(text: string): boolean {
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return /%(?![0-9a-fA-F]{2})/.test(text);
}

const artifactory: Handler = ({ headers, body, secret, config }) => {
  const signature = headers.get('X-Jfrog-Event-Auth');
  if (!signature) return respond(errorResponse(401, 'missing signature'));
  if (!validArtifactorySignature(signature, body, secret['secret-token'])) {
    return respond(errorResponse(401, 'unauthorized'));
  }
  const payload = parseJsonObject(body);
  if (
    str(payload, 'event_type') !== 'pushed' ||
    str(payload, 'domain') !== 'docker'
  ) {
    return respond(
      errorResponse(
        501,
        "event type must be 'pushed' and domain must be 'docker'",
      ),
    );
  }
  const imageType = str(payload, 'data', 'image_type');
  if (imageType !== 'docker' && imageType !== 'oci') {
    return respond(
      errorResponse(501, `unsupported image type ${JSON.stringify(imageType)}`),
    );
  }
  const origin = str(payload, 'jpd_origin');
  let host = '';
  try {
    // Go's url.Parse: without a scheme the text is a path and the host ''.
    if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(origin)) {
      host = new URL(origin).host;
    } else if (hasControlOrBadEscape(origin)) {
      throw new Error('invalid URL');
    }
  } catch {
    return respond(
      errorResponse(
        400,
        `invalid value ${JSON.stringify(origin)} in payload's jpd_origin field`,
      ),
    );
  }
  const path = str(payload, 'data', 'path');
  const sections = path.split('/');
  if (sections.length < 2) {
    return respond(
      errorResponse(
        400,
        `invalid value ${JSON.stringify(path)} in payload's data.path field`,
      ),
    );
  }
  const virtualRepo =
    typeof config.virtualRepoName === 'string' ? config.virtualRepoName : '';
  const repoURL = [
    host,
    virtualRepo || str(payload, 'data', 'repo_key'),
    ...sections.slice(0, -2),
  ].join('/');
  return warehouses({
    repoURLs: [
      imageType === 'docker'
        ? normalizeImageRepoURL(repoURL)
        : normalizeChartRepoURL(repoURL),
    ],
    qualifiers: [str(payload, 'data', 'tag')],
  });
};

/** The handlers of every type but generic (which needs the store). */
export const PROVIDER_HANDLERS: Record<
  Exclude<ReceiverType, 'generic'>,
  Handler
> = {
  artifactory,
  azure,
  bitbucket,
  dockerhub,
  gitea,
  github,
  gitlab,
  harbor,
  quay,
};
