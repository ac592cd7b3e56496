import {
  assembledFreight,
  DiscoveredArtifacts,
  discoveredSubscriptions,
} from './warehouseModel';

const artifacts: DiscoveredArtifacts = {
  discoveredAt: '2026-11-26T10:00:00Z',
  git: [
    {
      repoURL: 'https://github.com/acme/guestbook.git',
      commits: [
        { id: 'bbbbbbb2222', branch: 'main', subject: 'guestbook 1.1.0' },
        { id: 'aaaaaaa1111', tag: 'v1.0.0', subject: 'guestbook 1.0.0' },
      ],
    },
  ],
  images: [
    {
      repoURL: 'ghcr.io/acme/web',
      references: [{ tag: '1.4.0', digest: 'sha256:abc' }],
    },
  ],
};

describe('discovered artifacts', () => {
  it('offers each subscription its versions, newest first', () => {
    const subscriptions = discoveredSubscriptions(artifacts);
    expect(
      subscriptions.map(s => [s.title, s.options.map(o => o.label)]),
    ).toEqual([
      ['git guestbook', ['bbbbbbb on main', 'v1.0.0 (aaaaaaa)']],
      ['image web', ['1.4.0']],
    ]);
  });

  it('assembles Freight of the chosen versions, as the Warehouse would', () => {
    const subscriptions = discoveredSubscriptions(artifacts);
    const freight = assembledFreight('demo', 'guestbook', subscriptions, {
      'git:https://github.com/acme/guestbook.git': 'aaaaaaa1111',
      'image:ghcr.io/acme/web': '1.4.0@sha256:abc',
    });
    expect(freight).toEqual({
      apiVersion: 'kargo.akuity.io/v1alpha1',
      kind: 'Freight',
      metadata: { namespace: 'demo' },
      origin: { kind: 'Warehouse', name: 'guestbook' },
      commits: [
        {
          repoURL: 'https://github.com/acme/guestbook.git',
          id: 'aaaaaaa1111',
          tag: 'v1.0.0',
          message: 'guestbook 1.0.0',
        },
      ],
      images: [
        { repoURL: 'ghcr.io/acme/web', tag: '1.4.0', digest: 'sha256:abc' },
      ],
    });
  });

  it('refuses Freight without a version of every subscription', () => {
    const subscriptions = discoveredSubscriptions(artifacts);
    expect(() =>
      assembledFreight('demo', 'guestbook', subscriptions, {
        'image:ghcr.io/acme/web': '1.4.0@sha256:abc',
      }),
    ).toThrow('Choose a version of git guestbook');
  });
});
