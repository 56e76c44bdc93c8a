import { describe, expect, it } from 'vitest';
import {
  displayName,
  isLotlineUri,
  locationUri,
  lotlineUri,
  parseLotlinePlaceUri,
  parseLotlineUri,
  partyUri,
} from './lotline-uri.js';
import type { ObjectRef } from './object-ref.js';
import { expectError } from '../../../test/helpers/expect-error.js';


describe('lotlineUri / parseLotlineUri', () => {
  const cases: Array<[ObjectRef, string]> = [
    [{ kind: 'lot', item: 'SKU-123', lot: '2026-05-04-A' }, 'urn:lotline:lot:SKU-123:2026-05-04-A'],
    [{ kind: 'serial', item: 'PUMP 7', serial: 'SN:0001' }, 'urn:lotline:serial:PUMP%207:SN%3A0001'],
    [{ kind: 'class', item: 'FLOUR/T55' }, 'urn:lotline:class:FLOUR%2FT55'],
    [{ kind: 'unit', scheme: 'plant', id: 'PAL-0042' }, 'urn:lotline:unit:PAL-0042'],
    [{ kind: 'unit', scheme: 'sscc', id: '106141412345678908' }, 'urn:lotline:unit:sscc:106141412345678908'],
    [{ kind: 'lot', item: 'a%b', lot: 'Größe:1' }, 'urn:lotline:lot:a%25b:Gr%C3%B6%C3%9Fe%3A1'],
  ];

  it.each(cases)('%j ⇄ %s', (ref, uri) => {
    expect(lotlineUri(ref)).toBe(uri);
    expect(parseLotlineUri(uri)).toEqual(ref);
  });

  it('returns an other ref as its own URI', () => {
    expect(lotlineUri({ kind: 'other', uri: 'urn:example:x' })).toBe('urn:example:x');
  });

  it('decodes exactly once', () => {
    expect(parseLotlineUri('urn:lotline:lot:SKU:LOT%252F7')).toEqual({ kind: 'lot', item: 'SKU', lot: 'LOT%2F7' });
  });

  it('is case-insensitive in the prefix and type', () => {
    expect(parseLotlineUri('URN:LOTLINE:LOT:SKU:L1')).toEqual({ kind: 'lot', item: 'SKU', lot: 'L1' });
  });

  it('errors name the URN and what is wrong', () => {
    expectError(() => parseLotlineUri('urn:lotline:lot:SKU:A:B'), 'ID_INVALID', 'urn:lotline:lot:SKU:A:B', '3 component(s)', '%3A');
    expectError(() => parseLotlineUri('urn:lotline:lot::L1'), 'ID_INVALID', 'item is empty');
    expectError(() => parseLotlineUri('urn:lotline:lot:SKU:%00'), 'ID_INVALID', 'control character');
    expectError(() => parseLotlineUri('urn:lotline:batch:SKU:L1'), 'ID_INVALID', '"batch"', 'lot, serial');
    expectError(() => parseLotlineUri('urn:lotline:lot:SKU:%ZZ'), 'ID_INVALID', 'malformed percent-encoding');
    expectError(() => parseLotlineUri('urn:lotline:unit:crate:1'), 'ID_INVALID', '"crate"', 'sscc, grai, giai, plant');
    expectError(() => parseLotlineUri('urn:lotline:party:ACME'), 'ID_INVALID', 'party');
    expectError(() => parseLotlineUri('urn:epc:id:sgtin:1.2.3'), 'ID_UNKNOWN_FORM', 'not a Lotline URN');
  });
});

describe('party and location URNs', () => {
  it('encode names and parse back', () => {
    expect(partyUri('ACME Foods')).toBe('urn:lotline:party:ACME%20Foods');
    expect(locationUri('Plant 1: Line 3')).toBe('urn:lotline:loc:Plant%201%3A%20Line%203');
    expect(parseLotlinePlaceUri('urn:lotline:party:ACME%20Foods')).toEqual({ kind: 'party', name: 'ACME Foods' });
    expect(parseLotlinePlaceUri(locationUri('Plant 1: Line 3'))).toEqual({ kind: 'loc', name: 'Plant 1: Line 3' });
  });

  it('refuse empty names and object URNs', () => {
    expectError(() => partyUri(''), 'ID_INVALID', 'party name is empty');
    expectError(() => locationUri('A\nB'), 'ID_INVALID', 'location name', 'control character');
    expectError(() => parseLotlinePlaceUri('urn:lotline:lot:SKU:L1'), 'ID_INVALID', 'not a party or location');
  });

  it('displayName shows the decoded name, and any other URI unchanged', () => {
    expect(displayName('urn:lotline:party:ACME%20Foods')).toBe('ACME Foods');
    expect(displayName('urn:lotline:loc:Cold%20room')).toBe('Cold room');
    expect(displayName('urn:epc:id:pgln:0614141.12345')).toBe('urn:epc:id:pgln:0614141.12345');
    expect(displayName('urn:lotline:lot:SKU:L1')).toBe('urn:lotline:lot:SKU:L1');
    expect(displayName('urn:lotline:party:%ZZ')).toBe('urn:lotline:party:%ZZ');
  });

  it('isLotlineUri', () => {
    expect(isLotlineUri('urn:lotline:party:x')).toBe(true);
    expect(isLotlineUri('urn:lotlinex:party:x')).toBe(false);
  });
});
