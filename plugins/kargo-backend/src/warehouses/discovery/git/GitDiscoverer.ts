import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  compareGoStrings,
  compareMastermindsVersions,
  compileGoRegex,
  GitSubscription,
  normalizeGitURL,
  parseMastermindsVersion,
  parseSemverConstraint,
  satisfiesSemverConstraint,
} from '@kargo-backstage/plugin-kargo-common';
import {
  DiscoveredCommit,
  DiscoveredGit,
  DiscoveryContext,
  DiscoveryError,
  ObservedRefs,
} from '../types';
import {
  compileExpressionFilter,
  ExpressionError,
  ExpressionFilter,
  ExprValue,
  GoTime,
} from './expressionFilter';
import { displayURL, gitFailure, scrubSecrets } from './gitErrors';
import {
  createGitProcessRunner,
  GitAuth,
  GitEnvironment,
  GitRunner,
} from './gitProcess';
import { Matcher, parsePathSelectors, pathsMatch } from './patterns';

/** A git subscription as discovery receives it (defaults applied). */
export type GitDiscoverySubscription = Omit<
  GitSubscription,
  'commitSelectionStrategy' | 'strictSemvers' | 'discoveryLimit'
> &
  Partial<
    Pick<
      GitSubscription,
      'commitSelectionStrategy' | 'strictSemvers' | 'discoveryLimit'
    >
  > & { name?: string };

export type GitDiscoveryContext = DiscoveryContext & {
  /**
   * The previous result for this same subscription (same spec). When the
   * remote refs still equal its `observedRefs`, it is returned as is after a
   * single `git ls-remote`.
   */
  previous?: DiscoveredGit;
};

export type GitDiscovererOptions = {
  /** Where repository caches, a private HOME and the askpass helper live. */
  workDir: string;
  /** Limit for each git process, in ms (default 5 minutes). */
  commandTimeoutMs?: number;
  /** Runs git processes; tests inject a counting or failing runner. */
  runner?: GitRunner;
  /** The git executable (default `git` on PATH). */
  gitBinary?: string;
  /** Clock for the expression filter's `now()`. */
  now?: () => Date;
  /**
   * Kargo returns an empty list when nothing matches (the Warehouse then
   * lacks artifacts); with this set, an empty result is a NotFound error.
   */
  failWhenEmpty?: boolean;
};

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
const DEFAULT_DISCOVERY_LIMIT = 20;
/** Kargo: more tags than this disables the unchanged-refs short-circuit. */
const MAX_OBSERVED_TAGS = 1000;
/** Deeper than this, history is fetched whole instead of deepened again. */
const MAX_SHALLOW_DEPTH = 20_000;
/** Kargo's subject length in DiscoveredCommit (longer ones end in "..."). */
const MAX_SUBJECT_BYTES = 80;
const SHOW_BATCH = 50;
const SEP = '\u0000';

type Strategy = NonNullable<GitSubscription['commitSelectionStrategy']>;

/** The subscription, validated and compiled, plus the connection details. */
type Plan = {
  repoURL: string;
  strategy: Strategy;
  branch?: string;
  limit: number;
  since?: string;
  blobless: boolean;
  include?: Matcher;
  exclude?: Matcher;
  filter?: ExpressionFilter;
  matchesTag: (tag: string) => boolean;
  strictSemvers: boolean;
};

type Session = {
  repoURL: string;
  auth?: GitAuth;
  insecure: boolean;
  signal?: AbortSignal;
  secrets: string[];
};

type RemoteRef = { name: string; id: string };

type CommitInfo = {
  id: string;
  date: GoTime;
  author: string;
  committer: string;
  subject: string;
  paths: string[];
};

type TagInfo = {
  tag: string;
  id: string;
  date: GoTime;
  author: string;
  committer: string;
  subject: string;
  tagger: string;
  annotation: string;
};

function invalid(message: string, cause?: unknown): DiscoveryError {
  return new DiscoveryError('InvalidSubscription', message, { cause });
}

