import { describe, expect, it } from 'vitest';
import { digitalLinkKey, isDigitalLink, parseDigitalLink, parseDigitalLinkPlace, toDigitalLink } from './digital-link.js';
import type { ObjectRef } from './object-ref.js';
import { expectError } from '../../../test/helpers/expect-error.js';


const LOT7: ObjectRef = { kind: 'lot', item: '04012345123456', lot: 'LOT7' };

describe('parseDigitalLink', () => {
  it('reads the DESIGN.md example', () => {
    expect(parseDigitalLink('https://id.gs1.org/01/04012345123456/10/LOT7')).toEqual(LOT7);
  });

  it('accepts any host, a path prefix, key qualifiers and a query string', () => {
    for (const uri of [
      'https://example.com/some/prefix/01/04012345123456/10/LOT7',
      'http://EXAMPLE.com:8080/01/04012345123456/22/V2/10/LOT7?17=261231&linkType=gs1:pip',
      'https://id.gs1.org/01/04012345123456/10/LOT7/',
      'https://id.gs1.org/01/04012345123456/10/LOT7#top',
      // A prefix segment that happens to be an AI does not fool the parser.
      'https://example.com/01/catalogue/01/04012345123456/10/LOT7',
    ]) {
      expect(parseDigitalLink(uri), uri).toEqual(LOT7);
    }
  });

  it('pads GTIN-8/12/13 to 14 digits', () => {
    expect(parseDigitalLink('https://id.gs1.org/01/4012345123456/10/LOT7')).toEqual(LOT7);
    expect(parseDigitalLink('https://id.gs1.org/01/036000291452')).toEqual({ kind: 'class', item: '00036000291452' });
    expect(parseDigitalLink('https://id.gs1.org/01/96385074')).toEqual({ kind: 'class', item: '00000096385074' });
  });

  it('serial, class, SSCC, GRAI, GIAI', () => {
    expect(parseDigitalLink('https://id.gs1.org/01/04012345123456/21/400')).toEqual({
      kind: 'serial',
      item: '04012345123456',
      serial: '400',
    });
    // A serial names one instance even when the lot is given as well.
    expect(parseDigitalLink('https://id.gs1.org/01/04012345123456/10/LOT7/21/400')).toMatchObject({ kind: 'serial' });
    expect(parseDigitalLink('https://id.gs1.org/01/04012345123456/235/TPX1/21/400')).toMatchObject({ serial: '400' });
    expect(parseDigitalLink('https://id.gs1.org/01/04012345123456')).toEqual({ kind: 'class', item: '04012345123456' });
    expect(parseDigitalLink('https://id.gs1.org/00/106141412345678908')).toEqual({
      kind: 'unit',
      scheme: 'sscc',
      id: '106141412345678908',
    });
    expect(parseDigitalLink('https://id.gs1.org/8003/00614141123452400')).toEqual({
      kind: 'unit',
      scheme: 'grai',
      id: '00614141123452400',
    });
    expect(parseDigitalLink('https://id.gs1.org/8004/4000001111')).toEqual({ kind: 'unit', scheme: 'giai', id: '4000001111' });
  });

  it('decodes percent-encoding exactly once', () => {
    expect(parseDigitalLink('https://id.gs1.org/01/04012345123456/10/LOT%2F7')).toMatchObject({ lot: 'LOT/7' });
    expect(parseDigitalLink('https://id.gs1.org/01/04012345123456/10/LOT%252F7')).toMatchObject({ lot: 'LOT%2F7' });
  });

  it('errors name the URI and what is wrong', () => {
    const bad = 'https://id.gs1.org/01/04012345123457/10/LOT7';
    expectError(() => parseDigitalLink(bad), 'ID_BAD_CHECK_DIGIT', bad, 'correct check digit is 6');
    expectError(() => parseDigitalLink('https://id.gs1.org/01/0401234512/10/LOT7'), 'ID_INVALID', '10 digits');
    expectError(() => parseDigitalLink('https://id.gs1.org/00/10614141234567890'), 'ID_INVALID', '/00/', 'expected 18');
    expectError(() => parseDigitalLink('https://id.gs1.org/01/04012345123456/10'), 'ID_INVALID', 'without a value');
    expectError(() => parseDigitalLink('https://id.gs1.org/01/04012345123456/99/x'), 'ID_INVALID', '/99/ is not a key qualifier of /01/');
    expectError(() => parseDigitalLink('https://id.gs1.org/01/04012345123456/10/A%20B'), 'ID_INVALID', 'lot in', 'character set 82');
    expectError(() => parseDigitalLink('https://id.gs1.org/01/04012345123456/10/A/10/B'), 'ID_INVALID', 'appears twice');
    expectError(() => parseDigitalLink('https://id.gs1.org/01/04012345123456/10/%E0%A4%A'), 'ID_INVALID', 'malformed percent-encoding');
    expectError(() => parseDigitalLink('https://id.gs1.org/414/0614141123452'), 'ID_INVALID', 'location');
    expectError(() => parseDigitalLink('https://example.com/about'), 'ID_UNKNOWN_FORM', 'https://example.com/about');
  });
});

