import {
  createGitProcessRunner,
  GitRunner,
} from '../../../warehouses/discovery/git/gitProcess';
import { GitStepsHarness } from './__testUtils__/gitStepsHarness';

describe('git-push with a moving remote branch', () => {
  let h: GitStepsHarness;

  beforeEach(async () => {
    h = new GitStepsHarness();
    h.fixture.commit({
      message: 'base',
      files: { 'a.txt': 'a\n', 'b.txt': 'b\n' },
    });
    h.fixture.push();
    await h.start();
  });

  afterEach(() => h.cleanup());

  it('lands two Promotions on one branch by rebasing the later one', async () => {
    await h.cloneInto('a');
    await h.cloneInto('b');
    const a = await h.commitFile('a', 'a.txt', 'A\n');
    const b = await h.commitFile('b', 'b.txt', 'B\n');
    await h.run('git-push', { path: 'a' });
    const result = await h.run(
      'git-push',
      { path: 'b' },
      { steps: h.createSteps() },
    );

    const head = h.remote('rev-parse', 'main');
    expect(result.output).toEqual({ branch: 'main', commit: head });
    expect(head).not.toBe(b);
    expect(h.remote('rev-parse', 'main^')).toBe(a);
    expect(h.remote('show', 'main:a.txt')).toBe('A');
    expect(h.remote('show', 'main:b.txt')).toBe('B');
    expect(h.remote('log', '-1', '--format=%s', 'main')).toBe('b: b.txt');
  });

  it('serializes concurrent pushes to one branch; both land', async () => {
    await h.cloneInto('a');
    await h.cloneInto('b');
    await h.commitFile('a', 'a.txt', 'A\n');
    await h.commitFile('b', 'b.txt', 'B\n');
    const [ra, rb] = await Promise.all([
      h.run('git-push', { path: 'a' }),
      h.run('git-push', { path: 'b' }),
    ]);
    expect([ra.status, rb.status]).toEqual(['Succeeded', 'Succeeded']);
    expect(h.remote('rev-list', '--count', 'main')).toBe('3');
    expect([
      h.remote('show', 'main:a.txt'),
      h.remote('show', 'main:b.txt'),
    ]).toEqual(['A', 'B']);
  });

  it('tries again when the branch moves between its rebase and its push', async () => {
    const real = createGitProcessRunner();
    let moved = 0;
    const runner: GitRunner = async invocation => {
      const pushing =
        invocation.args.includes('push') &&
        invocation.args.includes('HEAD:refs/heads/main');
      if (pushing && moved === 0) {
        moved++;
        h.landElsewhere('c.txt', 'C\n');
      }
      return real(invocation);
    };
    const steps = h.createSteps({ runner });
    await h.cloneInto('a');
    await h.commitFile('a', 'a.txt', 'A\n');

    const result = await h.run('git-push', { path: 'a' }, { steps });

    expect(result.status).toBe('Succeeded');
    expect(result.logs.join('\n')).toMatch(
      /moved before the push \(attempt 1\)/,
    );
    expect(result.logs.join('\n')).toMatch(/on attempt 2/);
    expect(h.remote('rev-parse', 'main')).toBe(result.output!.commit);
    expect(h.remote('show', 'main:c.txt')).toBe('C');
    expect(h.remote('show', 'main:a.txt')).toBe('A');
  });

  it('pushes first: a branch that did not move is pushed without a fetch', async () => {
    await h.cloneInto('a');
    const id = await h.commitFile('a', 'a.txt', 'A\n');
    const before = h.server.requests.length;

    const result = await h.run('git-push', { path: 'a' });

    expect(result.output).toEqual({ branch: 'main', commit: id });
    expect(h.remote('rev-parse', 'main')).toBe(id);
    const requests = h.server.requests.slice(before);
    expect(requests.filter(r => r.url.includes('git-upload-pack'))).toEqual([]);
    expect(result.logs.join('\n')).not.toMatch(/moved/);
  });

  it('integrates at once, without waiting, when its first push finds the branch moved since the clone', async () => {
    await h.cloneInto('a');
    await h.commitFile('a', 'a.txt', 'A\n');
    const other = h.landElsewhere('c.txt', 'C\n');
    const started = Date.now();

    const result = await h.run(
      'git-push',
      { path: 'a' },
      { steps: h.createSteps({ pushRetryDelayMs: 60_000 }) },
    );

    expect(result.status).toBe('Succeeded');
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(result.logs.join('\n')).toMatch(
      /moved before the push \(attempt 1\); integrating its new commits and pushing again/,
    );
    expect(result.logs.join('\n')).toMatch(/on attempt 2/);
    expect(h.remote('rev-parse', 'main')).toBe(result.output!.commit);
    expect(h.remote('rev-parse', 'main^')).toBe(other);
  });

  it('waits before trying again when the branch moves between its rebase and its push', async () => {
    const real = createGitProcessRunner();
    let moved = 0;
    const runner: GitRunner = async invocation => {
      if (invocation.args.includes('HEAD:refs/heads/main') && moved < 2) {
        h.landElsewhere(`moved-${moved++}.txt`, 'x\n');
      }
      return real(invocation);
    };
    await h.cloneInto('a');
    await h.commitFile('a', 'a.txt', 'A\n');

    const result = await h.run(
      'git-push',
      { path: 'a' },
      { steps: h.createSteps({ runner }) },
    );

    const logs = result.logs.join('\n');
    expect(logs).toMatch(/\(attempt 1\); integrating its new commits/);
    expect(logs).toMatch(/\(attempt 2\); retrying in \d+ ms/);
    expect(logs).toMatch(/on attempt 3/);
    expect(h.remote('rev-parse', 'main')).toBe(result.output!.commit);
    expect(h.remote('rev-list', '--count', 'main')).toBe('4');
  });

  it('with maxAttempts 1, integrates before its only push, as Kargo does', async () => {
    await h.cloneInto('a');
    await h.commitFile('a', 'a.txt', 'A\n');
    h.landElsewhere('c.txt', 'C\n');

    const result = await h.run(
      'git-push',
      { path: 'a', maxAttempts: 1 },
      { steps: h.createSteps() },
    );

    expect(result.status).toBe('Succeeded');
    expect(result.logs.join('\n')).not.toMatch(/moved/);
    expect(h.remote('show', 'main:c.txt')).toBe('C');
    expect(h.remote('show', 'main:a.txt')).toBe('A');
  });

  it('integrates before its first push when this backend pushed to the branch since the clone', async () => {
    await h.cloneInto('a');
    await h.cloneInto('b');
    await h.commitFile('a', 'a.txt', 'A\n');
    await h.commitFile('b', 'b.txt', 'B\n');
    const first = h.receivePacks();
    await h.run('git-push', { path: 'a' });
    const onePush = h.receivePacks() - first;

    const result = await h.run('git-push', { path: 'b' });

    expect(result.status).toBe('Succeeded');
    // As many requests as one push: none was refused.
    expect(h.receivePacks() - first - onePush).toBe(onePush);
    expect(result.logs.join('\n')).not.toMatch(/moved/);
    expect(h.remote('rev-list', '--count', 'main')).toBe('3');

    // A clone made after that push pushes first again.
    await h.cloneInto('c');
    await h.commitFile('c', 'c.txt', 'C\n');
    const before = h.server.requests.length;
    await h.run('git-push', { path: 'c' });
    expect(
      h.server.requests
        .slice(before)
        .filter(r => r.url.includes('git-upload-pack')),
    ).toEqual([]);
  });

  it('gives up after maxAttempts when the branch keeps moving; abort stops the waiting', async () => {
    const real = createGitProcessRunner();
    let n = 0;
    const runner: GitRunner = async invocation => {
      if (invocation.args.includes('HEAD:refs/heads/main'))
        h.landElsewhere(`moving-${n++}.txt`, 'x');
      return real(invocation);
    };
    await h.cloneInto('a');
    await h.commitFile('a', 'a.txt', 'A\n');
    await expect(
      h.run(
        'git-push',
        { path: 'a', maxAttempts: 2 },
        { steps: h.createSteps({ runner }) },
      ),
    ).rejects.toThrow(/the remote branch moved during each of 2 attempts/);

    const controller = new AbortController();
    const slow = h.createSteps({ runner, pushRetryDelayMs: 60_000 });
    const started = Date.now();
    const pushing = h.run(
      'git-push',
      { path: 'a' },
      { steps: slow, signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 1500);
    await expect(pushing).rejects.toThrow(/cancelled/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('resumed after its push went through: same outputs, nothing pushed', async () => {
    await h.cloneInto('a');
    const id = await h.commitFile('a', 'a.txt', 'A\n');
    const first = await h.run('git-push', { path: 'a' });
    // Someone else pushed on top before the step ran again.
    h.landElsewhere('later.txt', 'later\n');
    const before = h.receivePacks();

    const again = await h.run('git-push', { path: 'a' }, { resumed: true });

    expect(again).toMatchObject({ status: 'Succeeded', output: first.output });
    expect(again.output!.commit).toBe(id);
    expect(h.receivePacks()).toBe(before);
    expect(again.logs.join('\n')).toMatch(
      /already contains .*; nothing to push/,
    );

    const generated = await h.run('git-push', {
      path: 'a',
      generateTargetBranch: true,
    });
    const pushes = h.receivePacks();
    const resumed = await h.run(
      'git-push',
      { path: 'a', generateTargetBranch: true },
      { attempt: 2 },
    );
    expect(resumed.output).toEqual(generated.output);
    expect(h.receivePacks()).toBe(pushes);
  });

  it('merges instead of rebasing under the AlwaysMerge policy', async () => {
    const steps = h.createSteps({ pushIntegrationPolicy: 'AlwaysMerge' });
    await h.cloneInto('a');
    await h.cloneInto('b');
    await h.cloneInto('c');
    const a = await h.commitFile('a', 'a.txt', 'A\n');
    const b = await h.commitFile('b', 'b.txt', 'B\n');
    await h.run('git-push', { path: 'a' }, { steps });
    const result = await h.run('git-push', { path: 'b' }, { steps });

    const head = h.remote('rev-parse', 'main');
    expect(result.output).toEqual({ branch: 'main', commit: head });
    expect(h.remote('log', '-1', '--format=%P|%s', 'main')).toBe(
      `${b} ${a}|Merge branch 'main' of ${h.repoURL}`,
    );

    // A conflict is undone and reported the same way as with a rebase.
    const c = await h.commitFile('c', 'a.txt', 'C\n');
    const conflict = await h.run('git-push', { path: 'c' }, { steps });
    expect(conflict.status).toBe('Failed');
    expect(conflict.message).toMatch(
      /conflict with the local commits in a\.txt/,
    );
    expect(h.git('c', 'rev-parse', 'HEAD')).toBe(c);
    expect(h.git('c', 'status', '--porcelain')).toBe('');
    expect(h.remote('rev-parse', 'main')).toBe(head);
  });

  it('undoes a rebase an earlier, killed attempt left stopped, then pushes', async () => {
    const base = h.remote('rev-parse', 'main');
    await h.cloneInto('a');
    await h.cloneInto('b');
    await h.commitFile('a', 'a.txt', 'A\n');
    await h.run('git-push', { path: 'a' });
    const b = await h.commitFile('b', 'a.txt', 'B\n');
    // The earlier attempt was killed while its rebase stood on a conflict.
    h.git(
      'b',
      'fetch',
      '--quiet',
      h.fixture.bareDir,
      '+refs/heads/main:refs/remotes/origin/main',
    );
    expect(() => h.git('b', 'rebase', 'refs/remotes/origin/main')).toThrow();
    // Meanwhile the conflicting commit was taken back from the remote.
    h.remote('update-ref', 'refs/heads/main', base);

    const result = await h.run('git-push', { path: 'b' }, { resumed: true });

    expect(result).toMatchObject({
      status: 'Succeeded',
      output: { commit: b },
    });
    expect(result.logs.join('\n')).toMatch(/Undid a rebase or merge/);
    expect(h.remote('rev-parse', 'main')).toBe(b);
  });
});
