import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gs1CheckDigit } from './gtin.js';
import { lotlineUri, parseObjectUri, parseRef, plainRef, refFromElementString, refKey, toDigitalLink, type ObjectRef } from './index.js';

/** GS1 AI character set 82: every character a GS1 lot or serial may hold. */
const CSET82 = [...`!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`];

const gtin14 = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 13, maxLength: 13 })
  .map((d) => d.join(''))
  .map((body) => `${body}${gs1CheckDigit(body)}`);

const gs1Code = fc.string({ unit: fc.constantFrom(...CSET82), minLength: 1, maxLength: 20 });

/** The EPC URI escaping of the Tag Data Standard: these characters must be %-encoded in a URI component. */
function epcEscape(s: string): string {
  return s.replace(/["%&/<>?#]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** Splits a GTIN-14 the way an EPC URI does: company prefix of `cpLength` digits, indicator moved to the item reference. */
function epcKey(gtin: string, cpLength: number): string {
  const cp = gtin.slice(1, 1 + cpLength);
  const itemRef = `${gtin.slice(0, 1)}${gtin.slice(1 + cpLength, 13)}`;
  return `${cp}.${itemRef}`;
}

/** Every spelling Lotline must treat as the same lot or serial. */
function spellings(ref: Extract<ObjectRef, { kind: 'lot' | 'serial' }>, cpLength: number, host: string): string[] {
  const code = ref.kind === 'lot' ? ref.lot : ref.serial;
  const ai = ref.kind === 'lot' ? '10' : '21';
  const epc =
    ref.kind === 'lot'
      ? `urn:epc:class:lgtin:${epcKey(ref.item, cpLength)}.${epcEscape(code)}`
      : `urn:epc:id:sgtin:${epcKey(ref.item, cpLength)}.${epcEscape(code)}`;
  const out = [
    epc,
    toDigitalLink(ref),
    `https://${host}/prefix/01/${ref.item}/${ai}/${encodeURIComponent(code)}?17=261231`,
    lotlineUri(ref),
    `]C101${ref.item}${ai}${code}`,
    `]d2${ai}${code}\u001d01${ref.item}`,
  ];
  // '<', 'G', 'S', '>' are all GS1 characters, so a code that spells "<GS>" cannot use the stand-in.
  if (!code.includes('<GS>')) out.push(`]Q301${ref.item}${ai}${code}<GS>17261231`);
  // The bracketed form cannot hold a value containing "(NN)": that is where the next AI would start.
  if (!/\(\d{2,4}\)/.test(code)) out.push(`(01)${ref.item}(${ai})${code}(17)261231`);
  if (ref.item.startsWith('0')) out.push(`https://${host}/01/${ref.item.slice(1)}/${ai}/${encodeURIComponent(code)}`);
  return out;
}

describe('identifier forms (property)', () => {
  it('EPC URN, Digital Link, element string and Lotline URN of a GTIN lot all parse to the same ref', () => {
    fc.assert(
      fc.property(gtin14, gs1Code, fc.integer({ min: 6, max: 12 }), fc.domain(), (item, lot, cpLength, host) => {
        const ref: ObjectRef = { kind: 'lot', item, lot };
        for (const s of spellings(ref, cpLength, host)) {
          const parsed = s.startsWith(']') || s.startsWith('(') ? refFromElementString(s) : parseObjectUri(s);
          expect(parsed, s).toEqual(ref);
          expect(parseRef(s), s).toEqual(ref);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the same holds for serials', () => {
    fc.assert(
      fc.property(gtin14, gs1Code, fc.integer({ min: 6, max: 12 }), fc.domain(), (item, serial, cpLength, host) => {
        const ref: ObjectRef = { kind: 'serial', item, serial };
        for (const s of spellings(ref, cpLength, host)) expect(parseRef(s), s).toEqual(ref);
      }),
      { numRuns: 200 },
    );
  });

  it('toDigitalLink round-trips every ref, GS1 or not', () => {
    const plainCode = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() === s && s !== '' && !/\p{Cc}/u.test(s));
    const anyRef: fc.Arbitrary<ObjectRef> = fc.oneof(
      fc.record({ kind: fc.constant('lot' as const), item: gtin14, lot: gs1Code }),
      fc.record({ kind: fc.constant('serial' as const), item: gtin14, serial: gs1Code }),
      fc.record({ kind: fc.constant('class' as const), item: gtin14 }),
      // Plant codes may hold anything printable, including ':' and '%'; GS1 items may carry non-GS1 lots.
      fc.tuple(plainCode, plainCode).map(([item, lot]) => plainRef({ item, lot })),
      fc.tuple(plainCode, plainCode).map(([item, serial]) => plainRef({ item, serial })),
      plainCode.map((item) => plainRef({ item })),
      fc.tuple(gtin14, plainCode).map(([item, lot]): ObjectRef => ({ kind: 'lot', item, lot })),
      plainCode.map((id): ObjectRef => ({ kind: 'unit', scheme: 'plant', id })),
      fc
        .array(fc.integer({ min: 0, max: 9 }), { minLength: 17, maxLength: 17 })
        .map((d): ObjectRef => {
          const body = d.join('');
          return { kind: 'unit', scheme: 'sscc', id: `${body}${gs1CheckDigit(body)}` };
        }),
      fc.webUrl().map((uri): ObjectRef => ({ kind: 'other', uri })),
    );
    fc.assert(
      fc.property(anyRef, (ref) => {
        fc.pre(ref.kind !== 'other' || parseObjectUri(ref.uri).kind === 'other');
        const link = toDigitalLink(ref);
        const back = parseObjectUri(link);
        expect(back, link).toEqual(ref);
        expect(refKey(back)).toBe(refKey(ref));
      }),
      { numRuns: 500 },
    );
  });
});
