/**
 * What a scanner sent, read into the facts a scan station needs: GS1-128, GS1 DataMatrix and
 * GS1 QR element strings (with or without symbology identifier, FNC1 as ASCII 29 or `<GS>` /
 * `{GS}`), the bracketed form printed under a barcode, GS1 Digital Link URIs from QR codes, and
 * anything else as plain text (an order number, a plant lot code). Pure: no I/O.
 */
import { LotlineError } from '../../domain/errors.js';
import type { ElementStringElement, ObjectRef } from '../../domain/identifiers/index.js';
import { checkElements, digitalLinkKey, parseDigitalLink, parseElementString } from '../../domain/identifiers/index.js';

/** A quantity read from a barcode: AI 310n–316n, 320n, 330n (with n decimals) or AI 30/37 (a count). */
export interface BarcodeQuantity {
  readonly value: number;
  /** UN/CEFACT Rec. 20: KGM, MTR, MTK, LTR, MTQ, LBR, or EA for a count. */
  readonly uom: string;
  /** The AI it came from. */
  readonly ai: string;
}

/** A GS1 barcode read into named facts; every value is validated. */
export interface Gs1Reading {
  readonly kind: 'gs1';
  /** GS1-128, GS1 DataMatrix, GS1 QR Code, GS1 DataBar, GS1 Digital Link, or element string (no identifier). */
  readonly symbology: string;
  readonly elements: readonly ElementStringElement[];
  /** The object the barcode names: SSCC first, else GTIN with serial or lot, else GTIN alone. */
  readonly ref?: ObjectRef;
  readonly gtin?: string;
  readonly lot?: string;
  readonly serial?: string;
  readonly sscc?: string;
  /** Net quantity (310n–316n, 320n) or else the count (37, 30); gross weight (330n) only when nothing else is given. */
  readonly quantity?: BarcodeQuantity;
  /** AI 400. */
  readonly purchaseOrder?: string;
  /** AI 401 (GINC) or 402 (GSIN). */
  readonly consignment?: string;
  /** AIs 410–417 by name. */
  readonly glns: Readonly<Partial<Record<GlnRole, string>>>;
  /** ISO dates (YYYY-MM-DD; day 00 becomes the month's last day) of AIs 11, 13, 15, 17. */
  readonly dates: Readonly<Partial<Record<DateRole, string>>>;
  /** AI 7003 as YYYY-MM-DDThh:mm. */
  readonly expiryDateTime?: string;
  /** AI 422: ISO 3166-1 numeric. */
  readonly countryOfOrigin?: string;
}

/** Anything that is not a GS1 barcode: an order number, a PO, a plant lot code typed or scanned as Code 128. */
export interface TextReading {
  readonly kind: 'text';
  readonly text: string;
}

export type BarcodeReading = Gs1Reading | TextReading;

export type GlnRole = 'shipTo' | 'billTo' | 'purchasedFrom' | 'shipFor' | 'location' | 'invoicingParty' | 'productionLocation' | 'party';
const GLN_AIS: Readonly<Record<string, GlnRole>> = { '410': 'shipTo', '411': 'billTo', '412': 'purchasedFrom', '413': 'shipFor', '414': 'location', '415': 'invoicingParty', '416': 'productionLocation', '417': 'party' };

export type DateRole = 'production' | 'packaging' | 'bestBefore' | 'expiry';
const DATE_AIS: Readonly<Record<string, DateRole>> = { '11': 'production', '13': 'packaging', '15': 'bestBefore', '17': 'expiry' };

/** Units of the trade and logistic measure AIs (GS1 General Specifications, section 3), by their first three digits. */
const MEASURE_UNITS: Readonly<Record<string, string>> = {
  '310': 'KGM', '311': 'MTR', '312': 'MTR', '313': 'MTR', '314': 'MTK', '315': 'LTR', '316': 'MTQ',
  '320': 'LBR',
  '330': 'KGM',
};

const SYMBOLOGY_NAMES: Readonly<Record<string, string>> = { ']C1': 'GS1-128', ']d2': 'GS1 DataMatrix', ']Q3': 'GS1 QR Code', ']e0': 'GS1 DataBar', ']J1': 'GS1 DotCode', ']E0': 'EAN-13', ']E4': 'EAN-8' };

/** The largest barcode text read: a GS1 symbol holds at most a few thousand characters. */
export const MAX_BARCODE_LENGTH = 4096;

/** A measure AI's value with its decimals: (3103)000500 is 0.500 kg. */
export function measureValue(ai: string, digits: string): number {
  const decimals = Number(ai.slice(3));
  return Number(digits) / 10 ** decimals;
}

/** GS1's YYMMDD → YYYY-MM-DD (section 7.12: the century that puts the year within -49…+50 years of `now`); DD 00 → last day. */
export function gs1Date(yymmdd: string, now: Date = new Date()): string {
  const yy = Number(yymmdd.slice(0, 2));
  const month = Number(yymmdd.slice(2, 4));
  const thisYear = now.getUTCFullYear();
  let year = Math.floor(thisYear / 100) * 100 + yy;
  if (year - thisYear > 50) year -= 100;
  else if (year - thisYear < -49) year += 100;
  let day = Number(yymmdd.slice(4, 6));
  if (day === 0) day = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function looksGs1(data: string): boolean {
  return data.startsWith(']') || data.startsWith('(') || data.includes('\u001d') || data.includes('<GS>') || data.includes('{GS}');
}

/** Element strings of a Digital Link: its key path, then the AIs of its query string (data attributes). */
function digitalLinkElements(uri: string): ElementStringElement[] {
  parseDigitalLink(uri); // validates the key path and names what is wrong with it
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    // the key path can be right while the host is not (found by test/reliability/fuzz-parsers.test.ts)
    throw new LotlineError('ID_INVALID', `the GS1 Digital Link ${JSON.stringify(uri.slice(0, 80))} is not a valid URL (check the host name)`);
  }
  const key = digitalLinkKey(uri)!;
  const segs = url.pathname.split('/').slice(1).filter((s, i, all) => s !== '' || i < all.length - 1);
  let start = segs.findIndex((s, i) => s === key && (segs.length - i) % 2 === 0);
  if (start < 0) start = segs.indexOf(key);
  const out: ElementStringElement[] = [];
  for (let i = start; i + 1 < segs.length; i += 2) out.push({ ai: segs[i]!, value: decodePart(segs[i + 1]!, segs[i]!) });
  for (const [name, value] of url.searchParams) if (/^\d{2,4}$/.test(name)) out.push({ ai: name, value });
  return out;
}

