import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialsProvider, DiscoveryError } from '../types';
import { GitDiscoverer, GitDiscoverySubscription } from './GitDiscoverer';
import { createGitProcessRunner, GitInvocation, GitRunner } from './gitProcess';
import { GitFixture } from './__testUtils__/gitFixtures';
import {
  startGitHttpServer,
  startHangingServer,
  unusedLocalURL,
} from './__testUtils__/gitHttpServer';

jest.setTimeout(60_000);

const anonymous: CredentialsProvider = { lookup: async () => undefined };

function sub(
  repoURL: string,
  extra: Partial<GitDiscoverySubscription> = {},
): GitDiscoverySubscription {
  return {
    repoURL,
    commitSelectionStrategy: 'NewestFromBranch',
    strictSemvers: true,
    discoveryLimit: 20,
    ...extra,
  };
}

/** A runner that records every git invocation. */
function countingRunner(): GitRunner & { calls: GitInvocation[] } {
  const real = createGitProcessRunner();
  const calls: GitInvocation[] = [];
  const runner = (async (inv: GitInvocation) => {
    calls.push(inv);
    return real(inv);
  }) as GitRunner & { calls: GitInvocation[] };
  runner.calls = calls;
  return runner;
}

/** The git subcommand of an invocation (after the global -c options). */
function subcommand(inv: GitInvocation): string {
  for (let i = 0; i < inv.args.length; i++) {
    if (inv.args[i] === '-c') i++;
    else return inv.args[i];
  }
  return '';
}

async function expectDiscoveryError(
  promise: Promise<unknown>,
  reason: string,
): Promise<DiscoveryError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(DiscoveryError);
    expect((e as DiscoveryError).reason).toBe(reason);
    return e as DiscoveryError;
  }
  throw new Error('expected a DiscoveryError');
}

