import { validateManifest } from '../validateManifest';

/* Project, Freight, Promotion, PromotionTask and ClusterPromotionTask. */

const API = 'kargo.akuity.io/v1alpha1';

const issuesOf = (doc: unknown) => {
  const result = validateManifest(doc);
  if (result.ok) throw new Error('expected the manifest to be rejected');
  return result.issues;
};

const resourceOf = (doc: unknown) => {
  const result = validateManifest(doc);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.resource as any;
};

describe('Project', () => {
  const project = (extra: Record<string, unknown> = {}) => ({
    apiVersion: API,
    kind: 'Project',
    metadata: { name: 'kargo-demo' },
    ...extra,
  });

  it('accepts an absent, null or empty spec and drops it', () => {
    for (const extra of [{}, { spec: null }, { spec: {} }]) {
      expect(resourceOf(project(extra))).toEqual({
        apiVersion: API,
        kind: 'Project',
        metadata: { name: 'kargo-demo' },
      });
    }
  });

  it('rejects spec fields (promotion policies live in ProjectConfig)', () => {
    expect(issuesOf(project({ spec: { promotionPolicies: [] } }))).toEqual([
      { path: 'spec.promotionPolicies', message: 'unknown field' },
    ]);
  });

  it('needs a DNS label name, since it becomes a namespace', () => {
    expect(issuesOf(project({ metadata: { name: 'kargo.demo' } }))).toEqual([
      {
        path: 'metadata.name',
        message:
          'must be an RFC 1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit',
      },
    ]);
    expect(issuesOf(project({ metadata: { name: 'p'.repeat(64) } }))).toEqual([
      {
        path: 'metadata.name',
        message: 'must be at most 63 characters (RFC 1123 label)',
      },
    ]);
  });
});

describe('Freight', () => {
  const freight = (extra: Record<string, unknown>) => ({
    apiVersion: API,
    kind: 'Freight',
    metadata: { namespace: 'demo' },
    origin: { kind: 'Warehouse', name: 'w' },
    ...extra,
  });

  it('keeps its content at the top level and may omit its name', () => {
    const content = {
      alias: 'fluffy-lion',
      discoveredAt: '2024-07-15T22:13:25Z',
      commits: [
        {
          repoURL: 'https://github.com/example/repo.git',
          id: 'abc',
          message: 'feat: x',
        },
      ],
      images: [
        {
          repoURL: 'public.ecr.aws/nginx/nginx',
          tag: '1.27.0',
          digest: 'sha256:b2487a28',
          annotations: { 'org.opencontainers.image.created': '2024-07-01' },
        },
      ],
      charts: [{ repoURL: 'oci://ghcr.io/example/chart', version: '1.0.0' }],
      artifacts: [
        {
          artifactType: 's3',
          subscriptionName: 'bucket',
          version: 'v1',
          metadata: { k: 1 },
        },
      ],
    };
    expect(
      resourceOf(freight({ ...content, status: { verifiedIn: {} } })),
    ).toEqual({
      apiVersion: API,
      kind: 'Freight',
      metadata: { namespace: 'demo' },
      origin: { kind: 'Warehouse', name: 'w' },
      ...content,
    });
  });

  it('needs an origin and at least one artifact', () => {
    expect(
      issuesOf(freight({ origin: undefined, images: [{ repoURL: 'x' }] })),
    ).toEqual([{ path: 'origin', message: 'required' }]);
    expect(issuesOf(freight({ commits: [] }))).toEqual([
      {
        path: '(root)',
        message: 'must contain at least one commit, image, chart or artifact',
      },
    ]);
  });

  it('checks fields strictly', () => {
    expect(
      issuesOf(
        freight({
          spec: {},
          discoveredAt: 'now',
          commits: [{ id: 'abc', healthCheckCommit: 'abc' }],
          artifacts: [{ subscriptionName: '', version: 'v1' }],
        }),
      ),
    ).toEqual([
      { path: 'commits[0].healthCheckCommit', message: 'unknown field' },
      { path: 'artifacts[0].subscriptionName', message: 'must not be empty' },
      {
        path: 'discoveredAt',
        message: 'must be an RFC 3339 timestamp such as 2024-01-02T15:04:05Z',
      },
      { path: 'spec', message: 'unknown field' },
    ]);
  });
});

