import { buildWebhookPath } from './paths';

/*
 * Vectors computed outside this code, from Kargo's buildWebhookPath
 * (pkg/webhook/external/receiver.go): sha256 of project + receiver name +
 * secret values, concatenated without separators, in lower-case hex, joined
 * to the base path and the receiver type. Computed with coreutils:
 *   printf '%s' 'kargo-demogithubmy-secret' | sha256sum
 *   printf '%s' 'everywheremy-secret' | sha256sum   (cluster: project '')
 */
describe('buildWebhookPath', () => {
  it('matches Kargo for a project receiver', () => {
    expect(
      buildWebhookPath('kargo-demo', 'github', 'github', ['my-secret']),
    ).toBe(
      '/github/e9abde1d619d9940848f1d773968f53d13a49c6aa30044a73f90ff4f348ef2f6',
    );
  });

  it('matches Kargo for a cluster receiver (no project)', () => {
    expect(buildWebhookPath('', 'gitlab', 'everywhere', ['my-secret'])).toBe(
      '/gitlab/7ecd148e10b9c5d270e2aeda65d3280033cfa2dc49483d9f613a8321547f7380',
    );
  });

  it('changes with the secret (rotation changes the URL)', () => {
    expect(buildWebhookPath('p', 'quay', 'r', ['a'])).not.toBe(
      buildWebhookPath('p', 'quay', 'r', ['b']),
    );
  });
});
