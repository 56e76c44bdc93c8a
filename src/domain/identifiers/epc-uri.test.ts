import { describe, expect, it } from 'vitest';
import { isEpcObjectUri, isEpcPlaceUri, isEpcUri, parseEpcPlaceUri, parseEpcUri } from './epc-uri.js';
import { expectError } from '../../../test/helpers/expect-error.js';


describe('parseEpcUri: DESIGN.md examples', () => {
  it('LGTIN class → lot, with the GTIN-14 rebuilt (indicator + prefix + item ref + check digit)', () => {
    expect(parseEpcUri('urn:epc:class:lgtin:4012345.012345.LOT7')).toEqual({
      kind: 'lot',
      item: '04012345123456',
      lot: 'LOT7',
    });
  });

  it('SGTIN → serial', () => {
    expect(parseEpcUri('urn:epc:id:sgtin:4012345.012345.400')).toEqual({
      kind: 'serial',
      item: '04012345123456',
      serial: '400',
    });
  });

  it('SGTIN pattern → class', () => {
    expect(parseEpcUri('urn:epc:idpat:sgtin:4012345.012345.*')).toEqual({ kind: 'class', item: '04012345123456' });
  });

  it('SSCC → unit, extension digit first (0 + 4012345 + 000000001 + check 6)', () => {
    expect(parseEpcUri('urn:epc:id:sscc:4012345.0000000001')).toEqual({
      kind: 'unit',
      scheme: 'sscc',
      id: '040123450000000016',
    });
  });
});

describe('parseEpcUri: Tag Data Standard examples', () => {
  it.each([
    ['urn:epc:id:sgtin:0614141.812345.6789', { kind: 'serial', item: '80614141123458', serial: '6789' }],
    ['urn:epc:id:sscc:0614141.1234567890', { kind: 'unit', scheme: 'sscc', id: '106141412345678908' }],
    ['urn:epc:id:grai:0614141.12345.400', { kind: 'unit', scheme: 'grai', id: '00614141123452400' }],
    ['urn:epc:id:giai:0614141.12345400', { kind: 'unit', scheme: 'giai', id: '061414112345400' }],
  ])('%s', (uri, ref) => {
    expect(parseEpcUri(uri)).toEqual(ref);
  });

  it('handles a 12-digit company prefix (item reference is the indicator alone)', () => {
    expect(parseEpcUri('urn:epc:idpat:sgtin:401234512345.0.*')).toEqual({ kind: 'class', item: '04012345123456' });
  });

  it('handles a 6-digit company prefix', () => {
    expect(parseEpcUri('urn:epc:class:lgtin:401234.0512345.L1')).toEqual({ kind: 'lot', item: '04012345123456', lot: 'L1' });
  });
});

describe('parseEpcUri: values', () => {
  it('decodes percent-encoding exactly once', () => {
    expect(parseEpcUri('urn:epc:class:lgtin:4012345.012345.LOT%2F7')).toEqual({
      kind: 'lot',
      item: '04012345123456',
      lot: 'LOT/7',
    });
    expect(parseEpcUri('urn:epc:class:lgtin:4012345.012345.LOT%252F7')).toMatchObject({ lot: 'LOT%2F7' });
  });

  it('keeps dots inside the serial or lot', () => {
    expect(parseEpcUri('urn:epc:id:sgtin:4012345.012345.A.B.C')).toMatchObject({ serial: 'A.B.C' });
  });

  it('is case-insensitive in the URN prefix', () => {
    expect(parseEpcUri('URN:EPC:CLASS:LGTIN:4012345.012345.lot7')).toEqual({
      kind: 'lot',
      item: '04012345123456',
      lot: 'lot7',
    });
  });

  it('refuses lots and serials outside GS1 rules', () => {
    expectError(() => parseEpcUri('urn:epc:class:lgtin:4012345.012345.'), 'ID_INVALID', 'lot in', 'is empty');
    expectError(() => parseEpcUri(`urn:epc:id:sgtin:4012345.012345.${'9'.repeat(21)}`), 'ID_INVALID', 'at most 20');
    expectError(() => parseEpcUri('urn:epc:id:sgtin:4012345.012345.A%20B'), 'ID_INVALID', 'character set 82');
    expectError(() => parseEpcUri('urn:epc:id:sgtin:4012345.012345.A%2'), 'ID_INVALID', 'malformed percent-encoding');
  });
});

