import {
  baseDirMatches,
  globToRegExp,
  parsePathSelector,
  pathsMatch,
} from './patterns';

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

  it('compiles regex selectors as Go regexes', () => {
    const sel = parsePathSelector('regex:\\Asrc/(?P<name>\\w+)\\Q.go\\E\\z');
    expect(sel.matches('src/main.go')).toBe(true);
    expect(sel.matches('src/mainxgo')).toBe(false);
    expect(sel.matches('lib/src/main.go')).toBe(false);
    expect(parsePathSelector('regexp:(?i)^README').matches('readme.md')).toBe(
      true,
    );
  });

  it('refuses regex selectors RE2 refuses, saying why', () => {
    expect(() => parsePathSelector('regex:^src/(?!vendor)')).toThrow(
      "lookahead is not supported by Kargo's Go RE2 regex engine",
    );
    expect(() => parsePathSelector('regexp:(a)\\1')).toThrow(
      /backreferences are not supported/,
    );
  });
});
