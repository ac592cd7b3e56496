import Ajv from 'ajv';
import { createGitSteps } from '.';

describe('git step config schemas', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const steps = new Map(
    createGitSteps({
      credentials: { lookup: async () => undefined },
      homeDir: '/nonexistent',
    }).map(s => [s.name, ajv.compile(s.configSchema!)]),
  );
  const valid = (name: string, config: unknown) => steps.get(name)!(config);

  it('registers the five git steps', () => {
    expect([...steps.keys()].sort()).toEqual([
      'git-clear',
      'git-clone',
      'git-commit',
      'git-push',
      'git-tag',
    ]);
  });

  it('accepts the configurations of Kargo documentation examples', () => {
    expect(
      valid('git-clone', {
        repoURL: 'https://github.com/example/repo.git',
        checkout: [
          { commit: 'abc123', path: './src' },
          { branch: 'stage/dev', create: true, path: './out' },
        ],
      }),
    ).toBe(true);
    expect(
      valid('git-clone', {
        repoURL: 'https://github.com/example/repo.git',
        blobless: true,
        recurseSubmodules: true,
        insecureSkipTLSVerify: false,
        author: { name: 'Kargo Bot', email: 'bot@example.com' },
        checkout: [
          {
            commit: 'abc',
            path: './src',
            sparse: ['charts/my-app', 'configs/common'],
            as: 'src',
          },
          { tag: 'v1.0.0', path: './tagged' },
          { path: './default' },
          { branch: 'main', commit: '', tag: '', path: './empty-alternatives' },
        ],
      }),
    ).toBe(true);
    expect(valid('git-clear', { path: './out' })).toBe(true);
    expect(
      valid('git-commit', {
        path: './out',
        message: 'rendered updated manifests',
      }),
    ).toBe(true);
    expect(valid('git-push', { path: './out' })).toBe(true);
    expect(
      valid('git-push', { path: './out', generateTargetBranch: true }),
    ).toBe(true);
    expect(
      valid('git-push', {
        path: './out',
        targetBranch: 'stage/dev',
        force: true,
        maxAttempts: 3,
      }),
    ).toBe(true);
    expect(
      valid('git-push', { path: './out', tag: 'v1.0.0', provider: 'gitlab' }),
    ).toBe(true);
    expect(
      valid('git-tag', { path: './out', tag: 'v1.0.0', message: 'release' }),
    ).toBe(true);
    expect(
      valid('git-tag', {
        path: './out',
        tag: 'dev-team-a',
        message: 'm',
        force: true,
      }),
    ).toBe(true);
  });

  it('rejects invalid configurations', () => {
    const invalid: Array<[string, unknown]> = [
      ['git-clone', { checkout: [{ path: 'a' }] }],
      ['git-clone', { repoURL: 'https://x/y.git', checkout: [] }],
      [
        'git-clone',
        { repoURL: 'https://x/y.git', checkout: [{ branch: 'main' }] },
      ],
      [
        'git-clone',
        {
          repoURL: 'https://x/y.git',
          checkout: [{ path: 'a', branch: 'main', tag: 'v1' }],
        },
      ],
      [
        'git-clone',
        {
          repoURL: 'https://x/y.git',
          checkout: [{ path: 'a', commit: 'abc', tag: 'v1' }],
        },
      ],
      [
        'git-clone',
        { repoURL: 'https://x/y.git', checkout: [{ path: 'a', sparse: [] }] },
      ],
      [
        'git-clone',
        { repoURL: 'https://x/y.git', checkout: [{ path: 'a', depth: 1 }] },
      ],
      [
        'git-clone',
        {
          repoURL: 'https://x/y.git',
          checkout: [{ path: 'a' }],
          author: { name: 'n' },
        },
      ],
      [
        'git-clone',
        {
          repoURL: 'https://x/y.git',
          checkout: [{ path: 'a' }],
          author: { name: 'n', email: 'not an email' },
        },
      ],
      ['git-clear', {}],
      ['git-clear', { path: '' }],
      ['git-commit', { path: './out' }],
      ['git-commit', { path: './out', message: '' }],
      ['git-push', {}],
      [
        'git-push',
        { path: 'a', generateTargetBranch: true, targetBranch: 'main' },
      ],
      ['git-push', { path: 'a', targetBranch: 'main', tag: 'v1' }],
      ['git-push', { path: 'a', tag: 'v1', force: true }],
      ['git-push', { path: 'a', generateTargetBranch: true, tag: 'v1' }],
      ['git-push', { path: 'a', maxAttempts: 0 }],
      ['git-push', { path: 'a', provider: 'sourcehut' }],
      ['git-tag', { path: 'a', tag: 'v1' }],
      ['git-tag', { path: 'a', message: 'm' }],
      ['git-tag', { path: 'a', tag: 'v1', message: 'm', annotated: true }],
    ];
    for (const [name, config] of invalid) {
      expect({ name, config, valid: valid(name, config) }).toEqual({
        name,
        config,
        valid: false,
      });
    }
  });
});