describe('Promotion', () => {
  const promotion = (
    spec: Record<string, unknown>,
    metadata: Record<string, unknown> = { namespace: 'demo' },
  ) => ({
    apiVersion: API,
    kind: 'Promotion',
    metadata,
    spec,
  });

  it('needs only stage and freight (Kargo inflates the steps)', () => {
    expect(
      resourceOf(promotion({ stage: 'test', freight: 'f0a1' })).spec,
    ).toEqual({
      stage: 'test',
      freight: 'f0a1',
    });
  });

  it('needs exactly one of freight or origin', () => {
    expect(issuesOf(promotion({ stage: 'test' }))).toEqual([
      { path: 'spec', message: 'exactly one of freight or origin is required' },
    ]);
    expect(
      issuesOf(
        promotion({
          stage: 'test',
          freight: 'f',
          origin: { kind: 'Warehouse', name: 'w' },
        }),
      ),
    ).toEqual([
      { path: 'spec', message: 'exactly one of freight or origin is required' },
    ]);
    expect(
      resourceOf(
        promotion({ stage: 'test', origin: { kind: 'Warehouse', name: 'w' } }),
      ).spec.origin,
    ).toEqual({
      kind: 'Warehouse',
      name: 'w',
    });
  });

  it('allows only uses steps', () => {
    expect(
      issuesOf(
        promotion({
          stage: 'test',
          freight: 'f',
          steps: [{ task: { name: 't' } }],
        }),
      ),
    ).toEqual([
      {
        path: 'spec.steps[0].task',
        message: 'a Promotion step cannot reference a task',
      },
      { path: 'spec.steps[0].uses', message: 'required' },
    ]);
  });

  it('names a target only when created by a PromotionRequest', () => {
    expect(
      issuesOf(promotion({ stage: 'test', freight: 'f', target: 'eu-1' })),
    ).toEqual([
      {
        path: 'spec.target',
        message: 'may only be set on Promotions created by a PromotionRequest',
      },
    ]);
    const child = promotion(
      { stage: 'test', freight: 'f', target: 'eu-1' },
      {
        namespace: 'demo',
        ownerReferences: [
          {
            apiVersion: API,
            kind: 'PromotionRequest',
            name: 'r',
            uid: 'u',
            controller: true,
          },
        ],
      },
    );
    expect(resourceOf(child).spec.target).toBe('eu-1');
  });

  it('checks stage and freight names', () => {
    expect(issuesOf(promotion({ stage: '', freight: 'F' }))).toEqual([
      {
        path: 'spec.stage',
        message:
          'must be an RFC 1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit',
      },
      {
        path: 'spec.freight',
        message:
          'must be an RFC 1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit',
      },
    ]);
  });
});

describe('PromotionTask and ClusterPromotionTask', () => {
  const task = (kind: string, spec: Record<string, unknown>) => ({
    apiVersion: API,
    kind,
    metadata: { name: 't', namespace: 'demo' },
    spec,
  });

  it('need at least one step', () => {
    expect(issuesOf(task('PromotionTask', { vars: [{ name: 'x' }] }))).toEqual([
      { path: 'spec.steps', message: 'required' },
    ]);
    expect(issuesOf(task('PromotionTask', { steps: [] }))).toEqual([
      { path: 'spec.steps', message: 'must have at least 1 item' },
    ]);
  });

  it('do not nest tasks and need unique aliases', () => {
    expect(
      issuesOf(
        task('ClusterPromotionTask', {
          steps: [
            { task: { name: 'other' } },
            { uses: 'git-clone', as: 'clone' },
            { uses: 'git-clone', as: 'clone' },
            { uses: 'http', as: 'step-3' },
          ],
        }),
      ),
    ).toEqual([
      {
        path: 'spec.steps[0].task',
        message: 'a PromotionTask step cannot reference another task',
      },
      { path: 'spec.steps[0].uses', message: 'required' },
      {
        path: 'spec.steps[2].as',
        message: 'alias "clone" is already used by spec.steps[1]',
      },
      {
        path: 'spec.steps[3].as',
        message:
          'alias "step-3" is reserved (Kargo names unnamed steps step-<n> and task-<n>)',
      },
    ]);
  });

  it('ClusterPromotionTask drops a namespace', () => {
    const result = resourceOf(
      task('ClusterPromotionTask', { steps: [{ uses: 'fail' }] }),
    );
    expect(result.metadata).toEqual({ name: 't' });
  });
});