describe('GitDiscoverer', () => {
  let workDir: string;
  let fixtures: GitFixture[];

  const fixture = (...args: ConstructorParameters<typeof GitFixture>) => {
    const f = new GitFixture(...args);
    fixtures.push(f);
    return f;
  };

  beforeEach(() => {
    workDir = mkdtempSync(join(tmpdir(), 'kargo-git-discovery-'));
    fixtures = [];
  });
  afterEach(() => {
    rmSync(workDir, { recursive: true, force: true });
    fixtures.forEach(f => f.cleanup());
  });

  describe('NewestFromBranch', () => {
    it('lists the newest commits of the default branch, with Kargo fields', async () => {
      const f = fixture();
      f.commit({
        message: 'first',
        files: { 'a.txt': '1' },
        date: '2024-02-01T10:00:00+02:00',
      });
      const second = f.commit({
        message: 'second',
        files: { 'a.txt': '2' },
        date: '2024-02-02T10:00:00Z',
        author: { name: 'Bob', email: 'bob@example.com' },
      });
      f.push();
      const discoverer = new GitDiscoverer({ workDir });
      const result = await discoverer.discover(
        { ...sub(f.fileURL), name: 'app' },
        { credentials: anonymous },
      );
      expect(result.repoURL).toBe(f.fileURL);
      expect(result.subscriptionName).toBe('app');
      expect(result.observedRefs).toEqual({ branchHead: second });
      expect(result.commits).toEqual([
        {
          id: second,
          subject: 'second',
          author: 'Bob <bob@example.com>',
          committer: 'Carol Committer <carol@example.com>',
          creatorDate: '2024-02-02T10:00:00Z',
        },
        expect.objectContaining({
          subject: 'first',
          author: 'Alice Author <alice@example.com>',
          creatorDate: '2024-02-01T08:00:00Z',
        }),
      ]);
    });

    it('honours branch, discoveryLimit, since and shortens long subjects', async () => {
      const f = fixture();
      f.commit({ message: 'on main' });
      f.push();
      f.checkout('release', true);
      const ids: string[] = [];
      for (let i = 1; i <= 6; i++) {
        ids.push(
          f.commit({
            message: i === 6 ? `long ${'é'.repeat(60)}` : `release ${i}`,
            date: `2024-03-0${i}T00:00:00Z`,
          }),
        );
      }
      f.push();
      const discoverer = new GitDiscoverer({ workDir });
      const limited = await discoverer.discover(
        sub(f.fileURL, { branch: 'release', discoveryLimit: 3 }),
        { credentials: anonymous },
      );
      expect(limited.commits.map(c => c.id)).toEqual(ids.slice(3).reverse());
      expect(limited.commits.every(c => c.branch === 'release')).toBe(true);
      const subject = limited.commits[0].subject!;
      expect(subject.endsWith('...')).toBe(true);
      expect(
        Buffer.byteLength(subject.replace(/\uFFFD/g, 'x')),
      ).toBeLessThanOrEqual(80);

      const since = await discoverer.discover(
        sub(f.fileURL, { branch: 'release', since: '2024-03-04T00:00:00Z' }),
        { credentials: anonymous },
      );
      expect(since.commits.map(c => c.id)).toEqual(ids.slice(3).reverse());
    });

    it('fails with NotFound for a missing branch or repository', async () => {
      const f = fixture();
      f.commit({ message: 'x' });
      f.push();
      const discoverer = new GitDiscoverer({ workDir });
      const err = await expectDiscoveryError(
        discoverer.discover(sub(f.fileURL, { branch: 'nope' }), {
          credentials: anonymous,
        }),
        'NotFound',
      );
      expect(err.message).toContain('branch "nope"');
      await expectDiscoveryError(
        discoverer.discover(sub(`file://${join(f.root, 'missing.git')}`), {
          credentials: anonymous,
        }),
        'NotFound',
      );
    });

    it('keeps only commits that touch included, non-excluded paths (all syntaxes)', async () => {
      const f = fixture();
      const c1 = f.commit({
        message: 'app',
        files: { 'apps/web/main.go': '1' },
      });
      f.commit({ message: 'docs', files: { 'docs/readme.md': '1' } });
      const c3 = f.commit({
        message: 'chart',
        files: { 'charts/web/values.yaml': '1' },
      });
      f.commit({
        message: 'test only',
        files: { 'apps/web/main_test.go': '1' },
      });
      const c5 = f.commit({
        message: 'prefix look-alike',
        files: { 'appsx/file': '1' },
      });
      f.push();
      const discoverer = new GitDiscoverer({ workDir });
      const run = async (extra: Partial<GitDiscoverySubscription>) =>
        (
          await discoverer.discover(sub(f.fileURL, extra), {
            credentials: anonymous,
          })
        ).commits.map(c => c.subject);

      // Base directory (no prefix): "apps" does not match "appsx/".
      expect(await run({ includePaths: ['apps'] })).toEqual([
        'test only',
        'app',
      ]);
      expect(
        await run({
          includePaths: ['apps'],
          excludePaths: ['glob:**/*_test.go'],
        }),
      ).toEqual(['app']);
      expect(await run({ includePaths: ['regex:^charts/.+\\.yaml$'] })).toEqual(
        ['chart'],
      );
      expect(await run({ includePaths: ['regexp:^appsx/'] })).toEqual([
        'prefix look-alike',
      ]);
      expect(await run({ excludePaths: ['docs', 'glob:apps/**'] })).toEqual([
        'prefix look-alike',
        'chart',
      ]);
      expect(await run({ includePaths: ['glob:{charts,apps}/web/*'] })).toEqual(
        ['test only', 'chart', 'app'],
      );
      void c1;
      void c3;
      void c5;
    });

    it('deepens a shallow cache when filters need older history', async () => {
      const f = fixture();
      const wanted = f.commit({
        message: 'old change',
        files: { 'deploy/x': '1' },
      });
      for (let i = 0; i < 120; i++) {
        f.commit({ message: `noise ${i}`, files: { 'noise.txt': String(i) } });
      }
      f.push();
      const runner = countingRunner();
      const discoverer = new GitDiscoverer({ workDir, runner });
      const result = await discoverer.discover(
        sub(f.fileURL, { includePaths: ['deploy'], discoveryLimit: 1 }),
        { credentials: anonymous },
      );
      expect(result.commits.map(c => c.id)).toEqual([wanted]);
      const fetches = runner.calls.filter(c => subcommand(c) === 'fetch');
      expect(fetches.length).toBeGreaterThan(1);
      expect(fetches[0].args).toContain('--depth=50');
    });

    it('applies expressionFilter to commit fields', async () => {
      const f = fixture();
      f.commit({ message: 'feat: one', date: '2023-06-01T00:00:00Z' });
      f.commit({
        message: 'chore: bump',
        author: { name: 'Bot', email: 'bot@example.com' },
        date: '2024-06-01T00:00:00Z',
      });
      f.commit({
        message: 'fix: two [kargo-ignore]',
        date: '2024-07-01T00:00:00Z',
      });
      f.commit({ message: 'fix: three', date: '2024-08-01T00:00:00Z' });
      f.push();
      const discoverer = new GitDiscoverer({ workDir });
      const run = async (expressionFilter: string) =>
        (
          await discoverer.discover(sub(f.fileURL, { expressionFilter }), {
            credentials: anonymous,
          })
        ).commits.map(c => c.subject);
      expect(await run("!(author contains '<bot@example.com>')")).toEqual([
        'fix: three',
        'fix: two [kargo-ignore]',
        'feat: one',
      ]);
      expect(
        await run("subject contains 'feat:' || subject startsWith 'fix: t'"),
      ).toEqual(['fix: three', 'fix: two [kargo-ignore]', 'feat: one']);
      expect(
        await run(
          "!(subject contains '[kargo-ignore]') && commitDate.After(date('2024-01-01'))",
        ),
      ).toEqual(['fix: three', 'chore: bump']);
      expect(await run("subject matches '^fix: (two|three)$'")).toEqual([
        'fix: three',
      ]);
      await expectDiscoveryError(
        discoverer.discover(
          sub(f.fileURL, { expressionFilter: 'subject ==' }),
          {
            credentials: anonymous,
          },
        ),
        'InvalidSubscription',
      );
    });

    it('returns the previous result after exactly one ls-remote when nothing moved', async () => {
      const f = fixture();
      f.commit({ message: 'one' });
      f.push();
      const runner = countingRunner();
      const discoverer = new GitDiscoverer({ workDir, runner });
      const first = await discoverer.discover(sub(f.fileURL), {
        credentials: anonymous,
      });
      runner.calls.length = 0;
      const second = await discoverer.discover(sub(f.fileURL), {
        credentials: anonymous,
        previous: first,
      });
      expect(second).toEqual(first);
      expect(runner.calls.map(subcommand)).toEqual(['ls-remote']);

      // A new commit moves the head: fetched again, from the same cache.
      const two = f.commit({ message: 'two' });
      f.push();
      runner.calls.length = 0;
      const third = await discoverer.discover(sub(f.fileURL), {
        credentials: anonymous,
        previous: first,
      });
      expect(third.commits[0].id).toBe(two);
      expect(runner.calls.map(subcommand)).toEqual([
        'ls-remote',
        'fetch',
        'log',
      ]);
    });

    it('serializes concurrent discoveries of one repository', async () => {
      const f = fixture();
      f.commit({ message: 'one', files: { 'a/x': '1' } });
      f.commit({ message: 'two', files: { 'b/x': '1' } });
      f.push();
      const discoverer = new GitDiscoverer({ workDir });
      const results = await Promise.all([
        discoverer.discover(sub(f.fileURL), { credentials: anonymous }),
        discoverer.discover(sub(f.fileURL, { includePaths: ['a'] }), {
          credentials: anonymous,
        }),
        discoverer.discover(sub(`${f.fileURL}/`, { discoveryLimit: 1 }), {
          credentials: anonymous,
        }),
      ]);
      expect(results.map(r => r.commits.map(c => c.subject))).toEqual([
        ['two', 'one'],
        ['one'],
        ['two'],
      ]);
    });
  });

  describe('tag strategies', () => {
    let f: GitFixture;
    let ids: Record<string, string>;

    beforeEach(() => {
      f = fixture();
      ids = {};
      const tagAt = (
        tag: string,
        date: string,
        files: Record<string, string>,
        annotated: boolean,
      ) => {
        const id = f.commit({ message: `commit for ${tag}`, files, date });
        if (annotated) {
          f.annotatedTag(tag, { date, message: `Release ${tag}\n\nnotes` });
        } else {
          f.lightweightTag(tag);
        }
        ids[tag] = id;
      };
      tagAt('v1.0.0', '2024-01-01T00:00:00Z', { 'app/a': '1' }, true);
      tagAt('v1.2.0', '2024-01-03T00:00:00Z', { 'docs/a': '1' }, false);
      tagAt('v1.10.0', '2024-01-02T00:00:00Z', { 'app/b': '1' }, true);
      tagAt('v2.0.0-rc.1', '2024-01-04T00:00:00Z', { 'app/c': '1' }, true);
      tagAt('1.3', '2024-01-05T00:00:00Z', { 'app/d': '1' }, false);
      tagAt('nightly', '2024-01-06T00:00:00Z', { 'docs/b': '1' }, true);
      f.push();
    });

    const run = async (
      discoverer: GitDiscoverer,
      extra: Partial<GitDiscoverySubscription>,
    ) =>
      (
        await discoverer.discover(sub(f.fileURL, extra), {
          credentials: anonymous,
        })
      ).commits.map(c => c.tag);

    it('SemVer: highest first, strictSemvers and semverConstraint', async () => {
      const d = new GitDiscoverer({ workDir });
      expect(await run(d, { commitSelectionStrategy: 'SemVer' })).toEqual([
        'v2.0.0-rc.1',
        'v1.10.0',
        'v1.2.0',
        'v1.0.0',
      ]);
      expect(
        await run(d, {
          commitSelectionStrategy: 'SemVer',
          strictSemvers: false,
        }),
      ).toEqual(['v2.0.0-rc.1', 'v1.10.0', '1.3', 'v1.2.0', 'v1.0.0']);
      expect(
        await run(d, {
          commitSelectionStrategy: 'SemVer',
          semverConstraint: '^1.2',
          strictSemvers: false,
        }),
      ).toEqual(['v1.10.0', '1.3', 'v1.2.0']);
      expect(
        await run(d, { commitSelectionStrategy: 'SemVer', discoveryLimit: 2 }),
      ).toEqual(['v2.0.0-rc.1', 'v1.10.0']);
    });

    it('records tag commits as Kargo does (annotated and lightweight)', async () => {
      const d = new GitDiscoverer({ workDir });
      const result = await d.discover(
        sub(f.fileURL, {
          commitSelectionStrategy: 'SemVer',
          semverConstraint: '~1.0 || =1.2.0',
        }),
        { credentials: anonymous },
      );
      expect(result.commits).toEqual([
        {
          id: ids['v1.2.0'],
          tag: 'v1.2.0',
          subject: 'commit for v1.2.0',
          author: 'Alice Author <alice@example.com>',
          committer: 'Carol Committer <carol@example.com>',
          creatorDate: '2024-01-03T00:00:00Z',
        },
        {
          id: ids['v1.0.0'],
          tag: 'v1.0.0',
          subject: 'commit for v1.0.0',
          author: 'Alice Author <alice@example.com>',
          committer: 'Carol Committer <carol@example.com>',
          creatorDate: '2024-01-01T00:00:00Z',
        },
      ]);
      // Observed refs: matching tags by name, annotated ones by tag object.
      const observed = result.observedRefs as {
        tags: Array<{ name: string; id: string }>;
      };
      expect(observed.tags.map(t => t.name)).toEqual(['v1.0.0', 'v1.2.0']);
      expect(observed.tags[0].id).toBe(f.head('refs/tags/v1.0.0'));
      expect(observed.tags[0].id).not.toBe(ids['v1.0.0']);
    });

    it('Lexical and NewestTag orders, allow/ignore regexes', async () => {
      const d = new GitDiscoverer({ workDir });
      expect(await run(d, { commitSelectionStrategy: 'Lexical' })).toEqual([
        'v2.0.0-rc.1',
        'v1.2.0',
        'v1.10.0',
        'v1.0.0',
        'nightly',
        '1.3',
      ]);
      expect(await run(d, { commitSelectionStrategy: 'NewestTag' })).toEqual([
        'nightly',
        '1.3',
        'v2.0.0-rc.1',
        'v1.2.0',
        'v1.10.0',
        'v1.0.0',
      ]);
      expect(
        await run(d, {
          commitSelectionStrategy: 'NewestTag',
          allowTagsRegexes: ['^v1\\.', 'nightly'],
          ignoreTagsRegexes: ['\\.10\\.'],
        }),
      ).toEqual(['nightly', 'v1.2.0', 'v1.0.0']);
      await expectDiscoveryError(
        d.discover(
          sub(f.fileURL, {
            commitSelectionStrategy: 'Lexical',
            allowTags: 'v1',
          }),
          {
            credentials: anonymous,
          },
        ),
        'InvalidSubscription',
      );
      await expectDiscoveryError(
        d.discover(
          sub(f.fileURL, {
            commitSelectionStrategy: 'Lexical',
            ignoreTags: ['x'],
          }),
          { credentials: anonymous },
        ),
        'InvalidSubscription',
      );
    });

    it('applies expressionFilter to tag fields and paths to tagged commits', async () => {
      const d = new GitDiscoverer({ workDir });
      expect(
        await run(d, {
          commitSelectionStrategy: 'NewestTag',
          expressionFilter:
            "tagger == 'Tom Tagger <tom@example.com>' && annotation startsWith 'Release v'",
        }),
      ).toEqual(['v2.0.0-rc.1', 'v1.10.0', 'v1.0.0']);
      expect(
        await run(d, {
          commitSelectionStrategy: 'NewestTag',
          expressionFilter:
            "creatorDate.After(date('2024-01-03')) && !(tag contains 'rc')",
        }),
      ).toEqual(['nightly', '1.3']);
      expect(
        await run(d, {
          commitSelectionStrategy: 'Lexical',
          includePaths: ['app'],
          discoveryLimit: 3,
        }),
      ).toEqual(['v2.0.0-rc.1', 'v1.10.0', 'v1.0.0']);
      expect(
        await run(d, {
          commitSelectionStrategy: 'NewestTag',
          excludePaths: ['glob:app/**'],
        }),
      ).toEqual(['nightly', 'v1.2.0']);
    });

    it('short-circuits on unchanged tags and notices a moved or deleted tag', async () => {
      const runner = countingRunner();
      const d = new GitDiscoverer({ workDir, runner });
      const subscription = sub(f.fileURL, {
        commitSelectionStrategy: 'SemVer',
      });
      const first = await d.discover(subscription, { credentials: anonymous });
      runner.calls.length = 0;
      const again = await d.discover(subscription, {
        credentials: anonymous,
        previous: first,
      });
      expect(again).toEqual(first);
      expect(runner.calls.map(subcommand)).toEqual(['ls-remote']);

      // A non-matching tag does not count as a change.
      f.lightweightTag('unrelated');
      f.push();
      runner.calls.length = 0;
      await d.discover(subscription, {
        credentials: anonymous,
        previous: first,
      });
      expect(runner.calls.map(subcommand)).toEqual(['ls-remote']);

      f.deleteTag('v2.0.0-rc.1');
      f.push();
      const after = await d.discover(subscription, {
        credentials: anonymous,
        previous: first,
      });
      expect(after.commits.map(c => c.tag)).toEqual([
        'v1.10.0',
        'v1.2.0',
        'v1.0.0',
      ]);
    });

    it('returns no commits when no tag matches (NotFound with failWhenEmpty)', async () => {
      const d = new GitDiscoverer({ workDir });
      expect(
        await run(d, {
          commitSelectionStrategy: 'SemVer',
          semverConstraint: '>=9',
        }),
      ).toEqual([]);
      const strict = new GitDiscoverer({ workDir, failWhenEmpty: true });
      const err = await expectDiscoveryError(
        strict.discover(
          sub(f.fileURL, {
            commitSelectionStrategy: 'SemVer',
            semverConstraint: '>=9',
          }),
          { credentials: anonymous },
        ),
        'NotFound',
      );
      expect(err.message).toContain('no tag');
    });
  });

  describe('over smart HTTP', () => {
    it('uses credentials without exposing them, and blobless fetches', async () => {
      const f = fixture();
      f.allowFilter();
      const id = f.commit({
        message: 'one',
        files: { 'big.bin': 'x'.repeat(10000) },
      });
      f.push();
      const password = 's3cr3t-p@ss';
      const server = await startGitHttpServer({
        root: f.reposDir,
        username: 'kargo',
        password,
      });
      try {
        const url = `${server.url}/repo.git`;
        const runner = countingRunner();
        const d = new GitDiscoverer({ workDir, runner });
        const good: CredentialsProvider = {
          lookup: async (type, repoURL) =>
            type === 'git' && repoURL === url
              ? { username: 'kargo', password }
              : undefined,
        };
        const result = await d.discover(sub(url, { blobless: true }), {
          credentials: good,
        });
        expect(result.commits.map(c => c.id)).toEqual([id]);
        expect(server.requests.some(r => r.user === 'kargo')).toBe(true);
        for (const call of runner.calls) {
          expect(call.args.join(' ')).not.toContain(password);
        }
        expect(
          runner.calls.find(c => subcommand(c) === 'fetch')!.args,
        ).toContain('--filter=blob:none');

        const wrong: CredentialsProvider = {
          lookup: async () => ({
            username: 'kargo',
            password: 'wrong-password',
          }),
        };
        const err = await expectDiscoveryError(
          new GitDiscoverer({ workDir }).discover(sub(url), {
            credentials: wrong,
          }),
          'Unauthorized',
        );
        expect(err.message).not.toContain('wrong-password');
        expect(err.message).toContain('kargo.credentials');

        await expectDiscoveryError(
          new GitDiscoverer({ workDir }).discover(sub(url), {
            credentials: anonymous,
          }),
          'Unauthorized',
        );
      } finally {
        await server.close();
      }
    });

    it('fetches blobless from servers that do not support filters', async () => {
      const f = fixture();
      f.commit({ message: 'one' });
      f.push();
      const d = new GitDiscoverer({ workDir });
      const result = await d.discover(sub(f.fileURL, { blobless: true }), {
        credentials: anonymous,
      });
      expect(result.commits.map(c => c.subject)).toEqual(['one']);
    });

    it('reports an unreachable host', async () => {
      const url = `${await unusedLocalURL()}/repo.git`;
      const err = await expectDiscoveryError(
        new GitDiscoverer({ workDir }).discover(sub(url), {
          credentials: anonymous,
        }),
        'Unreachable',
      );
      expect(err.message).toContain('could not be reached');
    });

    it('stops a git process at the timeout and on abort', async () => {
      const server = await startHangingServer();
      try {
        const url = `${server.url}/repo.git`;
        const started = Date.now();
        const err = await expectDiscoveryError(
          new GitDiscoverer({ workDir, commandTimeoutMs: 1000 }).discover(
            sub(url),
            {
              credentials: {
                lookup: async () => ({ password: 'hunter2-secret' }),
              },
            },
          ),
          'Timeout',
        );
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(err.message).not.toContain('hunter2-secret');

        const controller = new AbortController();
        const pending = new GitDiscoverer({ workDir }).discover(sub(url), {
          credentials: anonymous,
          signal: controller.signal,
        });
        setTimeout(() => controller.abort(), 300);
        const aborted = await expectDiscoveryError(pending, 'Timeout');
        expect(aborted.message).toContain('cancelled');
      } finally {
        await server.close();
      }
    });
  });
});
