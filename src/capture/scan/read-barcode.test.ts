import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatElementString, gs1CheckDigit } from '../../domain/identifiers/index.js';
import type { ElementStringElement } from '../../domain/identifiers/index.js';
import { expectError } from '../../../test/helpers/expect-error.js';
import { gs1Date, measureValue, readBarcode } from './read-barcode.js';
import type { Gs1Reading } from './read-barcode.js';

const NOW = new Date('2026-05-04T10:00:00Z');
const GS = '\u001d';

function gs1(raw: string): Gs1Reading {
  const r = readBarcode(raw, NOW);
  if (r.kind !== 'gs1') throw new Error(`read as text: ${raw}`);
  return r;
}

// Examples written by hand after the GS1 General Specifications (section 3, "GS1 Application Identifier
// definitions"; section 7.12, "Determination of century in dates") and the GS1 DataMatrix Guideline.
describe('readBarcode: GS1 General Specifications examples', () => {
  it('GTIN with batch and expiry, bracketed as printed under the symbol (human-readable interpretation)', () => {
    const r = gs1('(01)09501101020917(17)190508(10)ABCD1234');
    expect(r.gtin).toBe('09501101020917');
    expect(r.lot).toBe('ABCD1234');
    expect(r.dates.expiry).toBe('2019-05-08');
    expect(r.ref).toEqual({ kind: 'lot', item: '09501101020917', lot: 'ABCD1234' });
  });

  it('SSCC on a logistic label, in GS1-128 with its symbology identifier', () => {
    const r = gs1(']C100106141412345678908');
    expect(r.symbology).toBe('GS1-128');
    expect(r.sscc).toBe('106141412345678908');
    expect(r.ref).toEqual({ kind: 'unit', scheme: 'sscc', id: '106141412345678908' });
  });

  it('FNC1 (GS) ends a variable-length field; predefined-length fields need none', () => {
    const raw = `]d201095011010209171719050810ABCD1234${GS}2110`;
    const r = gs1(raw);
    expect(r.symbology).toBe('GS1 DataMatrix');
    expect(r.elements).toEqual([
      { ai: '01', value: '09501101020917' },
      { ai: '17', value: '190508' },
      { ai: '10', value: 'ABCD1234' },
      { ai: '21', value: '10' },
    ]);
    expect(r.ref).toEqual({ kind: 'serial', item: '09501101020917', serial: '10' });
    // the keyboard-wedge stand-ins mean the same
    expect(gs1(raw.replace(GS, '<GS>')).elements).toEqual(r.elements);
    expect(gs1(raw.replace(GS, '{GS}')).elements).toEqual(r.elements);
  });

  it('trade measures: (3103)000189 is 0.189 kg net, (3202)001250 is 12.50 lb; the 4th digit of the AI gives the decimals', () => {
    expect(gs1('(01)09520123456788(3103)000189').quantity).toEqual({ value: 0.189, uom: 'KGM', ai: '3103' });
    expect(gs1('(01)09520123456788(3202)001250').quantity).toEqual({ value: 12.5, uom: 'LBR', ai: '3202' });
    expect(gs1('(01)09520123456788(3150)000020').quantity).toEqual({ value: 20, uom: 'LTR', ai: '3150' });
    expect(measureValue('3105', '123456')).toBeCloseTo(1.23456, 10);
  });

  it('AI 37 with AI 02 and 00: the count of trade items on a pallet label', () => {
    const r = gs1(`]C100106141412345678908020952012345678837${'48'}${GS}10LOT-1`);
    expect(r.gtin).toBe('09520123456788');
    expect(r.quantity).toEqual({ value: 48, uom: 'EA', ai: '37' });
    expect(r.ref?.kind).toBe('unit'); // the pallet, not its contents
  });

  it('a net weight wins over a count, a gross weight (330n) is used only alone', () => {
    expect(gs1('(01)09520123456788(10)A(37)4(3102)002500').quantity).toEqual({ value: 25, uom: 'KGM', ai: '3102' });
    expect(gs1('(00)106141412345678908(3301)012345').quantity).toEqual({ value: 1234.5, uom: 'KGM', ai: '3301' });
  });

  it('purchase order (400), consignment (401), ship-to and purchased-from GLNs (410, 412), country of origin (422)', () => {
    const r = gs1(`]C1400PO-4711${GS}401ABC123${GS}41006141410000124120614141123452422276`);
    expect(r.purchaseOrder).toBe('PO-4711');
    expect(r.consignment).toBe('ABC123');
    expect(r.glns).toEqual({ shipTo: '0614141000012', purchasedFrom: '0614141123452' });
    expect(r.countryOfOrigin).toBe('276');
  });

  it('7.12: YYMMDD with day 00 is the last day of the month; the century follows the sliding window', () => {
    expect(gs1('(01)09520123456788(15)280200').dates.bestBefore).toBe('2028-02-29');
    expect(gs1('(01)09520123456788(17)260400').dates.expiry).toBe('2026-04-30');
    expect(gs1Date('991231', NOW)).toBe('1999-12-31');
    expect(gs1Date('751231', NOW)).toBe('2075-12-31');
    expect(gs1Date('770101', NOW)).toBe('1977-01-01');
  });

  it('AI 7003 expiration date and time YYMMDDhhmm', () => {
    expect(gs1('(01)09520123456788(7003)2612311430').expiryDateTime).toBe('2026-12-31T14:30');
  });

  it('GS1 Digital Link (QR): key path, qualifiers and data attributes in the query string', () => {
    const r = gs1('https://example.com/shop/01/09506000134352/10/AB-123?17=280426&3103=000500');
    expect(r.symbology).toBe('GS1 Digital Link');
    expect(r.ref).toEqual({ kind: 'lot', item: '09506000134352', lot: 'AB-123' });
    expect(r.dates.expiry).toBe('2028-04-26');
    expect(r.quantity).toEqual({ value: 0.5, uom: 'KGM', ai: '3103' });
    expect(gs1('https://id.gs1.org/00/106141412345678908').sscc).toBe('106141412345678908');
    expect(gs1('https://id.gs1.org/01/09506000134352/10/LOT%2F7').lot).toBe('LOT/7');
  });

  it('digits led by a key AI without symbology identifier are an element string; other text is text', () => {
    expect(gs1('0109520123456788').gtin).toBe('09520123456788');
    expect(readBarcode('SO-2026-0042', NOW)).toEqual({ kind: 'text', text: 'SO-2026-0042' });
    expect(readBarcode('  4711\r\n', NOW)).toEqual({ kind: 'text', text: '4711' });
    expect(readBarcode('https://example.com/menu', NOW)).toEqual({ kind: 'text', text: 'https://example.com/menu' });
  });
});

