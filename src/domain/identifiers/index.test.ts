import { describe, expect, it } from 'vitest';
import { gtinRef, isGtin14, parseObjectUri, parsePlaceUri, parseRef, plainRef, type ObjectRef } from './index.js';
import { expectError } from '../../../test/helpers/expect-error.js';


const LOT7: ObjectRef = { kind: 'lot', item: '04012345123456', lot: 'LOT7' };

describe('parseObjectUri', () => {
  it('treats the DESIGN.md spellings of LOT7 as one object', () => {
    for (const uri of [
      'urn:epc:class:lgtin:4012345.012345.LOT7',
      'https://id.gs1.org/01/04012345123456/10/LOT7',
      'https://example.com/some/prefix/01/4012345123456/10/LOT7?17=261231',
      'urn:lotline:lot:04012345123456:LOT7',
    ]) {
      expect(parseObjectUri(uri), uri).toEqual(LOT7);
    }
  });

  it('treats LOT%2F7 and LOT/7 as the same lot', () => {
    const a = parseObjectUri('urn:epc:class:lgtin:4012345.012345.LOT%2F7');
    const b = parseObjectUri('https://id.gs1.org/01/04012345123456/10/LOT%2F7');
    expect(a).toEqual({ kind: 'lot', item: '04012345123456', lot: 'LOT/7' });
    expect(b).toEqual(a);
  });

  it('keeps URIs of no known form as other (EPCIS allows any URI as an EPC)', () => {
    for (const uri of [
      'urn:epc:id:gdti:0614141.00001.1618034',
      'urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8',
      'https://example.com/253/4012345000054987',
      'https://example.com/products/42',
      'tag:example.com,2026:pallet/7',
      'urn:epc:id:sgln:0614141.12345.0',
      'https://id.gs1.org/414/0614141123452',
      'urn:lotline:party:ACME',
    ]) {
      expect(parseObjectUri(uri), uri).toEqual({ kind: 'other', uri });
    }
  });

  it('never turns a known form with bad content into other', () => {
    expectError(() => parseObjectUri('urn:epc:class:lgtin:4012345.12345.LOT7'), 'ID_INVALID', 'must have 13');
    expectError(() => parseObjectUri('https://id.gs1.org/01/04012345123457/10/LOT7'), 'ID_BAD_CHECK_DIGIT', 'is 6');
    expectError(() => parseObjectUri('https://id.gs1.org/00/1234'), 'ID_INVALID', 'expected 18');
    expectError(() => parseObjectUri('urn:lotline:lot:only-item'), 'ID_INVALID', 'expected 2');
    expectError(() => parseObjectUri('urn:epc:id:sgln:0614141.1234.0'), 'ID_INVALID', 'must have 12');
    expectError(() => parseObjectUri('https://id.gs1.org/414/0614141123453'), 'ID_BAD_CHECK_DIGIT');
  });

  it('refuses strings without a scheme (ID_UNKNOWN_FORM) and malformed URIs (ID_INVALID)', () => {
    expectError(() => parseObjectUri('LOT7'), 'ID_UNKNOWN_FORM', '"LOT7"', 'no scheme');
    expectError(() => parseObjectUri(''), 'ID_UNKNOWN_FORM');
    expectError(() => parseObjectUri('04012345123456'), 'ID_UNKNOWN_FORM');
    expectError(() => parseObjectUri('urn:example:a b'), 'ID_INVALID', '"urn:example:a b"', '" "');
    expectError(() => parseObjectUri('urn:'), 'ID_INVALID', 'nothing follows');
    expectError(() => parseObjectUri('urn:example:%zz'), 'ID_INVALID', 'two hex digits');
  });
});

describe('parseRef', () => {
  it('accepts URIs and element strings, trimming what was typed', () => {
    expect(parseRef('  urn:epc:class:lgtin:4012345.012345.LOT7 ')).toEqual(LOT7);
    expect(parseRef('(01)04012345123456(10)LOT7(17)261231')).toEqual(LOT7);
    expect(parseRef(']C1010401234512345610LOT7\u001d17261231')).toEqual(LOT7);
    expect(parseRef('https://id.gs1.org/00/106141412345678908')).toEqual({ kind: 'unit', scheme: 'sscc', id: '106141412345678908' });
  });

  it('refuses bare words, listing the accepted forms and --item/--lot', () => {
    for (const input of ['SKU-123', '04012345123456', '', 'LOT 7']) {
      expectError(() => parseRef(input), 'ID_UNKNOWN_FORM', 'urn:epc:', 'https://id.gs1.org/', '(01)', 'urn:lotline:', '--item ITEM --lot LOT');
    }
    expectError(() => parseRef('SKU-123'), 'ID_UNKNOWN_FORM', '"SKU-123"');
  });

  it('passes errors of known forms through', () => {
    expectError(() => parseRef('(01)04012345123457(10)LOT7'), 'ID_BAD_CHECK_DIGIT', '(01)');
  });
});

