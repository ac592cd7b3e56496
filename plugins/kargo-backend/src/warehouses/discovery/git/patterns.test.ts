import {
  baseDirMatches,
  compileGoRegex,
  globToRegExp,
  parsePathSelector,
  pathsMatch,
} from './patterns';
import { compareTagVersions, parseTagVersion } from './tagVersions';

describe('path selectors', () => {
  it('base directories match like filepath.Rel without ".."', () => {
    expect(baseDirMatches('apps', 'apps')).toBe(true);
    expect(baseDirMatches('apps', 'apps/web/x.yaml')).toBe(true);
    expect(baseDirMatches('apps/', 'apps/web/x.yaml')).toBe(true);
    expect(baseDirMatches('apps', 'appsx/y')).toBe(false);
    expect(baseDirMatches('apps/web', 'apps/x')).toBe(false);
    expect(baseDirMatches('.', 'anything/at/all')).toBe(true);
    // Kargo's quirk: any ".." in the relative path refuses the match.
    expect(baseDirMatches('apps', 'apps/a..b')).toBe(false);
  });

  it('globs follow doublestar', () => {
    const m = (g: string, p: string) => globToRegExp(g).test(p);
    expect(m('*.yaml', 'a.yaml')).toBe(true);
    expect(m('*.yaml', 'dir/a.yaml')).toBe(false);
    expect(m('**/*.yaml', 'a.yaml')).toBe(true);
    expect(m('**/*.yaml', 'x/y/a.yaml')).toBe(true);
    expect(m('apps/**', 'apps')).toBe(true);
    expect(m('apps/**', 'apps/a/b')).toBe(true);
    expect(m('apps/**', 'appsx/a')).toBe(false);
    expect(m('{a,b}/?.txt', 'b/1.txt')).toBe(true);
    expect(m('[!a]/x', 'b/x')).toBe(true);
    expect(m('[!a]/x', 'a/x')).toBe(false);
    expect(m('a\\*b', 'a*b')).toBe(true);
  });

  it('parses prefixes and applies include/exclude like Kargo', () => {
    const inc = parsePathSelector('regexp:^src/');
    const exc = parsePathSelector('glob:**/*.md');
    expect(pathsMatch(['src/a.go'], inc, exc)).toBe(true);
    expect(pathsMatch(['src/a.md'], inc, exc)).toBe(false);
    expect(pathsMatch(['src/a.md', 'src/b.go'], inc, exc)).toBe(true);
    expect(pathsMatch(['docs/a.go'], inc, undefined)).toBe(false);
    expect(pathsMatch(['anything'], undefined, undefined)).toBe(true);
    expect(pathsMatch([], undefined, undefined)).toBe(false);
  });

  it('translates Go regex syntax', () => {
    expect(compileGoRegex('(?i)^V1').test('v1.0')).toBe(true);
    expect(
      compileGoRegex('\\Av(?P<major>\\d+)\\z').exec('v12')?.groups?.major,
    ).toBe('12');
    expect(compileGoRegex('\\Q1.0\\E').test('1x0')).toBe(false);
  });
});

describe('tag versions', () => {
  it('parses loosely or strictly as Kargo does', () => {
    expect(parseTagVersion('v1.2.3', true)).toBeDefined();
    expect(parseTagVersion('1.2', true)).toBeUndefined();
    expect(parseTagVersion('1.2', false)).toMatchObject({
      major: 1,
      minor: 2,
      patch: 0,
    });
    expect(parseTagVersion('vv1.2.3', false)).toBeUndefined();
    expect(parseTagVersion('release-1', false)).toBeUndefined();
  });

  it('orders prereleases below releases', () => {
    const v = (s: string) => parseTagVersion(s, false)!;
    expect(compareTagVersions(v('1.0.0-rc.1'), v('1.0.0'))).toBe(-1);
    expect(compareTagVersions(v('1.0.0-rc.2'), v('1.0.0-rc.10'))).toBe(-1);
    expect(compareTagVersions(v('1.0.0-alpha'), v('1.0.0-1'))).toBe(1);
    expect(compareTagVersions(v('1.0'), v('1.0.0+build'))).toBe(0);
  });
});