describe('readBarcode refuses bad barcodes naming the AI, the position and the reason', () => {
  it('check digits of GTIN, SSCC and GLN', () => {
    expectError(() => readBarcode(']C10109520123456789'), 'ID_BAD_CHECK_DIGIT', '(01)', 'position 2', 'correct check digit is 8');
    expectError(() => readBarcode('(00)106141412345678909'), 'ID_BAD_CHECK_DIGIT', '(00)', 'position 4');
    expectError(() => readBarcode('(414)0614141123453'), 'ID_BAD_CHECK_DIGIT', '(414)');
    expectError(() => readBarcode('https://id.gs1.org/01/09506000134353'), 'ID_BAD_CHECK_DIGIT', 'GTIN');
  });

  it('lengths: fixed too short, variable over its maximum', () => {
    expectError(() => readBarcode(']C101095201234567'), 'ID_INVALID', '(01)', 'exactly 14');
    expectError(() => readBarcode(`]C1010952012345678810${'A'.repeat(21)}`), 'ID_INVALID', '(10)', 'position 18', 'at most 20');
    expectError(() => readBarcode(`(400)${'P'.repeat(31)}`), 'ID_INVALID', '(400)', 'at most 30');
  });

  it('dates: month 13, 31 April, 29 February of a common year, 7003 with day 00 or hour 24', () => {
    expectError(() => readBarcode('(17)261301'), 'ID_INVALID', '(17)', 'month 13');
    expectError(() => readBarcode('(17)260431'), 'ID_INVALID', '(17)', 'day 31');
    expectError(() => readBarcode('(11)270229'), 'ID_INVALID', '(11)', 'day 29');
    expectError(() => readBarcode('(7003)2612001430'), 'ID_INVALID', '(7003)', 'DD = 00');
    expectError(() => readBarcode('(7003)2612312430'), 'ID_INVALID', '(7003)', 'hour 24');
  });

  it('measures must be six digits; unknown AIs and symbologies are named', () => {
    expectError(() => readBarcode('(3103)00050'), 'ID_INVALID', '(3103)', 'exactly 6');
    expectError(() => readBarcode('(01)09520123456788(7240)X'), 'ID_INVALID', '(7240)');
    expectError(() => readBarcode(']A0123'), 'ID_UNKNOWN_FORM', ']A0');
    expectError(() => readBarcode('https://id.gs1.org/01/09506000134352?7240=X'), 'ID_INVALID', '(7240)');
  });

  it('empty input, control characters and oversized input', () => {
    expectError(() => readBarcode('   '), 'ID_INVALID', 'empty');
    expectError(() => readBarcode('LOT\u0007'), 'ID_INVALID', 'control character');
    expectError(() => readBarcode('X'.repeat(5000)), 'ID_INVALID', 'at most 4096');
  });
});

