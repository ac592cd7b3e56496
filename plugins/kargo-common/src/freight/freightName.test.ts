import {
  FreightContent,
  canonicalArtifactStrings,
  computeFreightName,
  freightNameHashInput,
} from './freightName';

/*
 * Kargo's own tests of the Freight name (akuity/kargo at commit
 * 1c764767ae03bad063531fb443ee2485a972c669, pkg/api/freight_test.go:
 * TestGenerateFreightID and TestSubscriptionNameAffectsFreightID) only check
 * that names are stable, that a change changes the name and that a
 * subscription name does. So the expected hashes below were computed by hand:
 * the hash input was written out following Kargo's GenerateFreightID
 * (pkg/api/freight.go) and hashed with
 *
 *   printf '%s' '<input>' | sha1sum
 *
 * and each was confirmed by running Kargo's own normalisers and the same
 * hashing in a scratch Go program.
 */

// Kargo: pkg/api/freight_test.go, TestGenerateFreightID
const kargoTestFreight: FreightContent = {
  origin: { kind: 'fake-kind', name: 'fake-name' },
  commits: [{ repoURL: 'fake-git-repo', id: 'fake-commit-id' }],
  images: [{ repoURL: 'fake-image-repo', tag: 'fake-image-tag' }],
  charts: [
    {
      repoURL: 'fake-chart-repo',
      name: 'fake-chart',
      version: 'fake-chart-version',
    },
  ],
};

