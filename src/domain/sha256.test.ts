import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './sha256.js';

const nodeSha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

describe('sha256Hex', () => {
  it('matches the FIPS 180-4 / NIST example vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    // The two-block, 448-bit message.
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('matches node:crypto on every length around the block and padding boundaries', () => {
    for (let n = 0; n <= 200; n++) {
      const s = 'x'.repeat(n);
      expect(sha256Hex(s), `length ${n}`).toBe(nodeSha256(s));
    }
  });

  it('matches node:crypto on random strings, including multi-byte and astral characters', () => {
    const alphabet = ['a', 'Z', '0', '=', '{', 'é', 'ß', '€', '中', '😀', '𝄞', '\u0000', '\u007f', '\u0800'];
    for (let i = 0; i < 500; i++) {
      const r = randomBytes(1 + (i % 300));
      let s = '';
      for (const b of r) s += alphabet[b % alphabet.length];
      expect(sha256Hex(s)).toBe(nodeSha256(s));
    }
  });

  it('encodes a lone surrogate as U+FFFD, like node:crypto', () => {
    for (const s of ['\ud800', 'a\udc00b', 'x\ud83d']) expect(sha256Hex(s)).toBe(nodeSha256(s));
  });

  it('handles a large message after small ones (buffer growth)', () => {
    const big = 'ab€'.repeat(100_000);
    expect(sha256Hex('small')).toBe(nodeSha256('small'));
    expect(sha256Hex(big)).toBe(nodeSha256(big));
    expect(sha256Hex('small')).toBe(nodeSha256('small'));
  });

  it('is fast enough for the capture path: 100k short strings well under a few seconds', () => {
    const start = performance.now();
    let last = '';
    for (let i = 0; i < 100_000; i++) last = sha256Hex(`eventType=ObjectEventeventTime=2020-03-04T10:00:30.000Z#${i}`);
    const ms = performance.now() - start;
    expect(last).toHaveLength(64);
    expect(ms).toBeLessThan(3000);
  });
});