describe('readBarcode round trip (property)', () => {
  const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
  const key = (n: number) => digits(n - 1).map((b) => `${b}${gs1CheckDigit(b)}`);
  // Character set 82 without brackets, which the bracketed form cannot carry inside a value.
  const text = (max: number) => fc.string({ unit: fc.constantFrom(...`!"%&'*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`), minLength: 1, maxLength: max });
  const date = fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 28 })).map(([y, m, d]) => [y, m, d].map((n) => String(n).padStart(2, '0')).join(''));
  const element: fc.Arbitrary<ElementStringElement> = fc.oneof(
    key(14).map((v) => ({ ai: '01', value: v })),
    key(18).map((v) => ({ ai: '00', value: v })),
    text(20).map((v) => ({ ai: '10', value: v })),
    text(20).map((v) => ({ ai: '21', value: v })),
    date.map((v) => ({ ai: '17', value: v })),
    date.map((v) => ({ ai: '11', value: v })),
    fc.tuple(fc.integer({ min: 0, max: 5 }), digits(6)).map(([n, v]) => ({ ai: `310${n}`, value: v })),
    digits(3).map((v) => ({ ai: '37', value: v })),
    text(30).map((v) => ({ ai: '400', value: v })),
    key(13).map((v) => ({ ai: '410', value: v })),
    fc.tuple(date.filter((d) => !d.endsWith('00')), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([d, h, m]) => ({ ai: '7003', value: `${d}${String(h).padStart(2, '0')}${String(m).padStart(2, '0')}` })),
  );
  const elements = fc.uniqueArray(element, { minLength: 1, maxLength: 6, selector: (e) => e.ai });

  it('raw with each symbology identifier, and bracketed, read back the same elements', () => {
    fc.assert(
      fc.property(elements, fc.constantFrom(']C1', ']d2', ']Q3', ']e0'), (els, sym) => {
        expect(gs1(formatElementString(els, 'raw', sym)).elements).toEqual(els);
        expect(gs1(formatElementString(els, 'bracketed')).elements).toEqual(els);
        expect(gs1(formatElementString(els, 'raw', sym).replaceAll(GS, '<GS>')).elements).toEqual(els);
      }),
      { numRuns: 300 },
    );
  });
});
