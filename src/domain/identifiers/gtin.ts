import { LotlineError } from '../errors.js';

/**
 * GS1 keys: the mod-10 check digit and the numeric keys Lotline interprets (GTIN, SSCC, GLN),
 * plus the GRAI/GIAI and lot/serial value rules shared by every identifier form, so that an
 * EPC URN, a Digital Link and a barcode accept exactly the same values.
 */

const DIGITS = /^\d+$/;

/**
 * GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1): the only
 * characters allowed in lot numbers, serial numbers and other alphanumeric AI values.
 */
const CSET82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/;

/** Quotes an input for an error message, shortened so a pasted document cannot flood a log line. */
export function quoteInput(s: string): string {
  const shown = s.length > 120 ? `${s.slice(0, 117)}...` : s;
  return JSON.stringify(shown);
}

/** Runs a validator and prefixes its message with where the value came from (`what`), keeping the error code. */
export function inContext<T>(what: string, validate: () => T): T {
  try {
    return validate();
  } catch (e) {
    if (e instanceof LotlineError) throw new LotlineError(e.code, `${what}: ${e.message}`, { cause: e });
    throw e;
  }
}

/** The GS1 mod-10 check digit over `digits` (all digits that precede the check digit). */
export function gs1CheckDigit(digits: string): number {
  if (!DIGITS.test(digits)) {
    throw new LotlineError('ID_INVALID', `cannot compute a GS1 check digit over ${quoteInput(digits)}: not all digits`);
  }
  // Weights alternate 3,1,3,… starting from the digit next to the check digit, whatever the key length.
  let sum = 0;
  for (let i = digits.length - 1, w = 3; i >= 0; i--, w = 4 - w) {
    sum += (digits.charCodeAt(i) - 48) * w;
  }
  return (10 - (sum % 10)) % 10;
}

/** True when `digitsWithCheck` is all digits and its last digit is the correct GS1 check digit. */
export function isValidGs1Key(digitsWithCheck: string): boolean {
  if (digitsWithCheck.length < 2 || !DIGITS.test(digitsWithCheck)) return false;
  return gs1CheckDigit(digitsWithCheck.slice(0, -1)) === Number(digitsWithCheck.slice(-1));
}

/** Throws ID_INVALID unless `s` is all digits with one of `lengths`, then ID_BAD_CHECK_DIGIT unless the check digit is right. */
function checkKey(what: string, s: string, lengths: readonly number[]): void {
  if (!DIGITS.test(s)) {
    throw new LotlineError('ID_INVALID', `${what} ${quoteInput(s)} must contain only digits`);
  }
  if (!lengths.includes(s.length)) {
    const expected = lengths.length === 1 ? `${lengths[0]}` : `${lengths.slice(0, -1).join(', ')} or ${lengths.at(-1)}`;
    throw new LotlineError('ID_INVALID', `${what} ${quoteInput(s)} has ${s.length} digits; expected ${expected}`);
  }
  const expected = gs1CheckDigit(s.slice(0, -1));
  if (expected !== Number(s.slice(-1))) {
    throw new LotlineError(
      'ID_BAD_CHECK_DIGIT',
      `${what} ${quoteInput(s)} has check digit ${s.slice(-1)}; the correct check digit is ${expected}`,
    );
  }
}

/** Validates a GTIN-8/12/13/14 and returns it as GTIN-14 (left-padded with zeros). */
export function normalizeGtin(s: string): string {
  checkKey('GTIN', s, [8, 12, 13, 14]);
  return s.padStart(14, '0');
}

/** Validates an SSCC (17 digits + check digit) and returns it unchanged. */
export function normalizeSscc(s: string): string {
  checkKey('SSCC', s, [18]);
  return s;
}

/** Validates a GLN (12 digits + check digit) and returns it unchanged. */
export function normalizeGln(s: string): string {
  checkKey('GLN', s, [13]);
  return s;
}

/** True when `item` is a GTIN-14 with a correct check digit (as opposed to a plant item code). */
export function isGtin14(item: string): boolean {
  return item.length === 14 && isValidGs1Key(item);
}

/** True when `s` is 1 to `max` characters of the GS1 AI character set 82. */
export function isGs1Text(s: string, max: number): boolean {
  return s.length >= 1 && s.length <= max && CSET82.test(s);
}

/**
 * Validates an alphanumeric AI value (lot, serial, GLN extension, …): 1 to `max` characters of
 * the GS1 character set 82. `what` names the field in the message.
 */
export function checkGs1Text(what: string, s: string, max: number): string {
  if (s.length === 0) {
    throw new LotlineError('ID_INVALID', `${what} is empty`);
  }
  if (s.length > max) {
    throw new LotlineError('ID_INVALID', `${what} ${quoteInput(s)} has ${s.length} characters; GS1 allows at most ${max}`);
  }
  if (!CSET82.test(s)) {
    const bad = [...s].find((c) => !CSET82.test(c)) ?? '';
    throw new LotlineError(
      'ID_INVALID',
      `${what} ${quoteInput(s)} contains ${JSON.stringify(bad)}, which is not in the GS1 character set 82`,
    );
  }
  return s;
}

/**
 * Validates a GRAI as carried by AI 8003: the filler digit 0, 12 digits, the check digit, then an
 * optional serial of up to 16 characters. Returns it unchanged.
 */
export function normalizeGrai(s: string): string {
  const key = s.slice(0, 14);
  if (key.length < 14 || !DIGITS.test(key)) {
    throw new LotlineError('ID_INVALID', `GRAI ${quoteInput(s)} must start with 14 digits (0, 12 digits, check digit)`);
  }
  if (!key.startsWith('0')) {
    throw new LotlineError('ID_INVALID', `GRAI ${quoteInput(s)} must start with the filler digit 0`);
  }
  checkKey('GRAI', key, [14]);
  const serial = s.slice(14);
  if (serial !== '') checkGs1Text(`GRAI serial of ${quoteInput(s)}`, serial, 16);
  return s;
}

/** Validates a GIAI (AI 8004): up to 30 characters of set 82, starting with the company prefix's digits. */
export function normalizeGiai(s: string): string {
  checkGs1Text('GIAI', s, 30);
  if (!/^\d/.test(s)) {
    throw new LotlineError('ID_INVALID', `GIAI ${quoteInput(s)} must start with a GS1 company prefix (digits)`);
  }
  return s;
}
