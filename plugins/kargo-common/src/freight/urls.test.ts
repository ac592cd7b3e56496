import {
  normalizeChartRepoURL,
  normalizeGitURL,
  normalizeImageRepoURL,
  sanitizeURL,
} from './urls';

/*
 * Test vectors come from Kargo's own tests, akuity/kargo at commit
 * 1c764767ae03bad063531fb443ee2485a972c669, reproduced input for input:
 *
 *   pkg/urls/common_test.go  TestSanitizeURL
 *   pkg/urls/git_test.go     TestNormalizeGit
 *   pkg/urls/image_test.go   TestNormalizeImage
 *   pkg/urls/helm_test.go    TestNormalizeChart
 *
 * The "beyond Kargo's tests" cases were obtained by running Kargo's
 * pkg/urls (same commit, with go-containerregistry v0.21.7's pkg/name) on
 * these inputs in a scratch Go program, with net/url's host and query rules
 * as of Go 1.26, the toolchain Kargo builds with.
 */

describe('sanitizeURL', () => {
  // Kargo: pkg/urls/common_test.go, TestSanitizeURL
  const kargoCases: Array<[string, string]> = [
    // Leading and trailing whitespace
    ['  https://example.com/repo  ', 'https://example.com/repo'],
    ['\n\thttps://example.com/repo\t\n', 'https://example.com/repo'],
    // Non-printable runes (e.g., BOMs)
    ['\uFEFFhttps://example.com/repo', 'https://example.com/repo'],
    ['https://example.com/\u200Brepo', 'https://example.com/repo'],
    ['https://example.com/repo\uFEFF', 'https://example.com/repo'],
    [
      '\uFEFF https://example.com/\u200Brepo \uFEFF',
      'https://example.com/repo',
    ],
    // Combination of both
    [
      '\uFEFF \n https://example.com/\trepo \u200B \n ',
      'https://example.com/repo',
    ],
    // No changes needed
    ['https://example.com/repo', 'https://example.com/repo'],
    ['ftp://example.com/resource', 'ftp://example.com/resource'],
    ['   ', ''],
    ['', ''],
    // Internal whitespace should not be removed
    ['https://example.com/ myrepo', 'https://example.com/ myrepo'],
    // Internal non-printable runes should be removed
    ['https://example.com/\u200Bmyrepo', 'https://example.com/myrepo'],
  ];
  it.each(kargoCases)('sanitizes %j to %j', (input, expected) => {
    expect(sanitizeURL(input)).toBe(expected);
  });

  it('removes non-ASCII spaces (not printable in Go) but keeps printable Unicode', () => {
    expect(sanitizeURL('\u00A0https://example.com/\u00FCber\u3000')).toBe(
      'https://example.com/\u00FCber',
    );
  });
});

