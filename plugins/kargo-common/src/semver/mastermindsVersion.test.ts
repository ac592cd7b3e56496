import {
  compareGoStrings,
  compareMastermindsVersions,
  parseMastermindsVersion,
  sortVersionsDescending,
} from './mastermindsVersion';

const loose = (s: string) => parseMastermindsVersion(s)!;

describe('parseMastermindsVersion', () => {
  it('reads partial and v-prefixed versions', () => {
    expect(parseMastermindsVersion('v1.2')).toEqual({
      major: 1n,
      minor: 2n,
      patch: 0n,
      prerelease: '',
      metadata: '',
      original: 'v1.2',
    });
    expect(parseMastermindsVersion('1.2.3-rc.1+b')).toEqual({
      major: 1n,
      minor: 2n,
      patch: 3n,
      prerelease: 'rc.1',
      metadata: 'b',
      original: '1.2.3-rc.1+b',
    });
    expect(parseMastermindsVersion('1.2.3.4')).toBeUndefined();
  });

  it('parses loosely or strictly as Kargo does', () => {
    expect(parseMastermindsVersion('1.2.3', { strict: true })).toBeDefined();
    expect(parseMastermindsVersion('v1.2.3', { strict: true })).toBeDefined();
    expect(parseMastermindsVersion('1.2', { strict: true })).toBeUndefined();
    expect(parseMastermindsVersion('1.2', { strict: false })).toMatchObject({
      major: 1n,
      minor: 2n,
      patch: 0n,
    });
    expect(parseMastermindsVersion('01.2.3')).toBeUndefined();
    expect(parseMastermindsVersion('latest')).toBeUndefined();
    expect(parseMastermindsVersion('vv1.2.3')).toBeUndefined();
    expect(parseMastermindsVersion('release-1')).toBeUndefined();
  });

  it('reads what semver.NewVersion reads, and nothing else', () => {
    for (const ok of ['1.2.3', 'v1.2.3', '1.2', '1', '1.0.0-rc.1+b.2']) {
      expect(parseMastermindsVersion(ok)?.original).toBe(ok);
    }
    for (const bad of ['latest', '01.2.3', '1.2.3.4', '1.0.0-01', '', 'v']) {
      expect(parseMastermindsVersion(bad)).toBeUndefined();
    }
  });

  it('refuses parts that do not fit in a uint64', () => {
    expect(parseMastermindsVersion('18446744073709551615.0.0')?.major).toBe(
      18446744073709551615n,
    );
    expect(parseMastermindsVersion('18446744073709551616.0.0')).toBeUndefined();
  });

  it('with allowLeadingV false, refuses a leading v (StrictNewVersion)', () => {
    const strictOnly = { strict: true, allowLeadingV: false };
    expect(parseMastermindsVersion('1.2.3+b', strictOnly)?.metadata).toBe('b');
    for (const bad of ['v1.2.3', '1.2', 'latest']) {
      expect(parseMastermindsVersion(bad, strictOnly)).toBeUndefined();
    }
  });
});

describe('compareMastermindsVersions', () => {
  it('orders prereleases below releases', () => {
    const c = (a: string, b: string) =>
      compareMastermindsVersions(loose(a), loose(b));
    expect(c('1.0.0-alpha.10', '1.0.0-alpha.9')).toBe(1);
    expect(c('1.0.0', '1.0.0-rc.1')).toBe(1);
    expect(c('1.0.0-rc.1', '1.0.0')).toBe(-1);
    expect(c('1.0.0-alpha', '1.0.0-alpha.1')).toBe(-1);
    expect(c('1.0.0-rc.2', '1.0.0-rc.10')).toBe(-1);
    expect(c('1.0.0-alpha', '1.0.0-1')).toBe(1);
    expect(c('1.0.0+a', '1.0.0+b')).toBe(0);
    expect(c('1.0', '1.0.0+build')).toBe(0);
    expect(c('2.0.0', '10.0.0')).toBe(-1);
  });
});

describe('compareGoStrings', () => {
  it('compares UTF-8 bytes, not UTF-16 code units', () => {
    expect(compareGoStrings('a', 'a')).toBe(0);
    expect(compareGoStrings('a', 'b')).toBe(-1);
    expect(compareGoStrings('b', 'a')).toBe(1);
    expect(compareGoStrings('a', 'ab')).toBe(-1);
    expect(compareGoStrings('B', 'a')).toBe(-1);
    // U+FF61 sorts below U+1F600 in UTF-8 but above it in UTF-16.
    expect(compareGoStrings('\uff61', '\u{1f600}')).toBe(-1);
    expect(compareGoStrings('\u{1f600}', '\uff61')).toBe(1);
  });
});

describe('sortVersionsDescending', () => {
  it('orders by precedence, then by text', () => {
    const vs = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      'v1.0.0',
      '18446744073709551615.0.0',
    ];
    expect(sortVersionsDescending(vs.map(loose)).map(v => v.original)).toEqual([
      '18446744073709551615.0.0',
      'v1.0.0',
      '1.0.0',
      '1.0.0-rc.1',
      '1.0.0-beta.11',
      '1.0.0-beta.2',
      '1.0.0-beta',
      '1.0.0-alpha.beta',
      '1.0.0-alpha.1',
      '1.0.0-alpha',
    ]);
  });
});