function decodePart(text: string, ai: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new LotlineError('ID_INVALID', `the value of AI (${ai}) in the GS1 Digital Link has a malformed percent-encoding (${JSON.stringify(text.slice(0, 40))})`);
  }
}

function plainText(raw: string): TextReading {
  const text = raw.trim();
  if (text === '') throw new LotlineError('ID_INVALID', 'the barcode is empty');
  if ([...text].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127)) {
    throw new LotlineError('ID_INVALID', `the barcode ${JSON.stringify(text.slice(0, 60))} contains a control character and is not a GS1 element string`);
  }
  return { kind: 'text', text };
}

/**
 * Reads what a scanner sent. GS1 forms are recognised by their shape (symbology identifier,
 * bracket, GS, Digital Link URL, or digits that parse as an element string starting with a key
 * AI); anything else is plain text. A GS1 form with a bad field throws ID_INVALID /
 * ID_BAD_CHECK_DIGIT naming the AI, its position and the reason.
 */
export function readBarcode(raw: string, now: Date = new Date()): BarcodeReading {
  if (raw.length > MAX_BARCODE_LENGTH) throw new LotlineError('ID_INVALID', `the barcode has ${raw.length} characters; at most ${MAX_BARCODE_LENGTH} are read`);
  const data = raw.replace(/[\r\n]+$/, '').trim();
  let symbology = 'element string';
  let elements: readonly ElementStringElement[];
  if (/^https?:\/\//i.test(data)) {
    if (digitalLinkKey(data) === undefined) return plainText(data);
    elements = checkElements(data, digitalLinkElements(data)).elements;
    symbology = 'GS1 Digital Link';
  } else if (looksGs1(data)) {
    symbology = SYMBOLOGY_NAMES[data.slice(0, 3)] ?? symbology;
    elements = parseElementString(data).elements;
  } else if (/^(00|01|02)\d{14,}/.test(data)) {
    // A scanner set to send no symbology identifier: digits led by a key AI are an element string.
    elements = parseElementString(data).elements;
  } else {
    return plainText(data);
  }
  return reading(symbology, elements, now);
}

function reading(symbology: string, elements: readonly ElementStringElement[], now: Date): Gs1Reading {
  const get = (ai: string): string | undefined => elements.find((e) => e.ai === ai)?.value;
  const glns: Partial<Record<GlnRole, string>> = {};
  const dates: Partial<Record<DateRole, string>> = {};
  let net: BarcodeQuantity | undefined;
  let gross: BarcodeQuantity | undefined;
  for (const { ai, value } of elements) {
    const gln = GLN_AIS[ai];
    if (gln) glns[gln] = value;
    const date = DATE_AIS[ai];
    if (date) dates[date] = gs1Date(value, now);
    const unit = ai.length === 4 ? MEASURE_UNITS[ai.slice(0, 3)] : undefined;
    if (unit !== undefined) {
      const q = { value: measureValue(ai, value), uom: unit, ai };
      if (ai.startsWith('330')) gross ??= q;
      else net ??= q;
    }
  }
  const count = get('37') ?? get('30');
  const quantity = net ?? (count !== undefined ? { value: Number(count), uom: 'EA', ai: get('37') !== undefined ? '37' : '30' } : gross);
  const gtin = get('01') ?? get('02');
  const lot = get('10');
  const serial = get('21');
  const sscc = get('00');
  const ref: ObjectRef | undefined =
    sscc !== undefined
      ? { kind: 'unit', scheme: 'sscc', id: sscc }
      : get('01') !== undefined
        ? serial !== undefined
          ? { kind: 'serial', item: gtin!, serial }
          : lot !== undefined
            ? { kind: 'lot', item: gtin!, lot }
            : { kind: 'class', item: gtin! }
        : undefined;
  const t7003 = get('7003');
  const consignment = get('401') ?? get('402');
  const po = get('400');
  const country = get('422');
  return {
    kind: 'gs1',
    symbology,
    elements,
    ...(ref ? { ref } : {}),
    ...(gtin !== undefined ? { gtin } : {}),
    ...(lot !== undefined ? { lot } : {}),
    ...(serial !== undefined ? { serial } : {}),
    ...(sscc !== undefined ? { sscc } : {}),
    ...(quantity ? { quantity } : {}),
    ...(po !== undefined ? { purchaseOrder: po } : {}),
    ...(consignment !== undefined ? { consignment } : {}),
    glns,
    dates,
    ...(t7003 !== undefined ? { expiryDateTime: `${gs1Date(t7003.slice(0, 6), now)}T${t7003.slice(6, 8)}:${t7003.slice(8, 10)}` } : {}),
    ...(country !== undefined ? { countryOfOrigin: country } : {}),
  };
}
