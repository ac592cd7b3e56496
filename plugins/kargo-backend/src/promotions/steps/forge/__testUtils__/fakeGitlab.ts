import type { FakePull, FakeRepo, Readiness } from './fakeRepo';
import { paginate, type FakeRequest, type FakeResponse } from './fakeGithub';

const DETAILED_MERGE_STATUS: Record<Readiness, string> = {
  clean: 'mergeable',
  pending: 'ci_still_running',
  conflict: 'conflict',
  checking: 'checking',
  draft: 'draft_status',
};

function render(project: string, webHost: string, pull: FakePull) {
  let state: string = pull.state === 'open' ? 'opened' : 'closed';
  if (pull.merged) state = 'merged';
  return {
    id: pull.number + 1000,
    iid: pull.number,
    web_url: `https://${webHost}/${project}/-/merge_requests/${pull.number}`,
    state,
    title: pull.title,
    description: pull.body,
    source_branch: pull.source,
    target_branch: pull.target,
    sha: pull.headSha,
    merge_commit_sha: pull.mergeCommitSha ?? null,
    squash_commit_sha: null,
    squash: pull.mergeMethod === 'squash',
    created_at: pull.createdAt,
    labels: pull.labels,
    draft: pull.readiness === 'draft',
    detailed_merge_status: DETAILED_MERGE_STATUS[pull.readiness],
  };
}

function addLabels(pull: FakePull, csv: unknown) {
  for (const label of String(csv ?? '')
    .split(',')
    .filter(Boolean)) {
    if (!pull.labels.includes(label)) pull.labels.push(label);
  }
}

function routeOf(method: string, rest: string[]): string {
  if (rest[0] === 'merge_requests' && rest[1]) {
    return `${method} merge_requests/:n${rest[2] ? `/${rest[2]}` : ''}`;
  }
  if (rest[0] === 'repository' && rest[1] === 'branches' && rest[2]) {
    return `${method} repository/branches/:n`;
  }
  return `${method} ${rest.join('/')}`;
}

/** GitLab REST v4 for the routes the pull-request steps use. */
export function handleGitlab(
  repos: Map<string, FakeRepo>,
  webHost: string,
  req: FakeRequest,
  maxPerPage: number,
): FakeResponse {
  const [root, project, ...rest] = req.segments;
  const repo = root === 'projects' ? repos.get(project) : undefined;
  if (!repo) return { status: 404, body: { message: '404 Project Not Found' } };
  const notFound = { status: 404, body: { message: '404 Not found' } };
  const route = routeOf(req.method, rest);
  const pull =
    rest[0] === 'merge_requests' && rest[1]
      ? repo.pull(Number(rest[1]))
      : undefined;

  switch (route) {
    case 'GET repository/branches/:n': {
      const branch = repo.branches.get(rest[2]);
      if (!branch)
        return { status: 404, body: { message: '404 Branch Not Found' } };
      const title = branch.message.split('\n')[0];
      return {
        status: 200,
        body: {
          name: rest[2],
          commit: { id: branch.sha, title, message: branch.message },
        },
      };
    }
    case 'GET repository/compare': {
      const from = repo.branches.get(req.query.get('from') ?? '');
      const to = repo.branches.get(req.query.get('to') ?? '');
      if (!from || !to) return notFound;
      const diffs = from.tree === to.tree ? [] : [{ new_path: 'changed.yaml' }];
      return { status: 200, body: { commits: [], diffs } };
    }
    case 'GET merge_requests': {
      const state = req.query.get('state') ?? 'all';
      const found = repo.pulls.filter(p => {
        const rendered = render(project, webHost, p).state;
        return (
          (state === 'all' || rendered === state) &&
          (!req.query.get('source_branch') ||
            p.source === req.query.get('source_branch')) &&
          (!req.query.get('target_branch') ||
            p.target === req.query.get('target_branch'))
        );
      });
      return paginate(
        found.map(p => render(project, webHost, p)),
        req,
        maxPerPage,
      );
    }
    case 'POST merge_requests': {
      const {
        source_branch: source,
        target_branch: target,
        title,
        description,
      } = req.body ?? {};
      const head = repo.branches.get(source);
      if (!title || !head || !repo.branches.get(target)) {
        return {
          status: 400,
          body: { message: { base: ['invalid merge request'] } },
        };
      }
      const open = repo.pulls.find(
        p => p.state === 'open' && p.source === source && p.target === target,
      );
      if (open) {
        return {
          status: 409,
          body: {
            message: [
              `Another open merge request already exists for this source branch: !${open.number}`,
            ],
          },
        };
      }
      const created = repo.addPull({
        source,
        target,
        title,
        body: description ?? '',
        headSha: head.sha,
      });
      addLabels(created, req.body.labels);
      return { status: 201, body: render(project, webHost, created) };
    }
    case 'GET merge_requests/:n':
      return pull
        ? { status: 200, body: render(project, webHost, pull) }
        : notFound;
    case 'PUT merge_requests/:n': {
      if (!pull) return notFound;
      addLabels(pull, req.body?.add_labels);
      return { status: 200, body: render(project, webHost, pull) };
    }
    case 'PUT merge_requests/:n/merge': {
      if (!pull) return notFound;
      if (pull.state !== 'open' || pull.readiness !== 'clean') {
        return { status: 405, body: { message: '405 Method Not Allowed' } };
      }
      repo.merge(pull, req.body?.squash ? 'squash' : 'merge');
      return { status: 200, body: render(project, webHost, pull) };
    }
    default:
      return { status: 404, body: { message: `no fake route ${route}` } };
  }
}
