import { describe, expect, it } from 'vitest';
import {
  checkGs1Text,
  gs1CheckDigit,
  isGs1Text,
  isGtin14,
  isValidGs1Key,
  normalizeGiai,
  normalizeGln,
  normalizeGrai,
  normalizeGtin,
  normalizeSscc,
} from './gtin.js';
import { expectError } from '../../../test/helpers/expect-error.js';


describe('gs1CheckDigit', () => {
  // Hand-checked: 0401234512345 → weights 3,1,… from the right: 15+4+9+2+3+5+12+3+6+1+0+4+0 = 64 → 6.
  it('computes the check digit of the DESIGN.md GTIN', () => {
    expect(gs1CheckDigit('0401234512345')).toBe(6);
  });

  // Published examples: EAN-13 5901234123457 (sum 83 → 7), UPC-A 036000291452, EAN-8 96385074,
  // the TDS SSCC 106141412345678908 and GLN 0614141123452.
  it.each([
    ['590123412345', 7],
    ['03600029145', 2],
    ['9638507', 4],
    ['10614141234567890', 8],
    ['061414112345', 2],
    ['8061414112345', 8],
  ])('check digit of %s is %i', (digits, check) => {
    expect(gs1CheckDigit(digits)).toBe(check);
  });

  it('gives 0 when the weighted sum is a multiple of 10', () => {
    // 3*3 + 1*1 = 10 → 0
    expect(gs1CheckDigit('13')).toBe(0);
  });

  it('refuses non-digits, naming the input', () => {
    expectError(() => gs1CheckDigit('12a4'), 'ID_INVALID', '"12a4"');
  });
});

describe('isValidGs1Key', () => {
  it('accepts correct keys and refuses wrong check digits and non-digits', () => {
    expect(isValidGs1Key('04012345123456')).toBe(true);
    expect(isValidGs1Key('04012345123457')).toBe(false);
    expect(isValidGs1Key('0401234512345x')).toBe(false);
    expect(isValidGs1Key('')).toBe(false);
    expect(isValidGs1Key('0')).toBe(false);
  });
});

describe('normalizeGtin', () => {
  it.each([
    ['96385074', '00000096385074'],
    ['036000291452', '00036000291452'],
    ['5901234123457', '05901234123457'],
    ['04012345123456', '04012345123456'],
    ['80614141123458', '80614141123458'],
  ])('%s → %s', (input, gtin14) => {
    expect(normalizeGtin(input)).toBe(gtin14);
    expect(isGtin14(gtin14)).toBe(true);
  });

  it('reports a bad check digit with the expected digit', () => {
    expectError(() => normalizeGtin('04012345123457'), 'ID_BAD_CHECK_DIGIT', '"04012345123457"', 'correct check digit is 6');
  });

  it('refuses wrong lengths and non-digits', () => {
    expectError(() => normalizeGtin('4012345123'), 'ID_INVALID', '"4012345123"', '10 digits', '8, 12, 13 or 14');
    expectError(() => normalizeGtin('040123451234567'), 'ID_INVALID', '15 digits');
    expectError(() => normalizeGtin('0401234512345X'), 'ID_INVALID', '"0401234512345X"', 'only digits');
    expectError(() => normalizeGtin(''), 'ID_INVALID', 'only digits');
    expectError(() => normalizeGtin(' 04012345123456'), 'ID_INVALID', 'only digits');
  });
});

describe('isGtin14', () => {
  it('is true only for 14 digits with a correct check digit', () => {
    expect(isGtin14('04012345123456')).toBe(true);
    expect(isGtin14('4012345123456')).toBe(false);
    expect(isGtin14('04012345123457')).toBe(false);
    expect(isGtin14('SKU-123')).toBe(false);
  });
});

describe('normalizeSscc / normalizeGln', () => {
  it('accepts the TDS examples', () => {
    expect(normalizeSscc('106141412345678908')).toBe('106141412345678908');
    expect(normalizeGln('0614141123452')).toBe('0614141123452');
  });

  it('refuses bad lengths and check digits, naming the input', () => {
    expectError(() => normalizeSscc('10614141234567890'), 'ID_INVALID', '"10614141234567890"', 'expected 18');
    expectError(() => normalizeSscc('106141412345678909'), 'ID_BAD_CHECK_DIGIT', '"106141412345678909"', 'is 8');
    expectError(() => normalizeGln('061414112345'), 'ID_INVALID', 'expected 13');
    expectError(() => normalizeGln('0614141123453'), 'ID_BAD_CHECK_DIGIT', '"0614141123453"', 'is 2');
  });
});

describe('GRAI and GIAI', () => {
  it('accepts the TDS examples', () => {
    expect(normalizeGrai('00614141123452400')).toBe('00614141123452400');
    expect(normalizeGrai('00614141123452')).toBe('00614141123452');
    expect(normalizeGiai('061414112345400')).toBe('061414112345400');
  });

  it('refuses malformed values', () => {
    expectError(() => normalizeGrai('0061414112345'), 'ID_INVALID', '"0061414112345"', '14 digits');
    expectError(() => normalizeGrai('10614141123452400'), 'ID_INVALID', 'filler digit 0');
    expectError(() => normalizeGrai('00614141123453400'), 'ID_BAD_CHECK_DIGIT', 'is 2');
    expectError(() => normalizeGrai('0061414112345212345678901234567'), 'ID_INVALID', 'at most 16');
    expectError(() => normalizeGiai('ABC123'), 'ID_INVALID', '"ABC123"', 'company prefix');
    expectError(() => normalizeGiai('0'.repeat(31)), 'ID_INVALID', 'at most 30');
    expectError(() => normalizeGiai('0614 141'), 'ID_INVALID', 'character set 82');
  });
});

describe('GS1 text (character set 82)', () => {
  it('accepts the set and refuses characters outside it', () => {
    expect(isGs1Text(`!"%&'()*+,-./09:;<=>?AZ_az`, 30)).toBe(true);
    expect(isGs1Text('LOT 7', 20)).toBe(false);
    expect(isGs1Text('LOT#7', 20)).toBe(false);
    expect(isGs1Text('LÖT7', 20)).toBe(false);
    expect(isGs1Text('', 20)).toBe(false);
    expect(isGs1Text('A'.repeat(21), 20)).toBe(false);
  });

  it('names the field and the offending character', () => {
    expectError(() => checkGs1Text('lot', 'LOT 7', 20), 'ID_INVALID', 'lot', '"LOT 7"', '" "');
    expectError(() => checkGs1Text('lot', '', 20), 'ID_INVALID', 'lot is empty');
    expectError(() => checkGs1Text('serial', 'X'.repeat(21), 20), 'ID_INVALID', 'serial', '21 characters', 'at most 20');
  });
});
