import { formatIssues } from './issues';
import { validateManifest } from './validateManifest';

const API = 'kargo.akuity.io/v1alpha1';

const warehouse = (extra: Record<string, unknown> = {}) => ({
  apiVersion: API,
  kind: 'Warehouse',
  metadata: { name: 'w', namespace: 'demo' },
  spec: { subscriptions: [{ image: { repoURL: 'ghcr.io/example/app' } }] },
  ...extra,
});

const issuesOf = (doc: unknown) => {
  const result = validateManifest(doc);
  if (result.ok) throw new Error('expected the manifest to be rejected');
  return result.issues;
};

describe('validateManifest', () => {
  it('requires an object', () => {
    expect(issuesOf('kind: Stage')).toEqual([
      { path: '(root)', message: 'must be an object' },
    ]);
    expect(issuesOf([warehouse()])).toEqual([
      { path: '(root)', message: 'must be an object' },
    ]);
  });

  it('checks apiVersion first', () => {
    expect(
      issuesOf({ ...warehouse(), apiVersion: 'kargo.akuity.io/v1beta1' }),
    ).toEqual([
      { path: 'apiVersion', message: 'must be kargo.akuity.io/v1alpha1' },
    ]);
    expect(issuesOf({ kind: 'Stage' })).toEqual([
      { path: 'apiVersion', message: 'must be kargo.akuity.io/v1alpha1' },
    ]);
  });

  it('rejects unknown kinds', () => {
    expect(issuesOf({ apiVersion: API, kind: 'Foo' })).toEqual([
      {
        path: 'kind',
        message:
          'unknown kind "Foo"; expected one of Project, ProjectConfig, ClusterConfig, Warehouse, Stage, Freight, Promotion, PromotionTask, ClusterPromotionTask',
      },
    ]);
    expect(issuesOf({ apiVersion: API })).toEqual([
      { path: 'kind', message: 'required' },
    ]);
  });

  it('reports unknown fields at their path', () => {
    const doc = warehouse({ extra: true });
    (doc.spec as any).intervall = '1m';
    (doc.spec as any).subscriptions[0].image.tag = 'latest';
    (doc.metadata as any).labelz = {};
    expect(issuesOf(doc)).toEqual([
      { path: 'metadata.labelz', message: 'unknown field' },
      { path: 'spec.subscriptions[0].image.tag', message: 'unknown field' },
      { path: 'spec.intervall', message: 'unknown field' },
      { path: 'extra', message: 'unknown field' },
    ]);
  });

  it('words type, enum and range problems briefly', () => {
    const doc = warehouse();
    doc.spec = {
      interval: 5,
      freightCreationPolicy: 'Sometimes',
      subscriptions: [
        {
          image: {
            repoURL: 'ghcr.io/example/app',
            imageSelectionStrategy: 'Newest',
            discoveryLimit: 101,
            strictSemvers: 'yes',
          },
        },
      ],
    } as any;
    expect(issuesOf(doc)).toEqual([
      { path: 'spec.interval', message: 'must be a string' },
      {
        path: 'spec.freightCreationPolicy',
        message: 'must be one of Automatic, Manual',
      },
      {
        path: 'spec.subscriptions[0].image.imageSelectionStrategy',
        message: 'must be one of SemVer, Lexical, NewestBuild, Digest',
      },
      {
        path: 'spec.subscriptions[0].image.strictSemvers',
        message: 'must be a boolean',
      },
      {
        path: 'spec.subscriptions[0].image.discoveryLimit',
        message: 'must be at most 100',
      },
    ]);
  });

  it('reports missing fields as required', () => {
    expect(
      issuesOf({ apiVersion: API, kind: 'Stage', metadata: { name: 's' } }),
    ).toEqual([{ path: 'spec', message: 'required' }]);
    expect(
      issuesOf({
        apiVersion: API,
        kind: 'Stage',
        spec: { requestedFreight: [] },
      }),
    ).toEqual([
      { path: 'metadata', message: 'required' },
      { path: 'spec.requestedFreight', message: 'must have at least 1 item' },
    ]);
  });

  it('accepts and strips status; treats nulls as absent', () => {
    const result = validateManifest(
      warehouse({
        status: { lastFreightID: 'abc', conditions: [] },
        metadata: { name: 'w', namespace: 'demo', creationTimestamp: null },
      }),
    );
    expect(result).toEqual({
      ok: true,
      resource: {
        apiVersion: API,
        kind: 'Warehouse',
        metadata: { name: 'w', namespace: 'demo' },
        spec: {
          interval: '5m0s',
          freightCreationPolicy: 'Automatic',
          subscriptions: [
            {
              image: {
                repoURL: 'ghcr.io/example/app',
                imageSelectionStrategy: 'SemVer',
                strictSemvers: true,
                discoveryLimit: 20,
              },
            },
          ],
        },
      },
    });
    expect(issuesOf(warehouse({ status: 'Ready' }))).toEqual([
      { path: 'status', message: 'must be an object' },
    ]);
  });

  it('formats issues as path: message pairs', () => {
    expect(
      formatIssues([
        { path: 'spec.interval', message: 'required' },
        { path: 'metadata.name', message: 'must be a string' },
      ]),
    ).toBe('spec.interval: required; metadata.name: must be a string');
    expect(formatIssues([])).toBe('');
  });
});

