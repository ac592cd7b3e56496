import type { PromotionFreightReference } from '@kargo-backstage/plugin-kargo-node';
import { evaluateExpression } from '../evaluateExpression';
import { goJSON } from '../goFormat';
import { freightCollectionFunctions } from './freight';

const collection: PromotionFreightReference[] = [
  {
    name: 'frontend-freight',
    origin: { kind: 'Warehouse', name: 'frontend' },
    images: [
      {
        repoURL: 'ghcr.io/example/shared',
        tag: 'v1.0.0',
        annotations: { team: 'web' },
      },
    ],
    commits: [
      { repoURL: 'https://github.com/example/app.git', id: 'aaa', tag: 'v1' },
    ],
    charts: [
      { repoURL: 'https://charts.example.com', name: 'app', version: '1.0.0' },
    ],
  },
  {
    name: 'backend-freight',
    origin: { kind: 'Warehouse', name: 'backend' },
    images: [
      { repoURL: 'ghcr.io/example/shared', tag: 'v2.0.0' },
      { repoURL: 'ghcr.io/example/api', tag: 'v3.1.0', digest: 'sha256:abc' },
    ],
    artifacts: [
      { artifactType: 'model', subscriptionName: 'weights', version: '7' },
    ],
  },
];
const run = (source: string) =>
  evaluateExpression(source, {
    functions: freightCollectionFunctions(collection),
  });

describe('freight collection functions', () => {
  it('find an artifact only one origin provides without an origin', () => {
    expect(run('imageFrom("ghcr.io/example/api").Tag')).toBe('v3.1.0');
    expect(run('imageFrom("ghcr.io/example/api").Digest')).toBe('sha256:abc');
    expect(run('artifactFrom("weights").Version')).toBe('7');
    expect(run('chartFrom("https://charts.example.com", "app").Version')).toBe(
      '1.0.0',
    );
  });

  it('match git URLs as Kargo normalizes them', () => {
    expect(run('commitFrom("https://github.com/example/app").ID')).toBe('aaa');
    expect(run('commitFrom("https://GitHub.com/example/app.git/").Tag')).toBe(
      'v1',
    );
  });

  it('refuse an artifact several origins provide unless an origin picks one', () => {
    expect(() => run('imageFrom("ghcr.io/example/shared")')).toThrow(
      /multiple requested Freight could potentially provide a container image from repository ghcr.io\/example\/shared/,
    );
    expect(
      run('imageFrom("ghcr.io/example/shared", warehouse("frontend")).Tag'),
    ).toBe('v1.0.0');
    expect(
      run('imageFrom("ghcr.io/example/shared", warehouse("backend")).Tag'),
    ).toBe('v2.0.0');
  });

  it('answer nil for what the collection (or the chosen origin) lacks', () => {
    expect(run('imageFrom("ghcr.io/example/none")')).toBeNull();
    expect(
      run('imageFrom("ghcr.io/example/api", warehouse("frontend"))'),
    ).toBeNull();
    expect(run('chartFrom("https://charts.example.com")')).toBeNull();
    expect(run('imageFrom("ghcr.io/example/none")?.Tag ?? "none"')).toBe(
      'none',
    );
    expect(() => run('imageFrom("ghcr.io/example/none").Tag')).toThrow(
      'cannot read "Tag" of nil',
    );
  });

  it('return Kargo structs: Go field names to read, JSON tags when written', () => {
    expect(
      run(
        'imageFrom("ghcr.io/example/shared", warehouse("frontend")).Annotations.team',
      ),
    ).toBe('web');
    expect(goJSON(run('imageFrom("ghcr.io/example/api")'))).toBe(
      '{"repoURL":"ghcr.io/example/api","tag":"v3.1.0","digest":"sha256:abc"}',
    );
    expect(goJSON(run('warehouse("frontend")'))).toBe(
      '{"kind":"Warehouse","name":"frontend"}',
    );
    expect(goJSON(run('artifactFrom("weights")'))).toBe(
      '{"ArtifactType":"model","SubscriptionName":"weights","Version":"7","Metadata":{}}',
    );
    expect(run('"Tag" in imageFrom("ghcr.io/example/api")')).toBe(true);
    expect(() => run('imageFrom("ghcr.io/example/api").tag')).toThrow(
      'type v1alpha1.Image has no field tag',
    );
    expect(
      run(
        'warehouse("a") == warehouse("a") && warehouse("a") != warehouse("b")',
      ),
    ).toBe(true);
  });

  it('check their arguments as Kargo does', () => {
    expect(() => run('imageFrom()')).toThrow(
      'imageFrom() takes 1 or 2 arguments, not 0',
    );
    expect(() => run('imageFrom(1)')).toThrow(
      'the first argument must be a string',
    );
    expect(() => run('imageFrom("x", "frontend")')).toThrow(
      'the origin must be a FreightOrigin',
    );
    expect(() => run('imageFrom("x", nil)')).toThrow(
      'the origin must be a FreightOrigin',
    );
    expect(() => run('chartFrom("x", 1, warehouse("a"))')).toThrow(
      'the second argument must be a string',
    );
    expect(() => run('warehouse("")')).toThrow('name must not be empty');
  });
});