describe('plainRef', () => {
  it('keeps plant codes verbatim apart from trimming', () => {
    expect(plainRef({ item: ' SKU-123 ', lot: '2026-05-04-A' })).toEqual({ kind: 'lot', item: 'SKU-123', lot: '2026-05-04-A' });
    expect(plainRef({ item: 'pump', serial: 'SN 1' })).toEqual({ kind: 'serial', item: 'pump', serial: 'SN 1' });
    expect(plainRef({ item: '4012345123456' })).toEqual({ kind: 'class', item: '4012345123456' });
  });

  it('refuses empty values, control characters and both lot and serial, naming the field', () => {
    expectError(() => plainRef({ item: '  ' }), 'ID_INVALID', 'item is empty');
    expectError(() => plainRef({ item: 'SKU', lot: '' }), 'ID_INVALID', 'lot is empty');
    expectError(() => plainRef({ item: 'SKU', serial: ' ' }), 'ID_INVALID', 'serial is empty');
    expectError(() => plainRef({ item: 'SK\tU' }), 'ID_INVALID', 'item', 'control character');
    expectError(() => plainRef({ item: 'SKU', lot: 'L\u00851' }), 'ID_INVALID', 'lot', 'control character');
    expectError(() => plainRef({ item: 'SKU', lot: 'L1', serial: 'S1' }), 'ID_INVALID', '"SKU"', 'not both');
  });
});

describe('gtinRef', () => {
  it('normalises the GTIN', () => {
    expect(gtinRef({ gtin: '4012345123456', lot: 'LOT7' })).toEqual(LOT7);
    expect(gtinRef({ gtin: '96385074', serial: '1' })).toEqual({ kind: 'serial', item: '00000096385074', serial: '1' });
    expect(gtinRef({ gtin: '04012345123456' })).toEqual({ kind: 'class', item: '04012345123456' });
  });

  it('refuses bad GTINs and bad codes', () => {
    expectError(() => gtinRef({ gtin: '4012345123457', lot: 'L' }), 'ID_BAD_CHECK_DIGIT', '"4012345123457"', 'is 6');
    expectError(() => gtinRef({ gtin: 'ABC' }), 'ID_INVALID', '"ABC"');
    expectError(() => gtinRef({ gtin: '04012345123456', lot: '' }), 'ID_INVALID', 'lot is empty');
  });
});

describe('parsePlaceUri', () => {
  it('reads SGLN/PGLN URNs, Digital Links and Lotline URNs', () => {
    expect(parsePlaceUri('urn:epc:id:sgln:0614141.12345.0')).toEqual({ kind: 'sgln', gln: '0614141123452' });
    expect(parsePlaceUri('https://id.gs1.org/414/0614141123452')).toEqual({ kind: 'sgln', gln: '0614141123452' });
    expect(parsePlaceUri('urn:epc:id:sgln:0614141.12345.400')).toEqual(
      parsePlaceUri('https://example.org/414/0614141123452/254/400'),
    );
    expect(parsePlaceUri('urn:epc:id:pgln:0614141.12345')).toEqual(parsePlaceUri('https://id.gs1.org/417/0614141123452'));
    expect(parsePlaceUri('urn:lotline:party:ACME%20Foods')).toEqual({ kind: 'party', name: 'ACME Foods' });
    expect(parsePlaceUri('urn:lotline:loc:Cold%20room')).toEqual({ kind: 'loc', name: 'Cold room' });
  });

  it('refuses other forms', () => {
    expectError(() => parsePlaceUri('urn:epc:id:sgtin:4012345.012345.400'), 'ID_UNKNOWN_FORM', 'SGLN or PGLN');
    expectError(() => parsePlaceUri('https://example.com/site/1'), 'ID_UNKNOWN_FORM', '"https://example.com/site/1"', '/414/');
    expectError(() => parsePlaceUri('https://id.gs1.org/01/04012345123456'), 'ID_INVALID', 'names an object');
    expectError(() => parsePlaceUri('urn:lotline:lot:SKU:L'), 'ID_INVALID', 'not a party or location');
  });
});

describe('isGtin14', () => {
  it('is re-exported', () => {
    expect(isGtin14('04012345123456')).toBe(true);
    expect(isGtin14('SKU-123')).toBe(false);
  });
});
