import { validateManifest } from '../validateManifest';

const warehouse = (
  subscriptions: unknown[],
  spec: Record<string, unknown> = {},
) => ({
  apiVersion: 'kargo.akuity.io/v1alpha1',
  kind: 'Warehouse',
  metadata: { name: 'w', namespace: 'demo' },
  spec: { subscriptions, ...spec },
});

const issuesOf = (doc: unknown) => {
  const result = validateManifest(doc);
  if (result.ok) throw new Error('expected the manifest to be rejected');
  return result.issues;
};

const specOf = (doc: unknown) => {
  const result = validateManifest(doc);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return (result.resource as any).spec;
};

const image = { image: { repoURL: 'ghcr.io/example/app' } };

describe('Warehouse', () => {
  it('applies the CRD and subscriber defaults, including for Go zero values', () => {
    const spec = specOf(
      warehouse(
        [
          {
            image: {
              repoURL: 'ghcr.io/example/app',
              imageSelectionStrategy: '',
              discoveryLimit: 0,
            },
          },
          {
            git: {
              repoURL: 'https://github.com/example/repo.git',
              strictSemvers: false,
            },
          },
          { chart: { repoURL: 'oci://ghcr.io/example/charts/app' } },
        ],
        { freightCreationPolicy: 'Manual', interval: '1h30m' },
      ),
    );
    expect(spec).toEqual({
      interval: '1h30m',
      freightCreationPolicy: 'Manual',
      subscriptions: [
        {
          image: {
            repoURL: 'ghcr.io/example/app',
            imageSelectionStrategy: 'SemVer',
            strictSemvers: true,
            discoveryLimit: 20,
          },
        },
        {
          git: {
            repoURL: 'https://github.com/example/repo.git',
            commitSelectionStrategy: 'NewestFromBranch',
            strictSemvers: false,
            discoveryLimit: 20,
          },
        },
        {
          chart: {
            repoURL: 'oci://ghcr.io/example/charts/app',
            discoveryLimit: 20,
          },
        },
      ],
    });
  });

  it('checks interval against the CRD pattern', () => {
    expect(issuesOf(warehouse([image], { interval: '500ms' }))).toEqual([
      {
        path: 'spec.interval',
        message: 'must be a duration such as 5m0s (units h, m, s)',
      },
    ]);
    expect(specOf(warehouse([image], { interval: '1.5h' })).interval).toBe(
      '1.5h',
    );
  });

  it('requires at least one subscription', () => {
    expect(issuesOf(warehouse([]))).toEqual([
      { path: 'spec.subscriptions', message: 'must have at least 1 item' },
    ]);
  });

  it('requires exactly one subscription type', () => {
    expect(
      issuesOf(
        warehouse([
          {
            image: image.image,
            git: { repoURL: 'https://github.com/example/repo.git' },
          },
          { name: 'lonely' },
        ]),
      ),
    ).toEqual([
      {
        path: 'spec.subscriptions[0]',
        message:
          'must have exactly one of image, git, chart (or a generic subscription type), found image, git',
      },
      {
        path: 'spec.subscriptions[1]',
        message:
          'must have exactly one of image, git, chart (or a generic subscription type)',
      },
    ]);
  });

  it('accepts generic subscriptions, which need a name', () => {
    const spec = specOf(
      warehouse([
        { name: 'my-artifacts', s3: { config: { bucket: 'b', prefix: 'p/' } } },
      ]),
    );
    expect(spec.subscriptions).toEqual([
      {
        name: 'my-artifacts',
        s3: { config: { bucket: 'b', prefix: 'p/' }, discoveryLimit: 20 },
      },
    ]);
    expect(
      issuesOf(warehouse([{ name: 's3', s3: { config: {}, limit: 1 } }])),
    ).toEqual([
      { path: 'spec.subscriptions[0].s3.limit', message: 'unknown field' },
    ]);
    expect(issuesOf(warehouse([{ s3: { config: 'bucket' } }]))).toEqual([
      { path: 'spec.subscriptions[0].s3.config', message: 'must be an object' },
    ]);
    expect(issuesOf(warehouse([{ s3: {} }]))).toEqual([
      {
        path: 'spec.subscriptions[0].name',
        message: 'required for subscriptions of this type',
      },
    ]);
  });

  it('checks subscription names: RFC 1123 labels, unique', () => {
    expect(
      issuesOf(
        warehouse([
          { name: 'Front_End', ...image },
          { name: 'x'.repeat(64), image: { repoURL: 'ghcr.io/example/b' } },
          { name: 'api', image: { repoURL: 'ghcr.io/example/c' } },
          { name: 'api', image: { repoURL: 'ghcr.io/example/d' } },
        ]),
      ),
    ).toEqual([
      {
        path: 'spec.subscriptions[0].name',
        message:
          'must be an RFC 1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit',
      },
      {
        path: 'spec.subscriptions[1].name',
        message: 'must be at most 63 characters (RFC 1123 label)',
      },
      {
        path: 'spec.subscriptions[3].name',
        message:
          'subscription name "api" is already used by spec.subscriptions[2]',
      },
    ]);
  });

  it('refuses two subscriptions to the same repository', () => {
    expect(
      issuesOf(
        warehouse([
          { image: { repoURL: 'nginx' } },
          { image: { repoURL: 'docker.io/library/nginx' } },
          { git: { repoURL: 'https://github.com/example/repo.git' } },
          { git: { repoURL: 'https://GitHub.com/example/repo/' } },
          { chart: { repoURL: 'https://charts.example.com', name: 'a' } },
          { chart: { repoURL: 'https://charts.example.com', name: 'b' } },
          { chart: { repoURL: 'oci://ghcr.io/example/chart' } },
          { chart: { repoURL: 'oci://GHCR.io/example/chart' } },
        ]),
      ),
    ).toEqual([
      {
        path: 'spec.subscriptions[1].image.repoURL',
        message:
          'a subscription for this image repository already exists at spec.subscriptions[0]',
      },
      {
        path: 'spec.subscriptions[3].git.repoURL',
        message:
          'a subscription for this Git repository already exists at spec.subscriptions[2]',
      },
      {
        path: 'spec.subscriptions[7].chart.repoURL',
        message:
          'a subscription for this chart already exists at spec.subscriptions[6]',
      },
    ]);
  });

  describe('image subscriptions', () => {
    it('checks the repository URL and platform', () => {
      expect(
        issuesOf(
          warehouse([
            {
              image: { repoURL: 'ghcr.io/example/app:1.0', platform: 'linux' },
            },
          ]),
        ),
      ).toEqual([
        {
          path: 'spec.subscriptions[0].image.repoURL',
          message:
            'must be an image repository such as ghcr.io/example/app (no tag)',
        },
        {
          path: 'spec.subscriptions[0].image.platform',
          message: 'must be <os>/<arch> or <os>/<arch>/<variant>',
        },
      ]);
    });

    it('requires a constraint for the Digest strategy', () => {
      expect(
        issuesOf(
          warehouse([
            { image: { ...image.image, imageSelectionStrategy: 'Digest' } },
          ]),
        ),
      ).toEqual([
        {
          path: 'spec.subscriptions[0].image.constraint',
          message: 'required when imageSelectionStrategy is Digest',
        },
      ]);
    });

    it('checks the constraint as semver only for the SemVer strategy', () => {
      expect(
        issuesOf(
          warehouse([{ image: { ...image.image, constraint: 'latest' } }]),
        ),
      ).toEqual([
        {
          path: 'spec.subscriptions[0].image.constraint',
          message:
            'must be a valid semver constraint: improper constraint "latest"',
        },
      ]);
      expect(
        specOf(
          warehouse([
            {
              image: {
                ...image.image,
                imageSelectionStrategy: 'Lexical',
                constraint: 'latest',
              },
            },
          ]),
        ).subscriptions[0].image.constraint,
      ).toBe('latest');
    });

    it('checks tag regexes against RE2', () => {
      expect(
        issuesOf(
          warehouse([
            {
              image: {
                ...image.image,
                allowTagsRegexes: ['^v\\d+$', '^(?!dev)'],
                ignoreTagsRegexes: ['(a)\\1'],
                allowTags: '[',
              },
            },
          ]),
        ),
      ).toEqual([
        {
          path: 'spec.subscriptions[0].image.allowTags',
          message:
            'must be a valid regular expression: Unterminated character class',
        },
        {
          path: 'spec.subscriptions[0].image.allowTagsRegexes[1]',
          message:
            "must be a valid regular expression: lookahead is not supported by Kargo's Go RE2 regex engine",
        },
        {
          path: 'spec.subscriptions[0].image.ignoreTagsRegexes[0]',
          message:
            "must be a valid regular expression: backreferences are not supported by Kargo's Go RE2 regex engine",
        },
      ]);
    });

    it('bounds discoveryLimit', () => {
      expect(
        issuesOf(
          warehouse([{ image: { ...image.image, discoveryLimit: -1 } }]),
        ),
      ).toEqual([
        {
          path: 'spec.subscriptions[0].image.discoveryLimit',
          message: 'must be at least 1',
        },
      ]);
      expect(
        issuesOf(
          warehouse([{ image: { ...image.image, discoveryLimit: 2.5 } }]),
        ),
      ).toEqual([
        {
          path: 'spec.subscriptions[0].image.discoveryLimit',
          message: 'must be an integer',
        },
      ]);
    });
  });

  describe('git subscriptions', () => {
    const git = (fields: Record<string, unknown>) =>
      warehouse([
        { git: { repoURL: 'https://github.com/example/repo.git', ...fields } },
      ]);

    it('checks URL, branch, strategy, constraint and since', () => {
      expect(
        issuesOf(
          warehouse([
            {
              git: {
                repoURL: 'github.com/example/repo',
                branch: '-main',
                commitSelectionStrategy: 'Newest',
                semverConstraint: '>= 1.0 <',
                since: '2024-13-01T00:00:00Z',
              },
            },
          ]),
        ),
      ).toEqual([
        {
          path: 'spec.subscriptions[0].git.repoURL',
          message:
            'must be a Git repository URL such as https://github.com/example/repo.git',
        },
        {
          path: 'spec.subscriptions[0].git.commitSelectionStrategy',
          message:
            'must be one of NewestFromBranch, SemVer, Lexical, NewestTag',
        },
        {
          path: 'spec.subscriptions[0].git.branch',
          message: 'must be a valid branch name',
        },
        {
          path: 'spec.subscriptions[0].git.semverConstraint',
          message:
            'must be a valid semver constraint: improper constraint ">= 1.0 <"',
        },
        {
          path: 'spec.subscriptions[0].git.since',
          message: 'must be an RFC 3339 timestamp such as 2024-01-02T15:04:05Z',
        },
      ]);
    });

    it('accepts deprecated SSH URLs and fields Kargo still carries', () => {
      expect(
        specOf(
          warehouse([
            {
              git: {
                repoURL: 'git@github.com:example/repo.git',
                allowTags: '^v',
                ignoreTags: ['v1.0.0'],
                blobless: true,
                since: '2024-01-02T15:04:05.5+01:00',
              },
            },
          ]),
        ).subscriptions[0].git.allowTags,
      ).toBe('^v');
    });

    it('checks regex and glob path selectors', () => {
      expect(
        issuesOf(
          git({
            includePaths: [
              'apps',
              'glob:apps/**/*.yaml',
              'regexp:^apps/(?<=x)',
            ],
            excludePaths: ['glob:{a,b', 'regex:(['],
          }),
        ),
      ).toEqual([
        {
          path: 'spec.subscriptions[0].git.includePaths[2]',
          message:
            "invalid regexp pattern: lookbehind is not supported by Kargo's Go RE2 regex engine",
        },
        {
          path: 'spec.subscriptions[0].git.excludePaths[0]',
          message: 'invalid glob pattern: glob has an unclosed "{"',
        },
        {
          path: 'spec.subscriptions[0].git.excludePaths[1]',
          message: 'invalid regex pattern: Unterminated character class',
        },
      ]);
    });
  });

  describe('chart subscriptions', () => {
    it('requires a name for HTTP repositories and forbids it for OCI ones', () => {
      expect(
        issuesOf(
          warehouse([
            { chart: { repoURL: 'https://charts.example.com' } },
            {
              chart: { repoURL: 'oci://ghcr.io/example/chart', name: 'chart' },
            },
            { chart: { repoURL: 'ftp://charts.example.com', name: 'x' } },
          ]),
        ),
      ).toEqual([
        {
          path: 'spec.subscriptions[0].chart.name',
          message: 'required when repoURL starts with http:// or https://',
        },
        {
          path: 'spec.subscriptions[1].chart.name',
          message: 'must not be set when repoURL starts with oci://',
        },
        {
          path: 'spec.subscriptions[2].chart.repoURL',
          message:
            'must be a Helm repository URL starting with https://, http:// or oci://',
        },
      ]);
    });
  });
});
