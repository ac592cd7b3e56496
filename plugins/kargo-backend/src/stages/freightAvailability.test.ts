import type { StoredResource } from '../database';
import {
  freightAvailability,
  longestSoakMs,
  RequestedFreight,
} from './freightAvailability';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const ago = (minutes: number) => new Date(NOW - minutes * 60_000).toISOString();

const freight = (status: object, origin = 'app'): StoredResource =>
  ({
    kind: 'Freight',
    project: 'demo',
    name: 'f1',
    alias: 'happy-fox',
    origin,
    metadata: {},
    spec: {},
    status,
  } as unknown as StoredResource);

const from = (
  sources: RequestedFreight['sources'],
  origin = 'app',
): RequestedFreight[] => [
  { origin: { kind: 'Warehouse', name: origin }, sources },
];

describe('freightAvailability (Kargo Stage.IsFreightAvailable)', () => {
  it('offers Freight straight from a Warehouse the Stage takes directly', () => {
    expect(
      freightAvailability(freight({}), 'dev', from({ direct: true }), NOW),
    ).toEqual({ available: true, because: 'direct' });
  });

  it('refuses Freight of an origin the Stage does not request', () => {
    const a = freightAvailability(
      freight({}, 'other'),
      'dev',
      from({ direct: true }),
      NOW,
    );
    expect(a).toEqual({
      available: false,
      reason: 'the Stage does not request Freight from Warehouse "other"',
    });
  });

  it('needs verification in an upstream Stage, and says which', () => {
    const sources = { stages: ['dev', 'qa'] };
    expect(
      freightAvailability(freight({}), 'prod', from(sources), NOW),
    ).toEqual({
      available: false,
      reason: 'not verified in "dev" or "qa"',
    });
    const verifiedInQa = freight({
      verifiedIn: { qa: { verifiedAt: ago(1) } },
    });
    expect(
      freightAvailability(verifiedInQa, 'prod', from(sources), NOW).available,
    ).toBe(true);
  });

  it('with availabilityStrategy All needs every upstream Stage', () => {
    const sources = {
      stages: ['dev', 'qa'],
      availabilityStrategy: 'All' as const,
    };
    const one = freight({ verifiedIn: { qa: { verifiedAt: ago(1) } } });
    expect(freightAvailability(one, 'prod', from(sources), NOW)).toEqual({
      available: false,
      reason: 'not verified in "dev" (availabilityStrategy All)',
    });
    const both = freight({
      verifiedIn: { qa: { verifiedAt: ago(1) }, dev: { verifiedAt: ago(1) } },
    });
    expect(
      freightAvailability(both, 'prod', from(sources), NOW).available,
    ).toBe(true);
  });

  it('holds Freight back until it has soaked, saying for how long and until when', () => {
    const sources = { stages: ['staging'], requiredSoakTime: '1h' };
    const soaking = freight({
      verifiedIn: { staging: { verifiedAt: ago(20) } },
      currentlyIn: { staging: { since: ago(20) } },
    });
    expect(freightAvailability(soaking, 'prod', from(sources), NOW)).toEqual({
      available: false,
      reason: 'soaking in "staging" for 40m0s more (requiredSoakTime 1h)',
      availableAt: NOW + 40 * 60_000,
    });
    const soaked = freight({
      verifiedIn: { staging: { verifiedAt: ago(70) } },
      currentlyIn: { staging: { since: ago(70) } },
    });
    expect(
      freightAvailability(soaked, 'prod', from(sources), NOW).available,
    ).toBe(true);
  });

  it('counts the longest completed soak once Freight has left the Stage, and never a soak that cannot finish', () => {
    const sources = { stages: ['staging'], requiredSoakTime: '1h' };
    const left = freight({
      verifiedIn: { staging: { verifiedAt: ago(300), longestSoak: '1h30m0s' } },
    });
    expect(longestSoakMs(left, 'staging', NOW)).toBe(90 * 60_000);
    expect(
      freightAvailability(left, 'prod', from(sources), NOW).available,
    ).toBe(true);
    const leftEarly = freight({
      verifiedIn: { staging: { verifiedAt: ago(300), longestSoak: '10m0s' } },
    });
    const a = freightAvailability(leftEarly, 'prod', from(sources), NOW);
    expect(a.available).toBe(false);
    // No longer in staging: it will not soak any longer by waiting.
    expect(a).not.toHaveProperty('availableAt');
  });

  it('lets manual approval bypass verification and soak', () => {
    const approved = freight({ approvedFor: { prod: { approvedAt: ago(1) } } });
    expect(
      freightAvailability(
        approved,
        'prod',
        from({ stages: ['staging'], requiredSoakTime: '24h' }),
        NOW,
      ),
    ).toEqual({ available: true, because: 'approved' });
  });

  it('with MatchUpstream offers only the Freight currently in the upstream Stage', () => {
    const sources = {
      stages: ['staging'],
      autoPromotionOptions: { selectionPolicy: 'MatchUpstream' as const },
    };
    const gone = freight({ verifiedIn: { staging: { verifiedAt: ago(5) } } });
    expect(freightAvailability(gone, 'prod', from(sources), NOW)).toEqual({
      available: false,
      reason: 'it is not currently in "staging" (MatchUpstream)',
    });
    const there = freight({
      verifiedIn: { staging: { verifiedAt: ago(5) } },
      currentlyIn: { staging: { since: ago(5) } },
    });
    expect(
      freightAvailability(there, 'prod', from(sources), NOW).available,
    ).toBe(true);
  });
});
