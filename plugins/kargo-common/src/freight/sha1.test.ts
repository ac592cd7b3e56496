import { createHash } from 'crypto';
import { sha1Hex } from './sha1';

describe('sha1Hex', () => {
  // FIPS 180-2 / RFC 3174 test vectors.
  it.each([
    ['', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    ['abc', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
    ],
  ])('hashes %j', (input, expected) => {
    expect(sha1Hex(input)).toBe(expected);
  });

  it('hashes one million "a"s', () => {
    expect(sha1Hex('a'.repeat(1_000_000))).toBe(
      '34aa973cd4c4daa4f61eeb2bdbad27316534016f',
    );
  });

  it('hashes the UTF-8 encoding of a string', () => {
    // printf 'ü' | sha1sum
    expect(sha1Hex('\u00FC')).toBe('94a759fd37735430753c7b6b80684306d80ea16e');
    expect(sha1Hex(new Uint8Array([0xc3, 0xbc]))).toBe(
      '94a759fd37735430753c7b6b80684306d80ea16e',
    );
  });

  it('agrees with Node for every length around the padding boundaries', () => {
    for (let length = 0; length <= 200; length++) {
      const input = Array.from({ length }, (_, i) =>
        String.fromCharCode(32 + ((i * 7 + length) % 95)),
      ).join('');
      expect(sha1Hex(input)).toBe(
        createHash('sha1').update(input, 'utf8').digest('hex'),
      );
    }
  });
});
