import { createHmac, timingSafeEqual } from 'node:crypto';
import { safeEqual } from './http';

const HUB_ALGORITHMS: Record<string, string> = {
  sha1: 'sha1',
  sha256: 'sha256',
  sha512: 'sha512',
};

/**
 * Checks a `<algorithm>=<hex HMAC>` signature header over the raw body, as
 * go-github's ValidateSignature does (GitHub's X-Hub-Signature-256, Gitea's
 * X-Hub-Signature-256 and Bitbucket's X-Hub-Signature): the algorithm is
 * sha1, sha256 or sha512; the MAC is compared in constant time.
 */
export function validHubSignature(
  signature: string,
  body: Buffer,
  key: string,
): boolean {
  const at = signature.indexOf('=');
  if (at < 0) return false;
  const algorithm = HUB_ALGORITHMS[signature.slice(0, at)];
  const hex = signature.slice(at + 1);
  if (!algorithm || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    return false;
  }
  const given = Buffer.from(hex, 'hex');
  const expected = createHmac(algorithm, key).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Artifactory's X-Jfrog-Event-Auth: the lower-case hex HMAC-SHA256 of the
 * body keyed with the secret token, compared as text (Kargo compares the
 * header with its own hex encoding).
 */
export function validArtifactorySignature(
  signature: string,
  body: Buffer,
  key: string,
): boolean {
  const expected = createHmac('sha256', key).update(body).digest('hex');
  return safeEqual(signature, expected);
}

/** An X-Hub-Signature style value, for tests and senders. */
export function hubSignature(
  algorithm: 'sha1' | 'sha256' | 'sha512',
  body: Buffer | string,
  key: string,
): string {
  return `${algorithm}=${createHmac(algorithm, key)
    .update(body)
    .digest('hex')}`;
}