describe('computeFreightName', () => {
  describe("Kargo's TestGenerateFreightID freight", () => {
    it('hashes the sorted canonical strings', () => {
      expect(canonicalArtifactStrings(kargoTestFreight)).toEqual([
        'fake-chart-repo/fake-chart:fake-chart-version',
        'fake-image-repo:fake-image-tag@',
        'ssh://fake-git-repo:fake-commit-id',
      ]);
      // printf '%s' 'fake-kind/fake-name:fake-chart-repo/fake-chart:fake-chart-version|fake-image-repo:fake-image-tag@|ssh://fake-git-repo:fake-commit-id' | sha1sum
      expect(freightNameHashInput(kargoTestFreight)).toBe(
        'fake-kind/fake-name:fake-chart-repo/fake-chart:fake-chart-version|fake-image-repo:fake-image-tag@|ssh://fake-git-repo:fake-commit-id',
      );
      expect(computeFreightName(kargoTestFreight)).toBe(
        '2ef94c8c7020aa65825be992e9525f7703d15990',
      );
    });

    it('is stable across calls', () => {
      const first = computeFreightName(kargoTestFreight);
      for (let i = 0; i < 100; i++) {
        expect(computeFreightName(kargoTestFreight)).toBe(first);
      }
    });

    it('changes when anything changes (a different commit)', () => {
      const changed: FreightContent = {
        ...kargoTestFreight,
        commits: [{ repoURL: 'fake-git-repo', id: 'a-different-fake-commit' }],
      };
      // printf '%s' 'fake-kind/fake-name:fake-chart-repo/fake-chart:fake-chart-version|fake-image-repo:fake-image-tag@|ssh://fake-git-repo:a-different-fake-commit' | sha1sum
      expect(computeFreightName(changed)).toBe(
        '3798c04f40053ff2ab244201e4c6e80f0283bd6f',
      );
    });
  });

  // Kargo: pkg/api/freight_test.go, TestSubscriptionNameAffectsFreightID.
  // Those Freight have no origin, which Kargo prints as "/".
  describe("Kargo's TestSubscriptionNameAffectsFreightID freight", () => {
    const noOrigin = { kind: '', name: '' };
    const commitId = 'abc123def456abc123def456abc123def456abc123';

    it('git commit: a subscription name gives a distinct name', () => {
      const base = computeFreightName({
        origin: noOrigin,
        commits: [{ repoURL: 'https://github.com/example/repo', id: commitId }],
      });
      const named = computeFreightName({
        origin: noOrigin,
        commits: [
          {
            repoURL: 'https://github.com/example/repo',
            id: commitId,
            subscriptionName: 'my-sub',
          },
        ],
      });
      const namedSame = computeFreightName({
        origin: noOrigin,
        commits: [
          {
            repoURL: 'https://github.com/example/repo',
            id: commitId,
            subscriptionName: 'my-sub',
          },
        ],
      });
      // printf '%s' '/:https://github.com/example/repo:abc123def456abc123def456abc123def456abc123' | sha1sum
      expect(base).toBe('cec5af9136e19ddbd5c9f71717f1905c0e301800');
      // printf '%s' '/:https://github.com/example/repo:abc123def456abc123def456abc123def456abc123:my-sub' | sha1sum
      expect(named).toBe('c6987bf2f7416e2e3124df611089af1604ded4c6');
      expect(namedSame).toBe(named);
    });

    it('image: a subscription name gives a distinct name', () => {
      const image = {
        repoURL: 'example.com/myimage',
        tag: 'v1.2.3',
        digest: 'sha256:deadbeef',
      };
      // printf '%s' '/:example.com/myimage:v1.2.3@sha256:deadbeef' | sha1sum
      expect(computeFreightName({ origin: noOrigin, images: [image] })).toBe(
        'd9bedaec1a51d3202e2e53b06e87f1a65e882a2e',
      );
      // printf '%s' '/:example.com/myimage:v1.2.3@sha256:deadbeef:img-sub' | sha1sum
      expect(
        computeFreightName({
          origin: noOrigin,
          images: [{ ...image, subscriptionName: 'img-sub' }],
        }),
      ).toBe('cc37a6e5ce4b56e5232aaccdc6f946e30f3f5f10');
    });

    it('chart: a subscription name gives a distinct name', () => {
      const chart = {
        repoURL: 'https://charts.example.com',
        name: 'mychart',
        version: '1.0.0',
      };
      // Go's path.Join cleans "https://charts.example.com/mychart" to "https:/charts.example.com/mychart".
      expect(
        canonicalArtifactStrings({ origin: noOrigin, charts: [chart] }),
      ).toEqual(['https:/charts.example.com/mychart:1.0.0']);
      // printf '%s' '/:https:/charts.example.com/mychart:1.0.0' | sha1sum
      expect(computeFreightName({ origin: noOrigin, charts: [chart] })).toBe(
        'ab9075822c9fcf0645639bf6d0f9248feb7f4209',
      );
      // printf '%s' '/:https:/charts.example.com/mychart:1.0.0:chart-sub' | sha1sum
      expect(
        computeFreightName({
          origin: noOrigin,
          charts: [{ ...chart, subscriptionName: 'chart-sub' }],
        }),
      ).toBe('2d1886ad002183cc621aa5133bb35a20f3469cc3');
    });
  });

  describe('a realistic Warehouse freight', () => {
    const freight: FreightContent = {
      origin: { kind: 'Warehouse', name: 'my-warehouse' },
      commits: [
        {
          repoURL: 'https://github.com/Example/Repo.git',
          id: '1234567890abcdef1234567890abcdef12345678',
          tag: 'v1.0.0',
          branch: 'main',
          message: 'Release 1.0.0',
          author: 'Jane <jane@example.com>',
          committer: 'Jane <jane@example.com>',
        },
        {
          repoURL: 'git@github.com:example/config.git',
          id: 'fedcba0987654321fedcba0987654321fedcba09',
          subscriptionName: 'config',
        },
      ],
      images: [
        {
          repoURL: 'ghcr.io/example/app',
          tag: '1.2.3',
          digest: `sha256:${'0123456789abcdef'.repeat(4)}`,
          annotations: { 'org.opencontainers.image.source': 'x' },
        },
      ],
      charts: [
        { repoURL: 'oci://ghcr.io/example/charts/app', version: '0.4.2' },
        {
          repoURL: 'https://charts.example.com/',
          name: 'backend',
          version: '2.0.0',
        },
      ],
      artifacts: [
        {
          artifactType: 'application/vnd.example.bundle',
          subscriptionName: 'bundle',
          version: '7',
          metadata: { size: 1 },
        },
      ],
    };
    const expectedName = '2d7a739ce54cbbeb888d74a9f41994ebd2e9a3f1';

    it('uses every artifact kind in its canonical form', () => {
      expect(canonicalArtifactStrings(freight)).toEqual([
        'application/vnd.example.bundle:bundle:7',
        `ghcr.io/example/app:1.2.3@sha256:${'0123456789abcdef'.repeat(4)}`,
        'ghcr.io/example/charts/app:0.4.2',
        'https://github.com/example/repo:v1.0.0:1234567890abcdef1234567890abcdef12345678',
        'https:/charts.example.com/backend:2.0.0',
        'ssh://git@github.com/example/config:fedcba0987654321fedcba0987654321fedcba09:config',
      ]);
      // printf '%s' 'Warehouse/my-warehouse:<the six strings above joined by "|">' | sha1sum
      expect(computeFreightName(freight)).toBe(expectedName);
    });

    it('does not depend on the order of artifacts', () => {
      const reordered: FreightContent = {
        origin: freight.origin,
        artifacts: freight.artifacts,
        charts: [...freight.charts!].reverse(),
        images: freight.images,
        commits: [...freight.commits!].reverse(),
      };
      expect(computeFreightName(reordered)).toBe(expectedName);
    });

    it('ignores fields Kargo leaves out of the name (branch, message, annotations, metadata)', () => {
      const stripped: FreightContent = {
        ...freight,
        commits: freight.commits!.map(
          ({ repoURL, id, tag, subscriptionName }) => ({
            repoURL,
            id,
            tag,
            subscriptionName,
          }),
        ),
        images: freight.images!.map(({ annotations: _a, ...rest }) => rest),
        artifacts: freight.artifacts!.map(({ metadata: _m, ...rest }) => rest),
      };
      expect(computeFreightName(stripped)).toBe(expectedName);
    });

    it('normalises Git and chart repository URLs but not image ones', () => {
      const respelled: FreightContent = {
        ...freight,
        commits: [
          {
            ...freight.commits![0],
            repoURL: 'https://user:pw@github.com/example/repo/',
          },
          {
            ...freight.commits![1],
            repoURL: 'ssh://git@github.com/example/config',
          },
        ],
        charts: [
          {
            ...freight.charts![0],
            repoURL: 'OCI://GHCR.io/example/charts/app',
          },
          freight.charts![1],
        ],
      };
      expect(computeFreightName(respelled)).toBe(expectedName);
      const imageRespelled: FreightContent = {
        ...freight,
        images: [{ ...freight.images![0], repoURL: 'GHCR.io/example/app' }],
      };
      expect(computeFreightName(imageRespelled)).not.toBe(expectedName);
    });

    it('changes with the origin, a subscription name, or a tag', () => {
      expect(
        computeFreightName({
          ...freight,
          origin: { kind: 'Warehouse', name: 'other' },
        }),
      ).not.toBe(expectedName);
      expect(
        computeFreightName({
          ...freight,
          images: [{ ...freight.images![0], subscriptionName: 'app' }],
        }),
      ).not.toBe(expectedName);
      expect(
        computeFreightName({
          ...freight,
          commits: [
            { ...freight.commits![0], tag: 'v1.0.0-rc.1' },
            freight.commits![1],
          ],
        }),
      ).not.toBe(expectedName);
    });
  });

  it('sorts by UTF-8 bytes, as Go does, not by UTF-16 code units', () => {
    const freight: FreightContent = {
      origin: { kind: 'Warehouse', name: 'w' },
      artifacts: [
        { artifactType: '\u{1F600}', subscriptionName: 's', version: '1' },
        { artifactType: '\uFFFD', subscriptionName: 's', version: '1' },
      ],
    };
    // U+FFFD is EF BF BD in UTF-8 and sorts before U+1F600 (F0 9F 98 80),
    // although its UTF-16 code unit sorts after U+1F600's high surrogate.
    expect(canonicalArtifactStrings(freight)).toEqual([
      '\uFFFD:s:1',
      '\u{1F600}:s:1',
    ]);
    // printf '%s' "Warehouse/w:$(printf '\xef\xbf\xbd'):s:1|$(printf '\xf0\x9f\x98\x80'):s:1" | sha1sum
    expect(computeFreightName(freight)).toBe(
      'c5bf28c6cafdb3db7373513c849c33c7efe72e5f',
    );
  });

  it('hashes "<origin>:" alone when there are no artifacts', () => {
    // printf '%s' 'Warehouse/empty:' | sha1sum
    expect(
      computeFreightName({ origin: { kind: 'Warehouse', name: 'empty' } }),
    ).toBe('0300296afd6263c0873851912f31edd0726cccba');
  });

  it('is always 40 lower-case hex characters', () => {
    expect(computeFreightName(kargoTestFreight)).toMatch(/^[0-9a-f]{40}$/);
  });
});
