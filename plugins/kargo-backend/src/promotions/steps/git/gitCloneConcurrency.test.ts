import { createGitProcessRunner } from '../../../warehouses/discovery/git/gitProcess';
import { GitStepsHarness } from './__testUtils__/gitStepsHarness';

describe('git-clone with create, racing another Promotion', () => {
  let h: GitStepsHarness;
  let base: string;

  beforeEach(async () => {
    h = new GitStepsHarness();
    base = h.fixture.commit({ message: 'base', files: { 'a.txt': 'a\n' } });
    h.fixture.push();
    await h.start();
  });

  afterEach(() => h.cleanup());

  it('uses the branch another Promotion created between its clone and its push', async () => {
    const real = createGitProcessRunner();
    const steps = h.createSteps({
      runner: async invocation => {
        if (
          invocation.args.includes('refs/heads/stage/new:refs/heads/stage/new')
        ) {
          // The other Promotion's orphan commit lands first.
          h.remote('update-ref', 'refs/heads/stage/new', base);
        }
        return real(invocation);
      },
    });

    const result = await h.run(
      'git-clone',
      {
        repoURL: h.repoURL,
        checkout: [{ branch: 'stage/new', create: true, path: 'out' }],
      },
      { steps },
    );

    expect(result.output).toEqual({ commits: { out: base } });
    expect(result.logs.join('\n')).toMatch(
      /"stage\/new" appeared in .* meanwhile; using it/,
    );
    expect(h.remote('rev-parse', 'refs/heads/stage/new')).toBe(base);
    expect(h.git('out', 'symbolic-ref', '--short', 'HEAD')).toBe('stage/new');
  });
});
