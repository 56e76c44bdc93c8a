import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  KNOWN_UNITS,
  UOM_PATTERN,
  baseUnit,
  convertQuantity,
  sameDimension,
  unitInfo,
} from './units.js';


describe('unit table', () => {
  it('every code matches the EPCIS uom pattern', () => {
    for (const code of KNOWN_UNITS) expect(code).toMatch(UOM_PATTERN);
  });

  it('describes units with dimension, base and factor', () => {
    expect(unitInfo('GRM')).toEqual({ code: 'GRM', name: 'gram', dimension: 'mass', base: 'KGM', factor: 0.001 });
    expect(unitInfo('DZN')).toMatchObject({ dimension: 'count', base: 'EA', factor: 12 });
    expect(unitInfo('MTQ')).toMatchObject({ dimension: 'volume', base: 'LTR', factor: 1000 });
    expect(unitInfo('CS')).toMatchObject({ dimension: 'packaging', base: 'CS' });
    expect(unitInfo('XYZ')).toBeUndefined();
  });

  it('treats a missing uom as EA', () => {
    expect(unitInfo(undefined)).toMatchObject({ code: 'EA', dimension: 'count' });
    expect(unitInfo(null)?.code).toBe('EA');
    expect(baseUnit(null)).toBe('EA');
    expect(convertQuantity(24, undefined, 'DZN')).toBe(2);
    expect(convertQuantity(3, null, undefined)).toBe(3);
    expect(sameDimension(undefined, 'H87')).toBe(true);
  });
});

describe('convertQuantity', () => {
  it.each([
    [1500, 'GRM', 'KGM', 1.5],
    [2, 'KGM', 'GRM', 2000],
    [1, 'TNE', 'KGM', 1000],
    [250, 'MGM', 'GRM', 0.25],
    [1, 'LBR', 'KGM', 0.45359237],
    [16, 'ONZ', 'LBR', 1],
    [1, 'LBR', 'ONZ', 16],
    [750, 'MLT', 'LTR', 0.75],
    [75, 'CLT', 'MLT', 750],
    [1, 'MTQ', 'LTR', 1000],
    [1, 'GLL', 'LTR', 3.785411784],
    [4, 'QTL', 'GLL', 1],
    [1, 'GLI', 'LTR', 4.54609],
    [8, 'PTI', 'GLI', 1],
    [1, 'OZA', 'MLT', 29.5735295625],
    [3, 'DZN', 'EA', 36],
    [5, 'PR', 'H87', 10],
    [12, 'C62', 'DZN', 1],
    [1, 'FOT', 'INH', 12],
    [250, 'CMT', 'MTR', 2.5],
    [1, 'HAR', 'MTK', 10000],
  ])('%d %s = %d %s', (q, from, to, expected) => {
    expect(convertQuantity(q, from, to)).toBe(expected);
  });

  it('is null across dimensions, for packaging units and for unknown codes that differ', () => {
    expect(convertQuantity(1, 'KGM', 'LTR')).toBeNull();
    expect(convertQuantity(1, 'EA', 'KGM')).toBeNull();
    expect(convertQuantity(1, 'CS', 'EA')).toBeNull();
    expect(convertQuantity(1, 'CS', 'BX')).toBeNull();
    expect(convertQuantity(1, 'XYZ', 'KGM')).toBeNull();
    expect(convertQuantity(1, 'XYZ', 'ABC')).toBeNull();
  });

  it('is the identity for the same code, known or not', () => {
    expect(convertQuantity(7, 'CS', 'CS')).toBe(7);
    expect(convertQuantity(7, 'XYZ', 'XYZ')).toBe(7);
  });

  it('round-trips within a dimension (property)', () => {
    const mass = ['KGM', 'GRM', 'MGM', 'TNE', 'LBR', 'ONZ'];
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e9, noNaN: true }), fc.constantFrom(...mass), fc.constantFrom(...mass), (q, a, b) => {
        const there = convertQuantity(q, a, b);
        expect(there).not.toBeNull();
        const back = convertQuantity(there ?? 0, b, a) ?? Number.NaN;
        expect(Math.abs(back - q)).toBeLessThanOrEqual(Math.max(1e-9, q * 1e-12));
      }),
    );
  });
});

describe('baseUnit / sameDimension', () => {
  it('maps to the base of the dimension; packaging and unknown codes are their own base', () => {
    expect(baseUnit('GRM')).toBe('KGM');
    expect(baseUnit('MLT')).toBe('LTR');
    expect(baseUnit('H87')).toBe('EA');
    expect(baseUnit('MMT')).toBe('MTR');
    expect(baseUnit('CMK')).toBe('MTK');
    expect(baseUnit('CS')).toBe('CS');
    expect(baseUnit('XYZ')).toBe('XYZ');
  });

  it('sameDimension means "convertible"', () => {
    expect(sameDimension('GRM', 'LBR')).toBe(true);
    expect(sameDimension('GRM', 'LTR')).toBe(false);
    expect(sameDimension('CS', 'CS')).toBe(true);
    expect(sameDimension('CS', 'BX')).toBe(false);
    expect(sameDimension('XYZ', 'XYZ')).toBe(true);
  });
});
