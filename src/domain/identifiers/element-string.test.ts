import { describe, expect, it } from 'vitest';
import { SUPPORTED_AIS, parseElementString, refFromElementString } from './element-string.js';
import { expectError } from '../../../test/helpers/expect-error.js';


const GS = '\u001d';
const DESIGN_ELEMENTS = [
  { ai: '01', value: '04012345123456' },
  { ai: '10', value: 'LOT7' },
  { ai: '17', value: '261231' },
];

describe('parseElementString', () => {
  it('reads the bracketed DESIGN.md example', () => {
    expect(parseElementString('(01)04012345123456(10)LOT7(17)261231').elements).toEqual(DESIGN_ELEMENTS);
  });

  it('reads the raw scanner form with each GS1 symbology identifier', () => {
    for (const sym of [']C1', ']d2', ']Q3', ']e0', ']J1']) {
      expect(parseElementString(`${sym}010401234512345610LOT7${GS}17261231`).elements, sym).toEqual(DESIGN_ELEMENTS);
    }
  });

  it('does not need a GS after fixed-length fields, and accepts the <GS> and {GS} stand-ins', () => {
    expect(parseElementString(']d2010401234512345617261231' + '10LOT7').elements).toEqual([
      DESIGN_ELEMENTS[0],
      DESIGN_ELEMENTS[2],
      DESIGN_ELEMENTS[1],
    ]);
    expect(parseElementString('010401234512345610LOT7<GS>17261231').elements).toEqual(DESIGN_ELEMENTS);
    expect(parseElementString('010401234512345610LOT7{GS}17261231').elements).toEqual(DESIGN_ELEMENTS);
    // FNC1 transmitted as a leading GS, and a GS after a fixed field, are harmless.
    expect(parseElementString(`${GS}0104012345123456${GS}10LOT7${GS}17261231`).elements).toEqual(DESIGN_ELEMENTS);
  });

  it('tolerates spaces around bracketed fields as printed under barcodes', () => {
    expect(parseElementString(' (01) 04012345123456 (10) LOT7 (17) 261231 ').elements).toEqual(DESIGN_ELEMENTS);
  });

  it('reads a logistic label: SSCC, content GTIN, count, lot, weight', () => {
    const raw = ']C100106141412345678908020401234512345637' + `24${GS}10LOT7${GS}3103001250`;
    expect(parseElementString(raw).elements).toEqual([
      { ai: '00', value: '106141412345678908' },
      { ai: '02', value: '04012345123456' },
      { ai: '37', value: '24' },
      { ai: '10', value: 'LOT7' },
      { ai: '3103', value: '001250' },
    ]);
  });

  it('reads the other supported AIs', () => {
    const s =
      '(11)260101(13)260102(15)260103(21)S/N-1(30)12345678(400)PO-4711(414)0614141123452(417)0614141123452' +
      '(8003)00614141123452400(8004)061414112345400(3202)000150(3300)001000(254)EXT1';
    expect(parseElementString(s).elements.map((e) => e.ai)).toEqual([
      '11', '13', '15', '21', '30', '400', '414', '417', '8003', '8004', '3202', '3300', '254',
    ]);
    expect(SUPPORTED_AIS).toContain('3165');
    expect(SUPPORTED_AIS).not.toContain('3106');
  });

  it('turns an EAN-13 / EAN-8 scan into a GTIN', () => {
    expect(parseElementString(']E05901234123457').elements).toEqual([{ ai: '01', value: '05901234123457' }]);
    expect(parseElementString(']E496385074').elements).toEqual([{ ai: '01', value: '00000096385074' }]);
  });

  describe('errors name the input and what is wrong', () => {
    it('bad check digits of 00, 01, 02, 414, 417', () => {
      expectError(() => parseElementString('(01)04012345123457'), 'ID_BAD_CHECK_DIGIT', '(01)', '"(01)04012345123457"', 'is 6');
      expectError(() => parseElementString('(00)106141412345678909'), 'ID_BAD_CHECK_DIGIT', '(00)', 'is 8');
      expectError(() => parseElementString('(02)04012345123457'), 'ID_BAD_CHECK_DIGIT', '(02)');
      expectError(() => parseElementString('(414)0614141123453'), 'ID_BAD_CHECK_DIGIT', '(414)', 'is 2');
      expectError(() => parseElementString('(417)0614141123453'), 'ID_BAD_CHECK_DIGIT', '(417)');
    });

    it('an unknown AI is named', () => {
      expectError(() => parseElementString('(01)04012345123456(7240)X'), 'ID_INVALID', '(7240)');
      expectError(() => parseElementString(']C10104012345123456723'), 'ID_INVALID', '"723"', 'position 16');
      expectError(() => parseElementString(']C1AB'), 'ID_INVALID', 'expected a GS1 Application Identifier');
    });

    it('wrong lengths', () => {
      expectError(() => parseElementString('(01)4012345123456'), 'ID_INVALID', '(01)', 'exactly 14');
      expectError(() => parseElementString(']C101040123451234'), 'ID_INVALID', '(01)', 'exactly 14');
      expectError(() => parseElementString(`(10)${'A'.repeat(21)}`), 'ID_INVALID', '(10)', 'at most 20');
      // Without a GS, a variable field swallows what follows and becomes too long.
      expectError(() => parseElementString('10LOT7170261231012345678901234567'), 'ID_INVALID', '(10)', 'at most 20');
      expectError(() => parseElementString('(30)123456789'), 'ID_INVALID', '(30)', 'at most 8');
    });

    it('bad values', () => {
      expectError(() => parseElementString('(17)261331'), 'ID_INVALID', '(17)', 'YYMMDD');
      expectError(() => parseElementString('(11)26AB01'), 'ID_INVALID', '(11)', 'digits');
      expectError(() => parseElementString('(37)1A'), 'ID_INVALID', '(37)', 'digits');
      expectError(() => parseElementString('(10)LOT 7'), 'ID_INVALID', '(10)', 'character set 82');
      expectError(() => parseElementString('(10)A(10)B'), 'ID_INVALID', '(10) twice');
    });

    it('structure', () => {
      expectError(() => parseElementString('(1)x(01)04012345123456'), 'ID_INVALID', 'must start with an AI');
      expectError(() => parseElementString('x(01)04012345123456'), 'ID_INVALID', '"x(01"', 'expected a GS1 Application Identifier');
      expectError(() => parseElementString(']C1'), 'ID_INVALID', 'no element string');
      expectError(() => parseElementString(']A0123'), 'ID_UNKNOWN_FORM', '"]A0"', ']C1');
      expectError(() => parseElementString(']E0123'), 'ID_INVALID', '13 digits');
    });
  });
});