describe('metadata', () => {
  const withMeta = (metadata: Record<string, unknown>) =>
    warehouse({ metadata });

  it('accepts every ObjectMeta field', () => {
    const metadata = {
      name: 'w',
      namespace: 'demo',
      generateName: 'w-',
      uid: '0b5c8c1e-1111-2222-3333-444455556666',
      resourceVersion: '42',
      generation: 3,
      selfLink: '/apis/kargo.akuity.io/v1alpha1/namespaces/demo/warehouses/w',
      creationTimestamp: '2024-07-15T22:13:25Z',
      deletionTimestamp: '2024-07-16T00:00:00.123+02:00',
      deletionGracePeriodSeconds: 0,
      labels: { 'app.kubernetes.io/name': 'guestbook', tier: '' },
      annotations: { 'kargo.akuity.io/description': 'Any text: even spaces!' },
      finalizers: ['kargo.akuity.io/finalizer'],
      ownerReferences: [
        {
          apiVersion: API,
          kind: 'Project',
          name: 'demo',
          uid: 'abc',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      managedFields: [
        {
          manager: 'kubectl',
          operation: 'Apply',
          apiVersion: API,
          time: '2024-07-15T22:13:25Z',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:spec': {} },
        },
      ],
    };
    const result = validateManifest(withMeta(metadata));
    expect(result.ok && result.resource.metadata).toEqual(metadata);
  });

  it('validates names, namespaces, labels and annotations', () => {
    expect(
      issuesOf(
        withMeta({
          name: 'My_Warehouse',
          namespace: 'a.b',
          labels: { 'bad key!': 'v', ok: 'bad value!', 'x/': 'v' },
          annotations: { '/x': 'v' },
          creationTimestamp: 'yesterday',
        }),
      ),
    ).toEqual([
      {
        path: 'metadata.name',
        message:
          'must be an RFC 1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit',
      },
      {
        path: 'metadata.namespace',
        message:
          'must be an RFC 1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit',
      },
      {
        path: 'metadata.creationTimestamp',
        message: 'must be an RFC 3339 timestamp such as 2024-01-02T15:04:05Z',
      },
      {
        path: 'metadata.labels[bad key!]',
        message:
          'invalid key: name part must consist of letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
      },
      {
        path: 'metadata.labels.ok',
        message:
          'invalid value: must consist of letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
      },
      {
        path: 'metadata.labels[x/]',
        message: 'invalid key: name part must not be empty',
      },
      {
        path: 'metadata.annotations[/x]',
        message: 'invalid key: prefix must not be empty',
      },
    ]);
  });

  it('requires a name (or generateName)', () => {
    expect(issuesOf(withMeta({ namespace: 'demo' }))).toEqual([
      { path: 'metadata.name', message: 'required' },
    ]);
    expect(validateManifest(withMeta({ generateName: 'w-' })).ok).toBe(true);
  });

  it('limits names to 253 characters', () => {
    expect(issuesOf(withMeta({ name: 'a'.repeat(254) }))).toEqual([
      {
        path: 'metadata.name',
        message: 'must be at most 253 characters (RFC 1123 subdomain)',
      },
    ]);
  });

  it('caps annotations at 256 KiB in total', () => {
    expect(
      issuesOf(
        withMeta({ name: 'w', annotations: { big: 'x'.repeat(262142) } }),
      ),
    ).toEqual([
      {
        path: 'metadata.annotations',
        message: 'must be at most 262144 bytes in total',
      },
    ]);
  });
});
