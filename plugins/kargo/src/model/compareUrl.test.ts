import type { Artifact } from './artifacts';
import { compareUrl } from './compareUrl';

const commit = (repoURL: string, id: string): Artifact => ({
  kind: 'commit',
  key: `commit:${repoURL}`,
  name: 'r',
  version: id.slice(0, 7),
  fullVersion: id,
  repoURL,
});

describe('compareUrl', () => {
  it.each([
    ['https://github.com/o/r.git', 'https://github.com/o/r/compare/a1...b2'],
    ['https://github.com/o/r', 'https://github.com/o/r/compare/a1...b2'],
    ['git@github.com:o/r.git', 'https://github.com/o/r/compare/a1...b2'],
    ['ssh://git@github.com/o/r.git', 'https://github.com/o/r/compare/a1...b2'],
    [
      'https://gitlab.com/group/sub/r.git',
      'https://gitlab.com/group/sub/r/-/compare/a1...b2',
    ],
  ])('links %s to its compare page', (repoURL, expected) => {
    expect(compareUrl(commit(repoURL, 'a1'), commit(repoURL, 'b2'))).toBe(
      expected,
    );
  });

  it.each(['https://git.example.com/o/r.git', 'https://github.com/justowner'])(
    'has no link for %s',
    repoURL => {
      expect(
        compareUrl(commit(repoURL, 'a1'), commit(repoURL, 'b2')),
      ).toBeUndefined();
    },
  );

  it('has no link for images', () => {
    const image: Artifact = {
      kind: 'image',
      key: 'image:github.com/o/r',
      name: 'r',
      version: '1.0',
      fullVersion: '1.0',
      repoURL: 'github.com/o/r',
    };
    expect(compareUrl(image, { ...image, fullVersion: '2.0' })).toBeUndefined();
  });
});