describe('normalizeGitURL', () => {
  // Kargo: pkg/urls/git_test.go, TestNormalizeGit (every case, in order)
  const kargoCases: Array<[string, string]> = [
    // Anything we can't normalize should be returned as-is
    ['https://not a url', 'https://not a url'],
    [
      'http://github.com/example/repo?foo=bar',
      'http://github.com/example/repo?foo=bar',
    ],
    ['ssh://not a url', 'ssh://not a url'],
    [
      'ssh://github.com/example/repo?foo=bar',
      'ssh://github.com/example/repo?foo=bar',
    ],
    ['not even remotely a url', 'not even remotely a url'],
    // URLs of the form http[s]://[proxy-user:proxy-pass@]host.xz[:port][/path/to/repo[.git][/]]
    ['https://github.com', 'https://github.com'],
    ['https://github.com/', 'https://github.com'],
    ['https://foo:bar@github.com', 'https://github.com'],
    ['https://foo:bar@github.com/', 'https://github.com'],
    ['https://github.com/example/repo', 'https://github.com/example/repo'],
    ['https://github.com/example/repo/', 'https://github.com/example/repo'],
    ['https://github.com/example/repo.git', 'https://github.com/example/repo'],
    ['https://github.com/example/repo.git/', 'https://github.com/example/repo'],
    [
      'https://localhost:8443/example/repo',
      'https://localhost:8443/example/repo',
    ],
    [
      'https://localhost:8443/example/repo/',
      'https://localhost:8443/example/repo',
    ],
    [
      'https://localhost:8443/example/repo.git',
      'https://localhost:8443/example/repo',
    ],
    [
      'https://localhost:8443/example/repo.git/',
      'https://localhost:8443/example/repo',
    ],
    [
      'https://foo:bar@github.com/example/repo',
      'https://github.com/example/repo',
    ],
    [
      'https://foo:bar@github.com/example/repo/',
      'https://github.com/example/repo',
    ],
    [
      'https://foo:bar@github.com/example/repo.git',
      'https://github.com/example/repo',
    ],
    [
      'https://foo:bar@github.com/example/repo.git/',
      'https://github.com/example/repo',
    ],
    [
      'https://foo:bar@localhost:8443/example/repo',
      'https://localhost:8443/example/repo',
    ],
    [
      'https://foo:bar@localhost:8443/example/repo/',
      'https://localhost:8443/example/repo',
    ],
    [
      'https://foo:bar@localhost:8443/example/repo.git',
      'https://localhost:8443/example/repo',
    ],
    [
      'https://foo:bar@localhost:8443/example/repo.git/',
      'https://localhost:8443/example/repo',
    ],
    // URLS of the form ssh://[user@]host.xz[:port][/path/to/repo[.git][/]]
    ['ssh://git.example.com', 'ssh://git.example.com'],
    ['ssh://git.example.com/', 'ssh://git.example.com'],
    ['ssh://git@git.example.com', 'ssh://git@git.example.com'],
    ['ssh://git@git.example.com/', 'ssh://git@git.example.com'],
    ['ssh://github.com/example/repo', 'ssh://github.com/example/repo'],
    ['ssh://github.com/example/repo/', 'ssh://github.com/example/repo'],
    ['ssh://github.com/example/repo.git', 'ssh://github.com/example/repo'],
    ['ssh://github.com/example/repo.git/', 'ssh://github.com/example/repo'],
    ['ssh://localhost:2222/example/repo', 'ssh://localhost:2222/example/repo'],
    ['ssh://localhost:2222/example/repo/', 'ssh://localhost:2222/example/repo'],
    [
      'ssh://localhost:2222/example/repo.git',
      'ssh://localhost:2222/example/repo',
    ],
    [
      'ssh://localhost:2222/example/repo.git/',
      'ssh://localhost:2222/example/repo',
    ],
    ['ssh://git@github.com/example/repo', 'ssh://git@github.com/example/repo'],
    ['ssh://git@github.com/example/repo/', 'ssh://git@github.com/example/repo'],
    [
      'ssh://git@github.com/example/repo.git',
      'ssh://git@github.com/example/repo',
    ],
    [
      'ssh://git@github.com/example/repo.git/',
      'ssh://git@github.com/example/repo',
    ],
    [
      'ssh://git@localhost:2222/example/repo',
      'ssh://git@localhost:2222/example/repo',
    ],
    [
      'ssh://git@localhost:2222/example/repo/',
      'ssh://git@localhost:2222/example/repo',
    ],
    [
      'ssh://git@localhost:2222/example/repo.git',
      'ssh://git@localhost:2222/example/repo',
    ],
    [
      'ssh://git@localhost:2222/example/repo.git/',
      'ssh://git@localhost:2222/example/repo',
    ],
    // SCP-style URLs of the form [user@]host.xz[:path/to/repo[.git][/]]
    ['git.example.com', 'ssh://git.example.com'],
    ['git@git.example.com', 'ssh://git@git.example.com'],
    ['github.com:example/repo', 'ssh://github.com/example/repo'],
    ['github.com:example/repo/', 'ssh://github.com/example/repo'],
    ['github.com:example/repo.git', 'ssh://github.com/example/repo'],
    ['github.com:example/repo.git/', 'ssh://github.com/example/repo'],
    ['git@github.com:example/repo', 'ssh://git@github.com/example/repo'],
    ['git@github.com:example/repo/', 'ssh://git@github.com/example/repo'],
    ['git@github.com:example/repo.git', 'ssh://git@github.com/example/repo'],
    ['git@github.com:example/repo.git/', 'ssh://git@github.com/example/repo'],
  ];
  it.each(kargoCases)('normalizes %j to %j (Kargo test)', (input, expected) => {
    expect(normalizeGitURL(input)).toBe(expected);
  });

  // Beyond Kargo's tests: outputs of Kargo's NormalizeGit for these inputs.
  const moreCases: Array<[string, string]> = [
    // lower-cased, and only one trailing "/" then one ".git" are dropped
    ['HTTPS://GitHub.com/Example/Repo.GIT', 'https://github.com/example/repo'],
    [
      '  \uFEFFhttps://GitHub.com/example/repo.git/ ',
      'https://github.com/example/repo',
    ],
    // Go's strings.ToLower maps U+0130 to a plain "i"
    ['HTTPS://GITHUB.COM/\u0130', 'https://github.com/i'],
    // a bare "?" is not a query parameter: normalised, "?" kept
    ['https://github.com/example/repo?', 'https://github.com/example/repo?'],
    // query parameters: returned exactly as given (not even lower-cased)
    [
      'https://github.com/Example/repo.git?ref=main',
      'https://github.com/Example/repo.git?ref=main',
    ],
    // a fragment is kept
    [
      'https://github.com/example/repo.git#main',
      'https://github.com/example/repo#main',
    ],
    // escapes: %2F decoded once the path changes, kept (lower-cased) otherwise
    ['https://github.com/a%2Fb.git', 'https://github.com/a/b'],
    ['https://github.com/a%2Fb', 'https://github.com/a%2fb'],
    // non-ASCII path bytes are percent-encoded
    ['https://github.com/\u00FC.git', 'https://github.com/%C3%BC'],
    // IPv6 literal hosts are fine; an IPv4 address in brackets is not (Go 1.26)
    ['https://[::1]:8443/example/repo.git', 'https://[::1]:8443/example/repo'],
    ['https://[127.0.0.1]/example/repo', 'https://[127.0.0.1]/example/repo'],
    // two colons in an http(s) host are rejected (Go 1.26): returned as given
    ['https://h:1:2/x', 'https://h:1:2/x'],
    // an SCP-style path can't go in an ssh:// URL: returned as given
    [
      'ssh://git@github.com:example/repo.git',
      'ssh://git@github.com:example/repo.git',
    ],
    // SCP-style quirks: an absolute path gives "//", an empty path nothing, a query is kept
    ['github.com:/abs/path.git', 'ssh://github.com//abs/path'],
    ['git@github.com:', 'ssh://git@github.com'],
    [
      'git@github.com:example/repo?x=1',
      'ssh://git@github.com/example/repo?x=1',
    ],
  ];
  it.each(moreCases)('normalizes %j to %j', (input, expected) => {
    expect(normalizeGitURL(input)).toBe(expected);
  });
});