describe('parseEpcUri: errors name the input and what is wrong', () => {
  it('wrong digit count', () => {
    const uri = 'urn:epc:id:sgtin:4012345.12345.400';
    expectError(() => parseEpcUri(uri), 'ID_INVALID', uri, '7+5=12 digits', 'must have 13');
    expectError(() => parseEpcUri('urn:epc:id:sscc:4012345.000000001'), 'ID_INVALID', '7+9=16', 'must have 17');
  });

  it('non-digits in the key fields', () => {
    expectError(() => parseEpcUri('urn:epc:id:sgtin:4012345.01234A.400'), 'ID_INVALID', 'only digits', '"01234A"');
    expectError(() => parseEpcUri('urn:epc:id:sgtin:40123X5.012345.400'), 'ID_INVALID', 'company prefix', '"40123X5"');
  });

  it('company prefix length outside 6–12', () => {
    expectError(() => parseEpcUri('urn:epc:id:sgtin:40123.01234567.1'), 'ID_INVALID', '6 to 12 digits');
  });

  it('missing fields', () => {
    const uri = 'urn:epc:id:sgtin:4012345.012345';
    expectError(() => parseEpcUri(uri), 'ID_INVALID', uri, '2 dot-separated field(s); expected 3');
  });

  it('patterns over many items, and patterns that are not patterns', () => {
    expectError(() => parseEpcUri('urn:epc:idpat:sgtin:4012345.*.*'), 'ID_INVALID', 'many items');
    expectError(() => parseEpcUri('urn:epc:idpat:sgtin:4012345.012345.400'), 'ID_INVALID', "'.*'");
  });

  it('unknown EPC schemes → ID_UNKNOWN_FORM', () => {
    const uri = 'urn:epc:id:gdti:0614141.00001.1618034';
    expectError(() => parseEpcUri(uri), 'ID_UNKNOWN_FORM', uri, 'urn:epc:id:sgtin');
    expectError(() => parseEpcUri('urn:epc:class:sgtin:4012345.012345.1'), 'ID_UNKNOWN_FORM');
    expectError(() => parseEpcUri('urn:example:1'), 'ID_UNKNOWN_FORM');
  });
});

describe('parseEpcPlaceUri', () => {
  it('SGLN with and without extension ("0" means none)', () => {
    expect(parseEpcPlaceUri('urn:epc:id:sgln:0614141.12345.400')).toEqual({
      kind: 'sgln',
      gln: '0614141123452',
      extension: '400',
    });
    expect(parseEpcPlaceUri('urn:epc:id:sgln:0614141.12345.0')).toEqual({ kind: 'sgln', gln: '0614141123452' });
    expect(parseEpcPlaceUri('urn:epc:id:sgln:0614141.12345.A%2FB')).toMatchObject({ extension: 'A/B' });
  });

  it('SGLN with a 12-digit company prefix (empty location reference)', () => {
    expect(parseEpcPlaceUri('urn:epc:id:sgln:061414112345..0')).toEqual({ kind: 'sgln', gln: '0614141123452' });
  });

  it('PGLN', () => {
    expect(parseEpcPlaceUri('urn:epc:id:pgln:0614141.12345')).toEqual({ kind: 'pgln', gln: '0614141123452' });
  });

  it('errors', () => {
    expectError(() => parseEpcPlaceUri('urn:epc:id:sgln:0614141.1234.0'), 'ID_INVALID', '7+4=11', 'must have 12');
    expectError(() => parseEpcPlaceUri('urn:epc:id:pgln:0614141.1234X'), 'ID_INVALID', 'only digits');
    expectError(() => parseEpcPlaceUri('urn:epc:id:sgtin:4012345.012345.400'), 'ID_UNKNOWN_FORM', 'SGLN or PGLN');
  });
});

describe('form predicates', () => {
  it('tell object, place and other EPC URIs apart', () => {
    expect(isEpcUri('urn:epc:id:gdti:0614141.00001.1618034')).toBe(true);
    expect(isEpcUri('urn:lotline:lot:a:b')).toBe(false);
    expect(isEpcObjectUri('urn:epc:id:sgtin:4012345.012345.400')).toBe(true);
    expect(isEpcObjectUri('urn:epc:id:sgln:0614141.12345.0')).toBe(false);
    expect(isEpcPlaceUri('urn:epc:id:pgln:0614141.12345')).toBe(true);
    expect(isEpcObjectUri('urn:epc:id:gdti:0614141.00001.1618034')).toBe(false);
  });
});
