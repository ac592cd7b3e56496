import { manifest } from '../__testUtils__/pipelineFixtures';
import { diffFreight } from './freightDiff';

const freight = (rest: Record<string, unknown>) =>
  manifest('Freight', 'x', {
    origin: { kind: 'Warehouse', name: 'w' },
    ...rest,
  });

describe('diffFreight', () => {
  it('pairs artifacts by repository: changed, unchanged, added and removed', () => {
    const current = freight({
      images: [
        { repoURL: 'ghcr.io/acme/web', tag: '1.0.0' },
        { repoURL: 'ghcr.io/acme/api', tag: '3.1.0' },
        { repoURL: 'ghcr.io/acme/old', tag: '0.1.0' },
      ],
    });
    const incoming = freight({
      images: [
        { repoURL: 'ghcr.io/acme/web', tag: '1.1.0' },
        { repoURL: 'ghcr.io/acme/api', tag: '3.1.0' },
      ],
      charts: [
        { repoURL: 'oci://ghcr.io/acme/charts', name: 'app', version: '2.0.0' },
      ],
    });
    expect(
      diffFreight(current, incoming).map(c => [
        c.name,
        c.from?.version,
        c.to?.version,
        c.changed,
      ]),
    ).toEqual([
      ['web', '1.0.0', '1.1.0', true],
      ['api', '3.1.0', '3.1.0', false],
      ['app', undefined, '2.0.0', true],
      ['old', '0.1.0', undefined, true],
    ]);
  });

  it('lists everything as new when the Stage holds nothing', () => {
    const incoming = freight({
      commits: [{ repoURL: 'https://github.com/o/r.git', id: 'abcdef123456' }],
    });
    const [change] = diffFreight(undefined, incoming);
    expect(change).toMatchObject({ changed: true, compareUrl: undefined });
    expect(change.to?.version).toBe('abcdef1');
  });
});
