/** The PNG encoder where node:zlib is not at hand (a browser): stored deflate blocks, read back by node:zlib. */
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { zlibStored } from '../../src/plotting/png.js';

describe('zlibStored', () => {
  it.each([0, 1, 65535, 65536, 200_000])('is a zlib stream that inflates to its %i input bytes', (n) => {
    const data = Uint8Array.from({ length: n }, (_, i) => (i * 7919) % 251);
    const z = zlibStored(data);
    expect(Array.from(z.subarray(0, 2))).toEqual([0x78, 0x01]); // deflate, 32 K window; (0x78 · 256 + 1) % 31 = 0 (RFC 1950)
    expect(Buffer.from(inflateSync(z)).equals(Buffer.from(data))).toBe(true); // inflateSync also checks the Adler-32 trailer
  });
});