/** Go's `%ci`/`creatordate:iso8601` text: "2006-01-02 15:04:05 -0700". */
function parseGitDate(text: string): GoTime {
  const m =
    /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(
      text.trim(),
    );
  if (!m) throw new Error(`unexpected date from git: "${text}"`);
  const offset = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  const local = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
  );
  return new GoTime(local - offset * 60_000, offset);
}

/** RFC 3339 in UTC without fractions, as Kargo's metav1.Time serializes. */
function rfc3339(t: GoTime | Date): string {
  const ms = t instanceof GoTime ? t.ms : t.getTime();
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Kargo's shortenString(subject, 80), which cuts bytes, not characters. */
function shortenSubject(subject: string): string {
  const bytes = Buffer.from(subject, 'utf8');
  if (bytes.length <= MAX_SUBJECT_BYTES) return subject;
  return `${bytes.subarray(0, MAX_SUBJECT_BYTES - 3).toString('utf8')}...`;
}

function refsEqual(a: ObservedRefs | undefined, b: ObservedRefs): boolean {
  if (!a) return false;
  const aHead = 'branchHead' in a ? a.branchHead : '';
  const bHead = 'branchHead' in b ? b.branchHead : '';
  const aTags = 'tags' in a ? a.tags : [];
  const bTags = 'tags' in b ? b.tags : [];
  return (
    aHead === bHead &&
    aTags.length === bTags.length &&
    aTags.every((t, i) => t.name === bTags[i].name && t.id === bTags[i].id)
  );
}

/**
 * Discovers commits of a Git repository for a Warehouse `git` subscription,
 * with Kargo's strategies and filters, using the `git` CLI.
 *
 * A `git ls-remote` comes first; when the refs equal the previous result's
 * `observedRefs`, that result is returned without any fetch. Otherwise the
 * commits are fetched (shallow, deepened only as far as filters need) into
 * a bare cache repository per normalized URL under `workDir`, reused across
 * runs and serialized by a per-repository lock.
 */
export class GitDiscoverer {
  private readonly workDir: string;
  private readonly timeoutMs: number;
  private readonly runner: GitRunner;
  private readonly env: GitEnvironment;
  private readonly now: () => Date;
  private readonly failWhenEmpty: boolean;
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Depth that sufficed last time, per cache repository and ref. */
  private readonly depths = new Map<string, number>();

  constructor(options: GitDiscovererOptions) {
    this.workDir = options.workDir;
    this.timeoutMs = options.commandTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.runner = options.runner ?? createGitProcessRunner(options.gitBinary);
    this.env = new GitEnvironment(options.workDir);
    this.now = options.now ?? (() => new Date());
    this.failWhenEmpty = options.failWhenEmpty ?? false;
  }

  async discover(
    subscription: GitDiscoverySubscription,
    context: GitDiscoveryContext,
  ): Promise<DiscoveredGit> {
    const plan = this.plan(subscription);
    const creds = await context.credentials.lookup('git', plan.repoURL);
    const session: Session = {
      repoURL: plan.repoURL,
      auth: creds?.password
        ? { username: creds.username, password: creds.password }
        : undefined,
      insecure: subscription.insecureSkipTLSVerify ?? false,
      signal: context.signal,
      secrets: [creds?.password ?? ''].filter(Boolean),
    };
    await this.env.prepare();

    const observedRefs = await this.observeRefs(plan, session);
    const base = {
      repoURL: plan.repoURL,
      ...(subscription.name ? { subscriptionName: subscription.name } : {}),
    };
    const previous = context.previous;
    if (
      observedRefs &&
      previous &&
      previous.repoURL === plan.repoURL &&
      refsEqual(previous.observedRefs, observedRefs)
    ) {
      return { ...base, commits: previous.commits, observedRefs };
    }

    const key = createHash('sha256')
      .update(normalizeGitURL(plan.repoURL))
      .digest('hex')
      .slice(0, 32);
    const commits = await this.withLock(key, () =>
      plan.strategy === 'NewestFromBranch'
        ? this.selectFromBranch(plan, session, key)
        : this.selectFromTags(plan, session, key),
    );
    if (commits.length === 0 && this.failWhenEmpty) {
      throw new DiscoveryError(
        'NotFound',
        plan.strategy === 'NewestFromBranch'
          ? `no commit of Git repository ${displayURL(
              plan.repoURL,
            )} matches the subscription's since/expressionFilter/includePaths/excludePaths`
          : `no tag of Git repository ${displayURL(
              plan.repoURL,
            )} matches the subscription's ${
              plan.strategy
            } selection and filters`,
      );
    }
    return {
      ...base,
      commits,
      ...(observedRefs ? { observedRefs } : {}),
    };
  }

  // -------------------------------------------------------------------------
  // Validation

  private plan(sub: GitDiscoverySubscription): Plan {
    const strategy: Strategy =
      sub.commitSelectionStrategy || 'NewestFromBranch';
    const tagBased = strategy !== 'NewestFromBranch';
    const compileList = (list: string[] | undefined, field: string) =>
      (list ?? []).map(src => {
        try {
          return compileGoRegex(src);
        } catch (e) {
          throw invalid(`${field}: invalid regular expression "${src}"`, e);
        }
      });
    let allow: RegExp[] = [];
    let ignore: RegExp[] = [];
    if (tagBased) {
      // Kargo (tag-based selectors) refuses the deprecated fields since v1.11.
      if (sub.allowTags) {
        throw invalid(
          'allowTags is deprecated and unsupported as of Kargo v1.11.0; use allowTagsRegexes instead',
        );
      }
      if (sub.ignoreTags && sub.ignoreTags.length > 0) {
        throw invalid(
          'ignoreTags is deprecated and unsupported as of Kargo v1.11.0; use ignoreTagsRegexes instead',
        );
      }
      allow = compileList(sub.allowTagsRegexes, 'allowTagsRegexes');
      ignore = compileList(sub.ignoreTagsRegexes, 'ignoreTagsRegexes');
    }
    const strictSemvers = sub.strictSemvers ?? true;
    let range: string | undefined;
    if (strategy === 'SemVer' && sub.semverConstraint) {
      const parsed = parseSemverConstraint(sub.semverConstraint);
      if (!parsed.ok) {
        throw invalid(
          `semverConstraint "${sub.semverConstraint}" is invalid: ${parsed.reason}`,
        );
      }
      range = parsed.range;
    }
    const baseMatch = (tag: string) =>
      !ignore.some(re => re.test(tag)) &&
      (allow.length === 0 || allow.some(re => re.test(tag)));
    const matchesTag =
      strategy === 'SemVer'
        ? (tag: string) =>
            baseMatch(tag) &&
            parseMastermindsVersion(tag, { strict: strictSemvers }) !==
              undefined &&
            (range === undefined || satisfiesSemverConstraint(tag, range))
        : baseMatch;

    let filter: ExpressionFilter | undefined;
    if (sub.expressionFilter) {
      try {
        filter = compileExpressionFilter(sub.expressionFilter, {
          now: this.now,
        });
      } catch (e) {
        throw invalid(
          `expressionFilter does not compile: ${(e as Error).message}`,
          e,
        );
      }
    }
    let include: Matcher | undefined;
    let exclude: Matcher | undefined;
    try {
      include = parsePathSelectors(sub.includePaths);
    } catch (e) {
      throw invalid(`includePaths: ${(e as Error).message}`, e);
    }
    try {
      exclude = parsePathSelectors(sub.excludePaths);
    } catch (e) {
      throw invalid(`excludePaths: ${(e as Error).message}`, e);
    }
    let since: string | undefined;
    if (sub.since) {
      const t = new Date(sub.since);
      if (Number.isNaN(t.getTime())) {
        throw invalid(`since "${sub.since}" is not an RFC 3339 timestamp`);
      }
      since = rfc3339(t);
    }
    return {
      repoURL: sub.repoURL,
      strategy,
      branch: sub.branch || undefined,
      limit: sub.discoveryLimit || DEFAULT_DISCOVERY_LIMIT,
      since,
      blobless: sub.blobless ?? false,
      include,
      exclude,
      filter,
      matchesTag,
      strictSemvers,
    };
  }

  // -------------------------------------------------------------------------
  // Running git

  private async git(
    session: Session,
    operation: string,
    args: string[],
    cwd: string,
  ): Promise<string> {
    const globals = [
      '-c',
      'credential.helper=',
      '-c',
      'core.quotePath=false',
      '-c',
      'gc.auto=0',
      '-c',
      'maintenance.auto=false',
    ];
    if (session.insecure) globals.push('-c', 'http.sslVerify=false');
    let result;
    try {
      result = await this.runner({
        args: [...globals, ...args],
        cwd,
        env: this.env.env(session.auth),
        timeoutMs: this.timeoutMs,
        signal: session.signal,
      });
    } catch (e) {
      throw new DiscoveryError(
        'ServerError',
        `could not run git for ${operation}: ${scrubSecrets(
          (e as Error).message,
          session.secrets,
        )}`,
      );
    }
    if (result.code === 0 && !result.timedOut && !result.aborted) {
      return result.stdout;
    }
    throw gitFailure({
      repoURL: session.repoURL,
      operation,
      stderr: result.stderr,
      timedOut: result.timedOut,
      aborted: result.aborted,
      timeoutMs: this.timeoutMs,
      secrets: session.secrets,
    });
  }

  private async lsRemote(
    session: Session,
    pattern: string,
  ): Promise<RemoteRef[]> {
    const out = await this.git(
      session,
      'listing refs',
      ['ls-remote', session.repoURL, pattern],
      this.env.homeDir,
    );
    const refs: RemoteRef[] = [];
    for (const line of out.split('\n')) {
      const tab = line.indexOf('\t');
      if (tab < 0) continue;
      const name = line.slice(tab + 1).trim();
      if (name.endsWith('^{}')) continue;
      refs.push({ name, id: line.slice(0, tab).trim() });
    }
    return refs;
  }

  /** The refs Kargo records, from one `git ls-remote`. */
  private async observeRefs(
    plan: Plan,
    session: Session,
  ): Promise<ObservedRefs | undefined> {
    if (plan.strategy === 'NewestFromBranch') {
      const ref = plan.branch ? `refs/heads/${plan.branch}` : 'HEAD';
      const refs = await this.lsRemote(session, ref);
      const head = refs.find(r => r.name === ref);
      if (!head) {
        throw new DiscoveryError(
          'NotFound',
          plan.branch
            ? `branch "${
                plan.branch
              }" was not found in Git repository ${displayURL(
                plan.repoURL,
              )}: check the subscription's branch`
            : `Git repository ${displayURL(
                plan.repoURL,
              )} has no default branch (HEAD): is it empty? Set the subscription's branch`,
        );
      }
      return { branchHead: head.id };
    }
    const refs = await this.lsRemote(session, 'refs/tags/*');
    const tags = refs
      .filter(r => r.name.startsWith('refs/tags/'))
      .map(r => ({ name: r.name.slice('refs/tags/'.length), id: r.id }))
      .filter(t => plan.matchesTag(t.name));
    if (tags.length > MAX_OBSERVED_TAGS) return undefined;
    tags.sort((a, b) => compareGoStrings(a.name, b.name));
    return { tags };
  }

  private async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prior = this.locks.get(key) ?? Promise.resolve();
    const run = prior.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }

  /** The bare cache repository for one URL and kind of refs. */
  private async cacheRepo(
    session: Session,
    key: string,
    kind: 'branches' | 'tags',
  ): Promise<string> {
    const dir = join(this.workDir, 'repos', key, `${kind}.git`);
    const exists = await stat(join(dir, 'HEAD')).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      await this.git(
        session,
        'creating the cache repository',
        ['init', '--bare', '--quiet', dir],
        this.env.homeDir,
      );
    } else {
      // A process killed mid-fetch may have left lock files behind; this
      // process is the only user of the cache and holds the repository lock.
      for (const lock of ['shallow.lock', 'config.lock', 'packed-refs.lock']) {
        await rm(join(dir, lock), { force: true });
      }
    }
    return dir;
  }

  private async fetch(
    session: Session,
    dir: string,
    refspecs: string[],
    depth: number | 'unshallow',
    plan: Plan,
    extra: string[] = [],
  ): Promise<void> {
    const base = [
      '-c',
      `remote.origin.url=${session.repoURL}`,
      'fetch',
      '--quiet',
      '--no-tags',
      '--no-write-fetch-head',
      ...extra,
      ...(depth === 'unshallow' ? ['--unshallow'] : [`--depth=${depth}`]),
    ];
    const tail = ['origin', ...refspecs];
    if (plan.blobless) {
      try {
        await this.git(
          session,
          'fetching',
          [...base, '--filter=blob:none', ...tail],
          dir,
        );
        return;
      } catch (e) {
        // Servers without partial clone support normally make git ignore the
        // filter with a warning; if one fails outright, fetch whole objects.
        if (!(e instanceof DiscoveryError) || !/filter/i.test(e.message)) {
          throw e;
        }
      }
    }
    await this.git(session, 'fetching', [...base, ...tail], dir);
  }

  private async shallowCommits(dir: string): Promise<Set<string>> {
    try {
      const text = await readFile(join(dir, 'shallow'), 'utf8');
      return new Set(text.split('\n').filter(Boolean));
    } catch {
      return new Set();
    }
  }

  private evaluate(
    plan: Plan,
    env: Record<string, ExprValue>,
    what: string,
  ): boolean {
    if (!plan.filter) return true;
    try {
      return plan.filter.matches(env);
    } catch (e) {
      const message = e instanceof ExpressionError ? e.message : String(e);
      throw invalid(`expressionFilter failed on ${what}: ${message}`, e);
    }
  }

  // -------------------------------------------------------------------------
  // NewestFromBranch

  private async selectFromBranch(
    plan: Plan,
    session: Session,
    key: string,
  ): Promise<DiscoveredCommit[]> {
    const dir = await this.cacheRepo(session, key, 'branches');
    const remoteRef = plan.branch ? `refs/heads/${plan.branch}` : 'HEAD';
    const localRef = plan.branch
      ? `refs/kargo/branches/${plan.branch}`
      : 'refs/kargo/default-head';
    const hasPaths = Boolean(plan.include || plan.exclude);
    const needsHistory = hasPaths || Boolean(plan.filter);
    const depthKey = `${dir}\0${localRef}`;
    let depth: number | 'unshallow' = needsHistory
      ? Math.max(this.depths.get(depthKey) ?? 0, plan.limit * 2, 50)
      : plan.limit;
    for (;;) {
      await this.fetch(
        session,
        dir,
        [`+${remoteRef}:${localRef}`],
        depth,
        plan,
      );
      const { commits, truncated } = await this.walkBranch(
        plan,
        session,
        dir,
        localRef,
        hasPaths,
        needsHistory,
      );
      if (!truncated || depth === 'unshallow') {
        if (needsHistory && typeof depth === 'number') {
          this.depths.set(depthKey, depth);
        }
        return commits.map(c => ({
          id: c.id,
          ...(plan.branch ? { branch: plan.branch } : {}),
          subject: shortenSubject(c.subject),
          author: c.author,
          committer: c.committer,
          creatorDate: rfc3339(c.date),
        }));
      }
      depth = depth * 4 > MAX_SHALLOW_DEPTH ? 'unshallow' : depth * 4;
    }
  }

  /**
   * Kargo's selection over the first-parent history, newest first: the
   * expression filter, then (with include/exclude paths) the commit's diff
   * against its first parent; up to discoveryLimit commits. `truncated`
   * says the local (shallow) history ended before the answer was certain.
   */
  private async walkBranch(
    plan: Plan,
    session: Session,
    dir: string,
    localRef: string,
    hasPaths: boolean,
    needsHistory: boolean,
  ): Promise<{ commits: CommitInfo[]; truncated: boolean }> {
    const args = [
      'log',
      '--first-parent',
      `--format=${'%x00%H%x00%ci%x00%an <%ae>%x00%cn <%ce>%x00%s%x00'}`,
    ];
    if (hasPaths) {
      args.push('--diff-merges=first-parent', '--name-status', '--no-renames');
    }
    if (!needsHistory) args.push(`--max-count=${plan.limit}`);
    if (plan.since) args.push(`--since=${plan.since}`);
    args.push(localRef, '--');
    const out = await this.git(session, 'listing commits', args, dir);
    const commits = parseLog(out);
    const shallow = await this.shallowCommits(dir);
    const selected: CommitInfo[] = [];
    for (const c of commits) {
      // The diff of a commit whose parent was not fetched is meaningless.
      if (hasPaths && shallow.has(c.id))
        return { commits: selected, truncated: true };
      const env = {
        id: c.id,
        commitDate: c.date,
        author: c.author,
        committer: c.committer,
        subject: c.subject,
      };
      if (!this.evaluate(plan, env, `commit ${c.id}`)) continue;
      if (hasPaths && !pathsMatch(c.paths, plan.include, plan.exclude)) {
        continue;
      }
      selected.push(c);
      if (selected.length >= plan.limit) {
        return { commits: selected, truncated: false };
      }
    }
    const last = commits[commits.length - 1];
    return {
      commits: selected,
      truncated: needsHistory && last !== undefined && shallow.has(last.id),
    };
  }

  // -------------------------------------------------------------------------
  // Tag strategies

  private async selectFromTags(
    plan: Plan,
    session: Session,
    key: string,
  ): Promise<DiscoveredCommit[]> {
    const dir = await this.cacheRepo(session, key, 'tags');
    const hasPaths = Boolean(plan.include || plan.exclude);
    await this.fetch(
      session,
      dir,
      ['+refs/tags/*:refs/tags/*'],
      hasPaths ? 2 : 1,
      plan,
      ['--prune'],
    );
    let tags = (await this.listTags(session, dir)).filter(t =>
      plan.matchesTag(t.tag),
    );
    tags = tags.filter(t =>
      this.evaluate(
        plan,
        {
          tag: t.tag,
          id: t.id,
          creatorDate: t.date,
          author: t.author,
          committer: t.committer,
          subject: t.subject,
          tagger: t.tagger,
          annotation: t.annotation,
        },
        `tag ${t.tag}`,
      ),
    );
    if (plan.strategy === 'SemVer') {
      const versions = new Map(
        tags.map(t => [
          t,
          parseMastermindsVersion(t.tag, { strict: plan.strictSemvers })!,
        ]),
      );
      tags.sort(
        (a, b) =>
          compareMastermindsVersions(versions.get(b)!, versions.get(a)!) ||
          compareGoStrings(b.tag, a.tag),
      );
    } else if (plan.strategy === 'Lexical') {
      tags.sort((a, b) => compareGoStrings(b.tag, a.tag));
    }
    // NewestTag keeps git's order: newest creator date first.
    if (hasPaths) {
      tags = await this.filterTagsByPaths(plan, session, dir, tags);
    }
    return tags.slice(0, plan.limit).map(t => ({
      id: t.id,
      tag: t.tag,
      subject: shortenSubject(t.subject),
      author: t.author,
      committer: t.committer,
      creatorDate: rfc3339(t.date),
    }));
  }

  private async listTags(session: Session, dir: string): Promise<TagInfo[]> {
    const annotated = [
      '%(refname:lstrip=2)',
      '%(*objectname)',
      '%(*contents:subject)',
      '%(*authorname) %(*authoremail)',
      '%(*committername) %(*committeremail)',
      '%(creatordate:iso8601)',
      '%(taggername) %(taggeremail)',
      '%(contents:subject)',
    ].join('%00');
    const lightweight = [
      '%(refname:lstrip=2)',
      '%(objectname)',
      '%(contents:subject)',
      '%(authorname) %(authoremail)',
      '%(committername) %(committeremail)',
      '%(creatordate:iso8601)',
      '',
      '',
    ].join('%00');
    const format = `%(if)%(*objectname)%(then)${annotated}%(else)${lightweight}%(end)`;
    const out = await this.git(
      session,
      'listing tags',
      [
        'for-each-ref',
        '--sort=-creatordate',
        `--format=${format}`,
        'refs/tags',
      ],
      dir,
    );
    const tags: TagInfo[] = [];
    for (const line of out.split('\n')) {
      if (!line) continue;
      const f = line.split(SEP);
      if (f.length < 8) continue;
      tags.push({
        tag: f[0],
        id: f[1],
        subject: f[2],
        author: f[3],
        committer: f[4],
        date: parseGitDate(f[5]),
        tagger: f[6],
        annotation: f[7],
      });
    }
    return tags;
  }

  /**
   * Keeps tags whose commit touched an included, non-excluded path (diff
   * against the first parent), in order, until discoveryLimit are found.
   */
  private async filterTagsByPaths(
    plan: Plan,
    session: Session,
    dir: string,
    tags: TagInfo[],
  ): Promise<TagInfo[]> {
    const kept: TagInfo[] = [];
    const pathsById = new Map<string, string[]>();
    let deepened = 0;
    for (let i = 0; i < tags.length && kept.length < plan.limit; ) {
      const batch = tags.slice(i, i + SHOW_BATCH);
      const missing = [...new Set(batch.map(t => t.id))].filter(
        id => !pathsById.has(id),
      );
      if (missing.length > 0) {
        const shallow = await this.shallowCommits(dir);
        if (missing.some(id => shallow.has(id))) {
          // Some tagged commit lacks its parent in the cache: fetch more.
          deepened++;
          await this.fetch(
            session,
            dir,
            ['+refs/tags/*:refs/tags/*'],
            deepened > 2 ? 'unshallow' : 2 + deepened * 8,
            plan,
          );
          if (deepened <= 3) continue;
        }
        const out = await this.git(
          session,
          'reading changed paths',
          [
            'show',
            '--first-parent',
            '--diff-merges=first-parent',
            '--name-status',
            '--no-renames',
            '--format=%x00%H%x00%ci%x00%an%x00%cn%x00%s%x00',
            ...missing,
            '--',
          ],
          dir,
        );
        for (const c of parseLog(out)) pathsById.set(c.id, c.paths);
      }
      for (const t of batch) {
        if (kept.length >= plan.limit) break;
        if (pathsMatch(pathsById.get(t.id) ?? [], plan.include, plan.exclude)) {
          kept.push(t);
        }
      }
      i += batch.length;
    }
    return kept;
  }
}

/**
 * Parses `git log`/`git show` output made with the NUL-separated format
 * above, each record optionally followed by `--name-status` lines.
 */
function parseLog(out: string): CommitInfo[] {
  const parts = out.split(SEP);
  const commits: CommitInfo[] = [];
  for (let i = 1; i + 5 < parts.length + 1; i += 6) {
    const [id, date, author, committer, subject] = parts.slice(i, i + 5);
    const tail = parts[i + 5] ?? '';
    const paths: string[] = [];
    for (const line of tail.split('\n')) {
      const tab = line.indexOf('\t');
      if (tab > 0) paths.push(line.slice(tab + 1));
    }
    commits.push({
      id,
      date: parseGitDate(date),
      author,
      committer,
      subject,
      paths,
    });
  }
  return commits;
}
