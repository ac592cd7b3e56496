import {
  compileConstraint,
  parseLooseVersion,
  parseOciTagVersion,
  selectVersions,
} from './chartVersions';
import { parseHelmIndex } from './helmIndex';
import { parseOciChartURL } from './ociTags';

describe('chart versions', () => {
  it('reads index versions like semver.NewVersion and tags like StrictNewVersion', () => {
    for (const ok of ['1.2.3', 'v1.2.3', '1.2', '1', '1.0.0-rc.1+b.2']) {
      expect(parseLooseVersion(ok)?.original).toBe(ok);
    }
    for (const bad of ['latest', '01.2.3', '1.2.3.4', '1.0.0-01', '', 'v']) {
      expect(parseLooseVersion(bad)).toBeUndefined();
    }
    expect(parseOciTagVersion('1.2.3_build.1')?.original).toBe('1.2.3+build.1');
    for (const bad of ['v1.2.3', '1.2', 'latest', '1.2.3_a_b']) {
      expect(parseOciTagVersion(bad)).toBeUndefined();
    }
  });

  it('refuses versions longer than 256 characters', () => {
    const long = `1.0.0-${'a'.repeat(250)}`;
    expect(parseLooseVersion(long)?.prerelease).toBe('a'.repeat(250));
    expect(parseLooseVersion(`${long}b`)).toBeUndefined();
    expect(parseOciTagVersion(`${long}_b`)).toBeUndefined();
    expect(parseOciTagVersion('1.0.0-rc.1')?.prerelease).toBe('rc.1');
  });

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
    const parsed = vs.map(v => parseLooseVersion(v)!);
    expect(selectVersions(parsed, compileConstraint(), 100)).toEqual([
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
    expect(parseLooseVersion('18446744073709551616.0.0')).toBeUndefined();
  });

  it('treats an empty constraint as none', () => {
    const parsed = ['1.0.0-rc.1'].map(v => parseLooseVersion(v)!);
    expect(selectVersions(parsed, compileConstraint(''), 5)).toEqual([
      '1.0.0-rc.1',
    ]);
    expect(selectVersions(parsed, compileConstraint('*'), 5)).toEqual([]);
  });
});

describe('parseHelmIndex', () => {
  it('keeps scalar text as Go does and skips non-semver versions', () => {
    const index = parseHelmIndex(
      'apiVersion: v1\nentries:\n  a:\n  - version: 1.10\n  - version: "2.0.0"\n  - version: ~\n  - name: a\n  b: null\n',
      'x',
    );
    expect(index.charts.get('a')!.map(v => v.original)).toEqual([
      '1.10',
      '2.0.0',
    ]);
    expect(index.charts.get('b')).toEqual([]);
  });

  it('reads JSON indexes, falling back to YAML for numbers', () => {
    const index = parseHelmIndex(
      '{"entries": {"a": [{"version": "1.0.0"}], "b": [{"version": 1.10}]}}',
      'x',
    );
    expect(index.charts.get('a')!.map(v => v.original)).toEqual(['1.0.0']);
    expect(index.charts.get('b')!.map(v => v.original)).toEqual(['1.10']);
  });

  it('rejects malformed documents and duplicate keys', () => {
    expect(() => parseHelmIndex('- a\n- b\n', 'x')).toThrow(/not a mapping/);
    expect(() => parseHelmIndex('entries:\n  a: 3\n', 'x')).toThrow(
      /not a list/,
    );
    expect(() => parseHelmIndex('entries: {}\nentries: {}\n', 'x')).toThrow(
      /not valid YAML/,
    );
    expect(parseHelmIndex('', 'x').charts.size).toBe(0);
  });
});

describe('OCI helpers', () => {
  it('parses oci:// chart URLs like oras', () => {
    expect(parseOciChartURL('oci://127.0.0.1:5000/a/b', true)).toEqual({
      host: '127.0.0.1:5000',
      name: 'a/b',
      insecure: true,
    });
    expect(parseOciChartURL('oci://ghcr.io/a/b@sha256:abc', false).name).toBe(
      'a/b',
    );
    expect(() => parseOciChartURL('oci://ghcr.io', false)).toThrow(
      /not a valid OCI/,
    );
  });
});
