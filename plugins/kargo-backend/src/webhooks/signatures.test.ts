import { createHmac } from 'node:crypto';
import { validArtifactorySignature, validHubSignature } from './signatures';

const body = Buffer.from('{"a":1}');
const mac = (alg: string, key: string) =>
  createHmac(alg, key).update(body).digest('hex');

describe('validHubSignature', () => {
  it.each(['sha1', 'sha256', 'sha512'])('accepts %s', alg => {
    expect(validHubSignature(`${alg}=${mac(alg, 'k')}`, body, 'k')).toBe(true);
  });

  it.each([
    ['wrong key', `sha256=${mac('sha256', 'other')}`],
    ['no algorithm', mac('sha256', 'k')],
    ['unknown algorithm', `md5=${mac('md5', 'k')}`],
    ['not hex', 'sha256=zz'],
    ['truncated', `sha256=${mac('sha256', 'k').slice(0, 10)}`],
    ['empty', ''],
  ])('refuses %s', (_what, signature) => {
    expect(validHubSignature(signature, body, 'k')).toBe(false);
  });
});

describe('validArtifactorySignature', () => {
  it('accepts the hex HMAC-SHA256 and refuses others', () => {
    expect(validArtifactorySignature(mac('sha256', 'k'), body, 'k')).toBe(true);
    expect(validArtifactorySignature(mac('sha256', 'x'), body, 'k')).toBe(
      false,
    );
    expect(
      validArtifactorySignature(`sha256=${mac('sha256', 'k')}`, body, 'k'),
    ).toBe(false);
  });
});
