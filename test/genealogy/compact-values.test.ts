/** The compact forms of the event index give every value back exactly, or refuse it (and the index keeps the string). */
import { describe, expect, it } from 'vitest';
import { formatTime, OFFSET_NONE, OFFSET_Z, packEventId, packTime, StringPool, unpackEventId } from '../../src/genealogy/compact-values.js';

const NI = 'ni:///sha-256;b4088654edc88c9660903d4dd0cbf2d6791ddee40565313ab9eec8ea8644c73b?ver=CBV2.0';

describe('event ids as 32-byte digests', () => {
  it('packs a GS1 event-hash id into 32 bytes and gives the same string back', () => {
    const buf = new Uint8Array(96);
    expect(packEventId(NI, buf, 32)).toBe(true);
    expect([...buf.subarray(32, 36)]).toEqual([0xb4, 0x08, 0x86, 0x54]);
    expect([...buf.subarray(0, 32)].every((b) => b === 0)).toBe(true);
    expect(unpackEventId(buf, 32)).toBe(NI);
  });

  it('refuses every other id, so that the index keeps it as it came', () => {
    const buf = new Uint8Array(32);
    for (const id of [
      'urn:uuid:00000000-0000-4000-8000-0000000000a1',
      NI.toUpperCase(),
      NI.replace('b408', 'B408'), // upper-case hex would come back lower-case
      NI.replace('?ver=CBV2.0', '?ver=CBV2.1'),
      NI.replace('b408', 'g408'),
      NI + ' ',
      NI.slice(0, -1),
      '',
    ]) {
      expect(packEventId(id, buf, 0)).toBe(false);
    }
  });
});

describe('times as milliseconds and an offset', () => {
  it('gives back times with an offset, with Z, with and without milliseconds', () => {
    for (const t of ['2026-01-05T03:08:30+01:00', '2026-01-05T03:08:30-05:30', '2026-12-03T13:10:30.905Z', '2026-12-03T13:10:30Z', '2026-06-30T23:59:59.001+14:00', '1969-12-31T23:59:59-12:00']) {
      const offset = packTime(t, Date.parse(t));
      expect(offset).not.toBe(OFFSET_NONE);
      expect(formatTime(Date.parse(t), offset)).toBe(t);
    }
    expect(packTime('2026-12-03T13:10:30.905Z', Date.parse('2026-12-03T13:10:30.905Z'))).toBe(OFFSET_Z);
    expect(packTime('2026-01-05T03:08:30+01:00', Date.parse('2026-01-05T03:08:30+01:00'))).toBe(60);
  });

  it('refuses what would not come back byte for byte', () => {
    for (const t of ['2026-01-05T03:08:30.000+01:00', '2026-01-05T03:08:30.5+01:00', '2026-01-05T03:08:30.123456Z', '2026-01-05T03:08+01:00', '2026-01-05T03:08:30-00:00', '2026-01-05', 'not a time']) {
      expect(packTime(t, Date.parse(t))).toBe(OFFSET_NONE);
    }
    // the time and its milliseconds disagree (a store that wrote a different instant)
    expect(packTime('2026-01-05T03:08:30+01:00', Date.parse('2026-01-05T03:08:31+01:00'))).toBe(OFFSET_NONE);
  });
});

describe('StringPool', () => {
  it('keeps strings by number in one buffer, ASCII and not, across growth and trim', () => {
    const pool = new StringPool();
    const want = new Map<number, string>();
    for (let i = 0; i < 5000; i += 3) want.set(i, `LOT-${i}-${'x'.repeat(i % 40)}`);
    want.set(1, 'Käse/Ø7 — 熟成');
    want.set(2, 'é'.repeat(40));
    want.set(4, '');
    for (const [i, s] of want) pool.set(i, s);
    const check = () => {
      for (const [i, s] of want) expect(pool.get(i)).toBe(s);
      expect(pool.get(5)).toBe('');
    };
    check();
    pool.trim();
    check();
    pool.set(6000, 'after trim');
    want.set(6000, 'after trim');
    check();
  });
});

describe('formatTime', () => {
  it('writes what Date writes, for every day from 1970 to 2200 and around the edges of the fast path', () => {
    const viaDate = (ms: number, offset: number): string => {
      const iso = new Date(offset === OFFSET_Z ? ms : ms + offset * 60_000).toISOString();
      const body = iso.endsWith('.000Z') ? iso.slice(0, -5) : iso.slice(0, -1);
      if (offset === OFFSET_Z) return `${body}Z`;
      const a = Math.abs(offset);
      return `${body}${offset < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
    };
    const day = 86_400_000;
    let checked = 0;
    for (let ms = 0; ms < Date.UTC(2200, 0, 1); ms += day + 3_723_007) {
      for (const offset of [OFFSET_Z, 60, -330, 840, -720]) {
        expect(formatTime(ms, offset)).toBe(viaDate(ms, offset));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(80_000);
    for (const ms of [0, 999, 1000, Date.UTC(2000, 1, 29, 23, 59, 59, 999), Date.UTC(2100, 1, 28), Date.UTC(9999, 11, 31, 23, 59, 59, 999), -1, -day * 400, Date.UTC(10000, 0, 1), Date.UTC(1, 0, 1)]) {
      for (const offset of [OFFSET_Z, 0, 60, -60]) expect(formatTime(ms, offset)).toBe(viaDate(ms, offset));
    }
  });
});