describe('parseDigitalLinkPlace', () => {
  it('414 (with optional 254) and 417', () => {
    expect(parseDigitalLinkPlace('https://id.gs1.org/414/0614141123452')).toEqual({ kind: 'sgln', gln: '0614141123452' });
    expect(parseDigitalLinkPlace('https://id.gs1.org/414/0614141123452/254/400')).toEqual({
      kind: 'sgln',
      gln: '0614141123452',
      extension: '400',
    });
    expect(parseDigitalLinkPlace('https://example.com/x/417/0614141123452?a=b')).toEqual({ kind: 'pgln', gln: '0614141123452' });
  });

  it('errors', () => {
    expectError(() => parseDigitalLinkPlace('https://id.gs1.org/414/0614141123453'), 'ID_BAD_CHECK_DIGIT', '/414/', 'is 2');
    expectError(() => parseDigitalLinkPlace('https://id.gs1.org/417/0614141123452/254/1'), 'ID_INVALID', 'takes none');
    expectError(() => parseDigitalLinkPlace('https://id.gs1.org/01/04012345123456'), 'ID_INVALID', 'names an object');
  });
});

describe('digitalLinkKey / isDigitalLink', () => {
  it('finds the primary key, or nothing', () => {
    expect(digitalLinkKey('https://example.com/p/01/04012345123456/10/L')).toBe('01');
    expect(digitalLinkKey('https://id.gs1.org/8004/4000001111')).toBe('8004');
    expect(isDigitalLink('https://example.com/253/4012345000054987')).toBe(false);
    expect(isDigitalLink('https://example.com/')).toBe(false);
    expect(isDigitalLink('urn:epc:id:sgtin:4012345.012345.400')).toBe(false);
  });
});

describe('toDigitalLink', () => {
  it('builds canonical id.gs1.org links for GS1 refs', () => {
    expect(toDigitalLink(LOT7)).toBe('https://id.gs1.org/01/04012345123456/10/LOT7');
    expect(toDigitalLink({ kind: 'serial', item: '04012345123456', serial: '400' })).toBe(
      'https://id.gs1.org/01/04012345123456/21/400',
    );
    expect(toDigitalLink({ kind: 'class', item: '04012345123456' })).toBe('https://id.gs1.org/01/04012345123456');
    expect(toDigitalLink({ kind: 'unit', scheme: 'sscc', id: '106141412345678908' })).toBe('https://id.gs1.org/00/106141412345678908');
    expect(toDigitalLink({ kind: 'unit', scheme: 'grai', id: '00614141123452400' })).toBe('https://id.gs1.org/8003/00614141123452400');
    expect(toDigitalLink({ kind: 'unit', scheme: 'giai', id: '4000001111' })).toBe('https://id.gs1.org/8004/4000001111');
  });

  it('percent-encodes reserved characters of the lot', () => {
    expect(toDigitalLink({ kind: 'lot', item: '04012345123456', lot: "LOT/7?&'(x)*" })).toBe(
      'https://id.gs1.org/01/04012345123456/10/LOT%2F7%3F%26%27%28x%29%2A',
    );
  });

  it('falls back to the Lotline URN (or the URI itself) for what a Digital Link cannot carry', () => {
    expect(toDigitalLink({ kind: 'lot', item: 'SKU-123', lot: '2026-05-04-A' })).toBe('urn:lotline:lot:SKU-123:2026-05-04-A');
    // A 14-digit plant code with a wrong check digit is not a GTIN.
    expect(toDigitalLink({ kind: 'class', item: '04012345123457' })).toBe('urn:lotline:class:04012345123457');
    expect(toDigitalLink({ kind: 'lot', item: '04012345123456', lot: 'LOT 7' })).toBe('urn:lotline:lot:04012345123456:LOT%207');
    expect(toDigitalLink({ kind: 'unit', scheme: 'plant', id: 'PAL:1' })).toBe('urn:lotline:unit:PAL%3A1');
    expect(toDigitalLink({ kind: 'other', uri: 'urn:example:thing:1' })).toBe('urn:example:thing:1');
  });
});