describe('normalizeImageRepoURL', () => {
  // Kargo: pkg/urls/image_test.go, TestNormalizeImage
  const kargoCases: Array<[string, string]> = [
    // Official images on Docker Hub
    ['index.docker.io/library/busybox', 'busybox'],
    ['index.docker.io/busybox', 'busybox'],
    ['registry-1.docker.io/library/busybox', 'busybox'],
    ['registry-1.docker.io/busybox', 'busybox'],
    ['docker.io/library/busybox', 'busybox'],
    ['docker.io/busybox', 'busybox'],
    ['library/busybox', 'busybox'],
    ['busybox', 'busybox'],
    // Other images on Docker Hub
    ['index.docker.io/example/repo', 'example/repo'],
    ['docker.io/example/repo', 'example/repo'],
    ['example/repo', 'example/repo'],
    // Images from other registries
    ['ghcr.io/example/repo', 'ghcr.io/example/repo'],
    ['quay.io/example/repo', 'quay.io/example/repo'],
    // Input that cannot be normalized (invalid URL)
    ['invalid url', 'invalid url'],
  ];
  it.each(kargoCases)('normalizes %j to %j (Kargo test)', (input, expected) => {
    expect(normalizeImageRepoURL(input)).toBe(expected);
  });

  const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
  // Beyond Kargo's tests: outputs of Kargo's NormalizeImage for these inputs.
  const moreCases: Array<[string, string]> = [
    ['GHCR.IO/Example/Repo', 'ghcr.io/example/repo'],
    // tags and digests are dropped
    ['ghcr.io/example/repo:v1.0', 'ghcr.io/example/repo'],
    [`busybox@${digest}`, 'busybox'],
    [`docker.io/library/busybox:1.36@${digest}`, 'busybox'],
    ['localhost:5000/team/app', 'localhost:5000/team/app'],
    // go-containerregistry v0.21.7 wants repositories of 2+ characters
    ['x', 'x'],
    // a digest that isn't 64 hex digits: not a reference, returned as given
    ['ghcr.io/example/repo@sha256:abc', 'ghcr.io/example/repo@sha256:abc'],
  ];
  it.each(moreCases)('normalizes %j to %j', (input, expected) => {
    expect(normalizeImageRepoURL(input)).toBe(expected);
  });
});

