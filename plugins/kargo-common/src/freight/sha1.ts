/*
 * A small, dependency-free SHA-1 (FIPS 180-4) for Node and the browser.
 *
 * SHA-1 is used here only because Kargo names Freight with it; it is not used
 * for anything security-relevant. Synchronous on purpose: WebCrypto's digest
 * is async-only and node:crypto is not available in the browser.
 */

const textEncoder = new TextEncoder();

/** Encodes a string as UTF-8, as Go's []byte(string) conversion sees it. */
export function utf8Bytes(value: string): Uint8Array {
  return textEncoder.encode(value);
}

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

/** SHA-1 of the given bytes (or of the UTF-8 encoding of a string) as 40 lower-case hex digits. */
export function sha1Hex(input: string | Uint8Array): string {
  const bytes = typeof input === 'string' ? utf8Bytes(input) : input;
  const byteLength = bytes.length;

  // Padding: 0x80, zeros, then the 64-bit big-endian bit length, to a multiple of 64 bytes.
  const paddedLength = (((byteLength + 8) >>> 6) + 1) << 6;
  const block = new Uint8Array(paddedLength);
  block.set(bytes);
  block[byteLength] = 0x80;
  const view = new DataView(block.buffer);
  const bitLengthHigh = Math.floor(byteLength / 0x20000000); // (byteLength * 8) / 2^32
  const bitLengthLow = (byteLength * 8) >>> 0;
  view.setUint32(paddedLength - 8, bitLengthHigh >>> 0, false);
  view.setUint32(paddedLength - 4, bitLengthLow, false);

  let h0 = 0x67452301;
  let h1 = 0xefcdab89;
  let h2 = 0x98badcfe;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0;
  const w = new Int32Array(80);

  for (let offset = 0; offset < paddedLength; offset += 64) {
    for (let t = 0; t < 16; t++) {
      w[t] = view.getInt32(offset + t * 4, false);
    }
    for (let t = 16; t < 80; t++) {
      w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let t = 0; t < 80; t++) {
      let f: number;
      let k: number;
      if (t < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (t < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (t < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6;
      }
      const temp = (rotl(a, 5) + f + e + k + w[t]) | 0;
      e = d;
      d = c;
      c = rotl(b, 30);
      b = a;
      a = temp;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }

  return [h0, h1, h2, h3, h4]
    .map(h => (h >>> 0).toString(16).padStart(8, '0'))
    .join('');
}
