import { buildCommitURL, inferGitProvider } from './commitURL';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('buildCommitURL', () => {
  it('builds the URLs of Kargo git providers', () => {
    expect(buildCommitURL('https://github.com/Example/Repo.git', SHA)).toBe(
      `https://github.com/example/repo/commit/${SHA}`,
    );
    expect(buildCommitURL('https://octo.ghe.com/org/repo', SHA)).toBe(
      `https://octo.ghe.com/org/repo/commit/${SHA}`,
    );
    expect(buildCommitURL('ssh://git@github.com/org/repo.git', SHA)).toBe(
      `https://github.com/org/repo/commit/${SHA}`,
    );
    expect(buildCommitURL('https://gitlab.com/group/sub/repo.git/', SHA)).toBe(
      `https://gitlab.com/group/sub/repo/-/commit/${SHA}`,
    );
    expect(
      buildCommitURL('https://gitea.example.com:3000/org/repo.git', SHA),
    ).toBe(`https://gitea.example.com:3000/org/repo/commit/${SHA}`);
    expect(buildCommitURL('https://bitbucket.org/team/repo.git', SHA)).toBe(
      `https://bitbucket.org/team/repo/commits/${SHA}`,
    );
  });

  it('uses an explicit provider for self-hosted servers', () => {
    expect(
      buildCommitURL('https://git.example.com/org/repo.git', SHA),
    ).toBeUndefined();
    expect(
      buildCommitURL('https://git.example.com/org/repo.git', SHA, 'github'),
    ).toBe(`https://git.example.com/org/repo/commit/${SHA}`);
    expect(
      buildCommitURL('https://git.example.com/a/b/c.git', SHA, 'gitlab'),
    ).toBe(`https://git.example.com/a/b/c/-/commit/${SHA}`);
  });

  it('gives none where Kargo gives none', () => {
    // GitHub, Gitea and Bitbucket need owner/name.
    expect(buildCommitURL('https://github.com/a/b/c.git', SHA)).toBeUndefined();
    // Kargo's Azure DevOps provider needs a token, which git-push lacks.
    expect(
      buildCommitURL('https://dev.azure.com/org/proj/_git/repo', SHA),
    ).toBeUndefined();
    // scp-style URLs do not parse as URLs for inference.
    expect(buildCommitURL('git@github.com:org/repo.git', SHA)).toBeUndefined();
  });
});

describe('inferGitProvider', () => {
  it('infers from the host as Kargo does', () => {
    expect(inferGitProvider('https://github.example.com/a/b')).toBe('github');
    expect(inferGitProvider('https://my-gitlab.internal/a/b')).toBe('gitlab');
    expect(inferGitProvider('https://gitea.internal/a/b')).toBe('gitea');
    expect(inferGitProvider('https://bitbucket.org/a/b')).toBe('bitbucket');
    expect(inferGitProvider('https://org.visualstudio.com/p/_git/r')).toBe(
      'azure',
    );
    expect(inferGitProvider('https://dev.azure.com/o/p/_git/r')).toBe('azure');
    expect(inferGitProvider('https://example.com/a/b')).toBeUndefined();
  });
});
