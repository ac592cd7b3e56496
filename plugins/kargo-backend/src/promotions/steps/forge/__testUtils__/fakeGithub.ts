import type { FakePull, FakeRepo, Readiness } from './fakeRepo';

export type FakeRequest = {
  method: string;
  /** Path below the API base, split and decoded: ['repos', 'acme', 'app', …]. */
  segments: string[];
  query: URLSearchParams;
  body: any;
  /** Absolute URL of this request, for Link headers. */
  url: URL;
};

export type FakeResponse = {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
};

const MERGEABLE_STATE: Record<Readiness, string> = {
  clean: 'clean',
  pending: 'blocked',
  conflict: 'dirty',
  checking: 'unknown',
  draft: 'draft',
};

function render(repoPath: string, webHost: string, pull: FakePull) {
  return {
    number: pull.number,
    html_url: `https://${webHost}/${repoPath}/pull/${pull.number}`,
    state: pull.state,
    title: pull.title,
    body: pull.body,
    merged_at: pull.merged ? '2026-01-02T00:00:00Z' : null,
    // GitHub fills this with a test merge commit while a PR is open.
    merge_commit_sha: pull.mergeCommitSha ?? `test-merge-${pull.number}`,
    head: { ref: pull.source, sha: pull.headSha },
    base: { ref: pull.target },
    created_at: pull.createdAt,
    labels: pull.labels.map(name => ({ name })),
    draft: pull.readiness === 'draft',
    mergeable: {
      clean: true,
      pending: true,
      conflict: false,
      checking: null,
      draft: false,
    }[pull.readiness],
    mergeable_state: MERGEABLE_STATE[pull.readiness],
  };
}

/** One page of `items`, with a GitHub/GitLab style `Link: rel="next"`. */
export function paginate(
  items: unknown[],
  req: FakeRequest,
  maxPerPage: number,
): FakeResponse {
  const perPage = Math.min(Number(req.query.get('per_page') ?? 30), maxPerPage);
  const page = Number(req.query.get('page') ?? 1);
  const body = items.slice((page - 1) * perPage, page * perPage);
  const headers: Record<string, string> = {};
  if (page * perPage < items.length) {
    const next = new URL(req.url);
    next.searchParams.set('page', String(page + 1));
    headers.link = `<${next}>; rel="next"`;
  }
  return { status: 200, body, headers };
}

/** GitHub REST v3 for the routes the pull-request steps use. */
export function handleGithub(
  repos: Map<string, FakeRepo>,
  webHost: string,
  req: FakeRequest,
  maxPerPage: number,
): FakeResponse {
  const [root, owner, name, resource, ...rest] = req.segments;
  const repoPath = `${owner}/${name}`;
  const repo = root === 'repos' ? repos.get(repoPath) : undefined;
  if (!repo) return { status: 404, body: { message: 'Not Found' } };
  // `branches/<name>`, `pulls/<n>/merge`, `issues/<n>/labels` → `…/:n…`
  const route = [
    `${req.method} ${resource}`,
    ...(rest.length ? [':n', ...rest.slice(1)] : []),
  ].join('/');
  const pull = rest[0] ? repo.pull(Number(rest[0])) : undefined;

  switch (route) {
    case 'GET branches/:n': {
      const branch = repo.branches.get(rest[0]);
      if (!branch)
        return { status: 404, body: { message: 'Branch not found' } };
      const commit = { message: branch.message, tree: { sha: branch.tree } };
      return {
        status: 200,
        body: { name: rest[0], commit: { sha: branch.sha, commit } },
      };
    }
    case 'GET pulls': {
      const state = req.query.get('state') ?? 'open';
      const head = req.query.get('head');
      const base = req.query.get('base');
      const found = repo.pulls.filter(
        p =>
          (state === 'all' || p.state === state) &&
          (!head || `${owner}:${p.source}` === head) &&
          (!base || p.target === base),
      );
      return paginate(
        found.map(p => render(repoPath, webHost, p)),
        req,
        maxPerPage,
      );
    }
    case 'POST pulls': {
      const { head, base, title, body } = req.body ?? {};
      const source = repo.branches.get(head);
      const target = repo.branches.get(base);
      if (!title || !source || !target) {
        return {
          status: 422,
          body: {
            message: 'Validation Failed',
            errors: [{ field: !title ? 'title' : 'head' }],
          },
        };
      }
      if (
        repo.pulls.some(
          p => p.state === 'open' && p.source === head && p.target === base,
        )
      ) {
        return {
          status: 422,
          body: {
            message: `Validation Failed: A pull request already exists for ${owner}:${head}.`,
          },
        };
      }
      const created = repo.addPull({
        source: head,
        target: base,
        title,
        body: body ?? '',
        headSha: source.sha,
      });
      return { status: 201, body: render(repoPath, webHost, created) };
    }
    case 'GET pulls/:n':
      return pull
        ? { status: 200, body: render(repoPath, webHost, pull) }
        : { status: 404, body: { message: 'Not Found' } };
    case 'PUT pulls/:n/merge': {
      if (!pull) return { status: 404, body: { message: 'Not Found' } };
      if (pull.state !== 'open')
        return {
          status: 405,
          body: { message: 'Pull Request is not mergeable' },
        };
      if (pull.readiness === 'pending') {
        return {
          status: 405,
          body: {
            message:
              'At least 1 approving review is required by reviewers with write access.',
          },
        };
      }
      if (pull.readiness !== 'clean')
        return {
          status: 405,
          body: { message: 'Pull Request is not mergeable' },
        };
      repo.merge(pull, req.body?.merge_method ?? 'merge');
      return {
        status: 200,
        body: {
          sha: pull.mergeCommitSha,
          merged: true,
          message: 'Pull Request successfully merged',
        },
      };
    }
    case 'POST issues/:n/labels': {
      if (!pull) return { status: 404, body: { message: 'Not Found' } };
      for (const label of req.body?.labels ?? []) {
        if (!pull.labels.includes(label)) pull.labels.push(label);
      }
      return { status: 200, body: pull.labels.map(n => ({ name: n })) };
    }
    default:
      return { status: 404, body: { message: `no fake route ${route}` } };
  }
}
