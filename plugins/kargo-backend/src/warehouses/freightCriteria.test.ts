import { evaluateFreightCriteria } from './freightCriteria';

const freight = {
  origin: { kind: 'Warehouse', name: 'app' },
  images: [
    { repoURL: 'ghcr.io/acme/api', tag: '1.4.0', digest: 'sha256:a' },
    { repoURL: 'ghcr.io/acme/web', tag: '1.4.0', digest: 'sha256:b' },
  ],
  commits: [
    {
      repoURL: 'https://github.com/acme/config.git',
      id: 'abc123',
      branch: 'main',
    },
  ],
  charts: [{ repoURL: 'oci://ghcr.io/acme/charts/app', version: '2.0.1' }],
};

describe('evaluateFreightCriteria', () => {
  it('compares artifacts the way Kargo documents it', () => {
    expect(
      evaluateFreightCriteria(
        "imageFrom('ghcr.io/acme/api').Tag == imageFrom('ghcr.io/acme/web').Tag",
        freight,
      ),
    ).toBe(true);
    expect(
      evaluateFreightCriteria(
        "chartFrom('oci://ghcr.io/acme/charts/app').Version startsWith '2.' && commitFrom('https://github.com/acme/config').Branch == 'main'",
        freight,
      ),
    ).toBe(true);
    expect(
      evaluateFreightCriteria(
        "imageFrom('ghcr.io/acme/api').Tag == '9.9.9'",
        freight,
      ),
    ).toBe(false);
  });

  it('refuses expressions that are not true or false, or read a missing artifact', () => {
    expect(() =>
      evaluateFreightCriteria("imageFrom('ghcr.io/acme/api').Tag", freight),
    ).toThrow(
      'freightCreationCriteria.expression must be true or false, not "1.4.0"',
    );
    expect(() =>
      evaluateFreightCriteria("imageFrom('ghcr.io/other').Tag == 'x'", freight),
    ).toThrow('cannot read "Tag" of nil');
  });
});