describe('refFromElementString', () => {
  it('01+10 → lot, 01+21 → serial, 01 → class, 00 → SSCC, 8003/8004 → units', () => {
    expect(refFromElementString('(01)04012345123456(10)LOT7(17)261231')).toEqual({
      kind: 'lot',
      item: '04012345123456',
      lot: 'LOT7',
    });
    expect(refFromElementString(']d201040123451234562140')).toEqual({ kind: 'serial', item: '04012345123456', serial: '40' });
    expect(refFromElementString('(01)04012345123456(10)L(21)S')).toMatchObject({ kind: 'serial', serial: 'S' });
    expect(refFromElementString('(01)04012345123456(17)261231')).toEqual({ kind: 'class', item: '04012345123456' });
    expect(refFromElementString(']C100106141412345678908' + '0204012345123456')).toEqual({
      kind: 'unit',
      scheme: 'sscc',
      id: '106141412345678908',
    });
    expect(refFromElementString('(8003)00614141123452400')).toEqual({ kind: 'unit', scheme: 'grai', id: '00614141123452400' });
    expect(refFromElementString('(8004)061414112345400')).toEqual({ kind: 'unit', scheme: 'giai', id: '061414112345400' });
  });

  it('decodes nothing: a lot is taken as printed', () => {
    expect(refFromElementString('(01)04012345123456(10)LOT%2F7')).toMatchObject({ lot: 'LOT%2F7' });
  });

  it('refuses strings that identify no object, listing what it found', () => {
    expectError(() => refFromElementString('(02)04012345123456(10)LOT7'), 'ID_INVALID', 'identifies no object', '(02)(10)');
  });
});