describe('normalizeChartRepoURL', () => {
  // Kargo: pkg/urls/helm_test.go, TestNormalizeChart
  const kargoCases: Array<[string, string, string]> = [
    ['empty string', '', ''],
    ['single word', 'repo', 'repo'],
    ['leading and trailing whitespace', '  repo  ', 'repo'],
    ['mixed case', 'REpo', 'repo'],
    ['oci prefix', 'oci://repo', 'repo'],
    ['oci prefix with whitespace', '  oci://repo  ', 'repo'],
    ['oci prefix with mixed case', 'OCI://Repo', 'repo'],
    [
      'docker.io URL with oci prefix',
      'oci://docker.io/example/repo',
      'example/repo',
    ],
    [
      'docker.io URL without oci prefix',
      'docker.io/example/repo',
      'example/repo',
    ],
    [
      'index.docker.io URL with oci prefix',
      'oci://index.docker.io/example/repo',
      'example/repo',
    ],
    [
      'index.docker.io URL without oci prefix',
      'index.docker.io/example/repo',
      'example/repo',
    ],
    [
      'registry-1.docker.io URL with oci prefix',
      'oci://registry-1.docker.io/example/repo',
      'example/repo',
    ],
    [
      'registry-1.docker.io URL without oci prefix',
      'registry-1.docker.io/example/repo',
      'example/repo',
    ],
  ];
  it.each(kargoCases)('%s (Kargo test)', (_name, input, expected) => {
    expect(normalizeChartRepoURL(input)).toBe(expected);
  });

  // Beyond Kargo's tests: outputs of Kargo's NormalizeChart for these inputs.
  const moreCases: Array<[string, string]> = [
    // classic repositories: lower-cased and sanitised, otherwise unchanged
    ['https://charts.example.com', 'https://charts.example.com'],
    [
      'HTTPS://Charts.Example.com/Stable/',
      'https://charts.example.com/stable/',
    ],
    [' \u200Bhttps://charts.example.com ', 'https://charts.example.com'],
    // not a valid URL (bad escape): returned exactly as given
    ['https://charts.example.com/%zz', 'https://charts.example.com/%zz'],
    ['oci://ghcr.io/example/charts/app', 'ghcr.io/example/charts/app'],
    ['oci://registry-1.docker.io/bitnamicharts/redis', 'bitnamicharts/redis'],
    ['oci://Example.com/Repo:1.0', 'example.com/repo'],
  ];
  it.each(moreCases)('normalizes %j to %j', (input, expected) => {
    expect(normalizeChartRepoURL(input)).toBe(expected);
  });
});
