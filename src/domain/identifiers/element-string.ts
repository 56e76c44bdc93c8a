import { LotlineError } from '../errors.js';
import { checkGs1Text, inContext, normalizeGiai, normalizeGln, normalizeGrai, normalizeGtin, normalizeSscc, quoteInput } from './gtin.js';
import type { ObjectRef } from './object-ref.js';

/**
 * GS1 element strings as barcodes carry them (GS1-128, GS1 DataMatrix, GS1 QR, GS1 DataBar):
 * the bracketed human-readable form `(01)…(10)…` and the raw scanner form, where a symbology
 * identifier may lead and the GS character (ASCII 29) ends each variable-length field.
 */

/** One Application Identifier and its value, as read from the barcode. */
export interface ElementStringElement {
  readonly ai: string;
  readonly value: string;
}

/** A parsed element string: its elements in barcode order. */
export interface ElementString {
  readonly elements: ReadonlyArray<ElementStringElement>;
}

type Check = 'gtin' | 'sscc' | 'gln' | 'grai' | 'giai' | 'date' | 'datetime' | 'text' | 'digits';

interface AiSpec {
  readonly title: string;
  /** Exact data length, for fixed-length AIs. */
  readonly fixed?: number;
  /** Maximum data length, for variable-length AIs (ended by GS or the end of the data). */
  readonly max?: number;
  readonly check: Check;
}

const GS = '\u001d';

/**
 * The AIs Lotline reads (GS1 General Specifications, section 3). An AI outside this table is
 * refused by name rather than guessed at: a wrong length would shift every field after it.
 */
const AI_TABLE: ReadonlyMap<string, AiSpec> = (() => {
  const t = new Map<string, AiSpec>();
  const add = (ai: string, title: string, spec: { fixed?: number; max?: number }, check: Check): void => {
    t.set(ai, { title, ...spec, check });
  };
  add('00', 'SSCC', { fixed: 18 }, 'sscc');
  add('01', 'GTIN', { fixed: 14 }, 'gtin');
  add('02', 'GTIN of contained trade items', { fixed: 14 }, 'gtin');
  add('10', 'batch/lot number', { max: 20 }, 'text');
  add('11', 'production date', { fixed: 6 }, 'date');
  add('12', 'due date', { fixed: 6 }, 'date');
  add('13', 'packaging date', { fixed: 6 }, 'date');
  add('15', 'best before date', { fixed: 6 }, 'date');
  add('16', 'sell by date', { fixed: 6 }, 'date');
  add('17', 'expiration date', { fixed: 6 }, 'date');
  add('20', 'internal product variant', { fixed: 2 }, 'digits');
  add('21', 'serial number', { max: 20 }, 'text');
  add('22', 'consumer product variant', { max: 20 }, 'text');
  add('235', 'third-party controlled serialised extension (TPX)', { max: 28 }, 'text');
  add('240', 'additional product identification', { max: 30 }, 'text');
  add('241', 'customer part number', { max: 30 }, 'text');
  add('250', 'secondary serial number', { max: 30 }, 'text');
  add('251', 'reference to source entity', { max: 30 }, 'text');
  add('254', 'GLN extension component', { max: 20 }, 'text');
  add('30', 'variable count of items', { max: 8 }, 'digits');
  add('37', 'count of trade items', { max: 8 }, 'digits');
  // Measures: four-digit AIs whose last digit is the number of decimal places, six digits of data.
  const measures: Array<[number, number, string]> = [
    [310, 316, 'net measure (metric)'],
    [320, 329, 'net measure (imperial/US)'],
    [330, 337, 'logistic measure (metric)'],
    [340, 357, 'logistic measure (imperial/US)'],
    [360, 369, 'net or logistic volume (imperial/US)'],
  ];
  for (const [from, to, title] of measures) {
    for (let p = from; p <= to; p++) {
      for (let n = 0; n <= 5; n++) add(`${p}${n}`, `${title}, ${n} decimal(s)`, { fixed: 6 }, 'digits');
    }
  }
  add('400', "customer's purchase order number", { max: 30 }, 'text');
  add('401', 'global identification number for consignment', { max: 30 }, 'text');
  add('402', 'global shipment identification number', { fixed: 17 }, 'digits');
  add('403', 'routing code', { max: 30 }, 'text');
  add('410', 'ship to GLN', { fixed: 13 }, 'gln');
  add('411', 'bill to GLN', { fixed: 13 }, 'gln');
  add('412', 'purchased from GLN', { fixed: 13 }, 'gln');
  add('413', 'ship for GLN', { fixed: 13 }, 'gln');
  add('414', 'GLN of a physical location', { fixed: 13 }, 'gln');
  add('415', 'GLN of the invoicing party', { fixed: 13 }, 'gln');
  add('416', 'GLN of the production or service location', { fixed: 13 }, 'gln');
  add('417', 'party GLN', { fixed: 13 }, 'gln');
  add('422', 'country of origin', { fixed: 3 }, 'digits');
  add('7003', 'expiration date and time', { fixed: 10 }, 'datetime');
  add('8003', 'GRAI', { max: 30 }, 'grai');
  add('8004', 'GIAI', { max: 30 }, 'giai');
  add('8020', 'payment slip reference number', { max: 25 }, 'text');
  add('90', 'information mutually agreed between trading partners', { max: 30 }, 'text');
  for (let ai = 91; ai <= 99; ai++) add(`${ai}`, 'company internal information', { max: 90 }, 'text');
  return t;
})();

/** The AIs this parser understands, sorted; for documentation and error messages. */
export const SUPPORTED_AIS: readonly string[] = [...AI_TABLE.keys()].sort();

/** True when the AI is known and fixed-length (needs no GS after it); undefined for an unknown AI. */
export function isFixedLengthAi(ai: string): boolean | undefined {
  const spec = AI_TABLE.get(ai);
  return spec === undefined ? undefined : spec.fixed !== undefined;
}

/**
 * Writes elements back as an element string: `bracketed` as printed under a barcode, `raw` as a
 * scanner sends it (GS after every variable-length field but the last), optionally led by a
 * symbology identifier such as `]d2`. Values are written as given; parse the result to check them.
 */
export function formatElementString(elements: ReadonlyArray<ElementStringElement>, form: 'bracketed' | 'raw', symbology = ''): string {
  if (form === 'bracketed') return symbology + elements.map((e) => `(${e.ai})${e.value}`).join('');
  return symbology + elements.map((e, i) => `${e.ai}${e.value}${i < elements.length - 1 && isFixedLengthAi(e.ai) === false ? GS : ''}`).join('');
}

/** Symbology identifiers (ISO/IEC 15424) whose data is a GS1 element string. */
const GS1_SYMBOLOGIES: Readonly<Record<string, string>> = {
  ']C1': 'GS1-128',
  ']d2': 'GS1 DataMatrix',
  ']Q3': 'GS1 QR Code',
  ']e0': 'GS1 DataBar',
  ']J1': 'GS1 DotCode',
};

/** Symbology identifiers of EAN/UPC symbols, whose data is a bare GTIN-13 or GTIN-8. */
const EAN_SYMBOLOGIES: Readonly<Record<string, number>> = { ']E0': 13, ']E4': 8 };

/** Days in a month; YY % 4 decides leap years, since 2000 is one and 2100 lies outside GS1's date window. */
function daysIn(yy: number, month: number): number {
  if (month === 2) return yy % 4 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Checks YYMMDD (GS1 General Specifications 7.12): DD = 00 means "the last day of the month". */
function checkDate(what: string, value: string): void {
  const month = Number(value.slice(2, 4));
  const day = Number(value.slice(4, 6));
  if (month < 1 || month > 12) throw new LotlineError('ID_INVALID', `${what}: ${quoteInput(value)} is not a YYMMDD date (month ${value.slice(2, 4)})`);
  if (day > daysIn(Number(value.slice(0, 2)), month)) {
    throw new LotlineError('ID_INVALID', `${what}: ${quoteInput(value)} is not a YYMMDD date (day ${value.slice(4, 6)} of month ${value.slice(2, 4)})`);
  }
}

function checkValue(input: string, ai: string, spec: AiSpec, value: string, position?: number): string {
  const what = `AI (${ai}) ${spec.title}${position !== undefined ? ` at position ${position}` : ''} in ${quoteInput(input)}`;
  if (spec.fixed !== undefined && value.length !== spec.fixed) {
    throw new LotlineError(
      'ID_INVALID',
      `${what}: ${quoteInput(value)} has ${value.length} characters; (${ai}) takes exactly ${spec.fixed}`,
    );
  }
  switch (spec.check) {
    case 'gtin':
      return inContext(what, () => normalizeGtin(value));
    case 'sscc':
      return inContext(what, () => normalizeSscc(value));
    case 'gln':
      return inContext(what, () => normalizeGln(value));
    case 'grai':
      return inContext(what, () => normalizeGrai(value));
    case 'giai':
      return inContext(what, () => normalizeGiai(value));
    case 'text':
      return checkGs1Text(what, value, spec.max ?? spec.fixed ?? value.length);
    case 'digits':
    case 'date':
    case 'datetime': {
      if (!/^\d+$/.test(value)) throw new LotlineError('ID_INVALID', `${what}: ${quoteInput(value)} must be digits`);
      if (spec.max !== undefined && value.length > spec.max) {
        throw new LotlineError('ID_INVALID', `${what}: ${quoteInput(value)} has ${value.length} digits; at most ${spec.max}`);
      }
      if (spec.check === 'date') checkDate(what, value);
      if (spec.check === 'datetime') {
        // YYMMDDhhmm (AI 7003): a real day (no DD = 00 here), hours 00-23, minutes 00-59.
        checkDate(what, value);
        if (value.slice(4, 6) === '00') throw new LotlineError('ID_INVALID', `${what}: ${quoteInput(value)} needs a real day; DD = 00 is only allowed in YYMMDD dates`);
        if (Number(value.slice(6, 8)) > 23 || Number(value.slice(8, 10)) > 59) {
          throw new LotlineError('ID_INVALID', `${what}: ${quoteInput(value)} is not YYMMDDhhmm (hour ${value.slice(6, 8)}, minute ${value.slice(8, 10)})`);
        }
      }
      return value;
    }
  }
}

/** The AI starting at `pos` of raw data: AIs are prefix-free, so the first table hit among 2, 3 and 4 digits is the one. */
function aiAt(input: string, data: string, pos: number): [string, AiSpec] {
  for (const len of [2, 3, 4]) {
    const ai = data.slice(pos, pos + len);
    const spec = AI_TABLE.get(ai);
    if (spec !== undefined) return [ai, spec];
  }
  const shown = data.slice(pos, pos + 4);
  throw new LotlineError(
    'ID_INVALID',
    /^\d{2}/.test(shown)
      ? `unknown or unsupported GS1 Application Identifier at ${quoteInput(shown)} (position ${pos}) in ${quoteInput(input)}`
      : `expected a GS1 Application Identifier (digits) at ${quoteInput(shown)} (position ${pos}) in ${quoteInput(input)}`,
  );
}

function parseRaw(input: string, data: string): ElementStringElement[] {
  const out: ElementStringElement[] = [];
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === GS) {
      // A GS before the first AI (FNC1 in first position) or after a fixed-length field is harmless.
      pos++;
      continue;
    }
    const [ai, spec] = aiAt(input, data, pos);
    pos += ai.length;
    const start = pos;
    let value: string;
    if (spec.fixed !== undefined) {
      value = data.slice(pos, pos + spec.fixed);
      if (value.includes(GS)) value = value.slice(0, value.indexOf(GS)); // reported as too short below
      pos += value.length;
    } else {
      const end = data.indexOf(GS, pos);
      value = data.slice(pos, end < 0 ? data.length : end);
      pos += value.length;
    }
    out.push({ ai, value: checkValue(input, ai, spec, value, start) });
  }
  return out;
}

function parseBracketed(input: string, data: string): ElementStringElement[] {
  const out: ElementStringElement[] = [];
  const re = /\((\d{2,4})\)/g;
  const marks = [...data.matchAll(re)];
  const first = marks[0];
  if (first === undefined || data.slice(0, first.index).trim() !== '') {
    throw new LotlineError('ID_INVALID', `${quoteInput(input)} must start with an AI in brackets, e.g. (01)`);
  }
  marks.forEach((m, i) => {
    const ai = m[1] ?? '';
    const spec = AI_TABLE.get(ai);
    if (spec === undefined) {
      throw new LotlineError('ID_INVALID', `unknown or unsupported GS1 Application Identifier (${ai}) in ${quoteInput(input)}`);
    }
    const start = m.index + m[0].length;
    const end = marks[i + 1]?.index ?? data.length;
    // Printed HRI often has spaces around fields; no AI value may contain a space, so trimming is safe.
    const value = data.slice(start, end).trim();
    out.push({ ai, value: checkValue(input, ai, spec, value, start) });
  });
  return out;
}

/**
 * Validates elements that arrive already split (the key path and query of a GS1 Digital Link):
 * each AI must be known and its value must pass the same checks as in a barcode. `input` is
 * quoted in messages.
 */
export function checkElements(input: string, elements: ReadonlyArray<ElementStringElement>): ElementString {
  const out = elements.map(({ ai, value }) => {
    const spec = AI_TABLE.get(ai);
    if (spec === undefined) throw new LotlineError('ID_INVALID', `unknown or unsupported GS1 Application Identifier (${ai}) in ${quoteInput(input)}`);
    return { ai, value: checkValue(input, ai, spec, value) };
  });
  return { elements: out };
}

/**
 * Parses a GS1 element string: bracketed (`(01)04012345123456(10)LOT7`) or raw, optionally led by
 * a symbology identifier (`]C1`, `]d2`, `]Q3`, `]e0`, `]J1`; `]E0`/`]E4` for EAN-13/EAN-8), with
 * ASCII 29 or the stand-ins `<GS>` / `{GS}` ending variable-length fields.
 */
export function parseElementString(s: string): ElementString {
  let data = s.trim().replaceAll('<GS>', GS).replaceAll('{GS}', GS);
  if (data.startsWith(']')) {
    const sym = data.slice(0, 3);
    const eanLength = EAN_SYMBOLOGIES[sym];
    if (eanLength !== undefined) {
      const gtin = data.slice(3);
      if (gtin.length !== eanLength) {
        throw new LotlineError('ID_INVALID', `${quoteInput(s)}: an EAN/UPC symbol (${sym}) carries ${eanLength} digits`);
      }
      return { elements: [{ ai: '01', value: normalizeGtin(gtin) }] };
    }
    if (GS1_SYMBOLOGIES[sym] === undefined) {
      throw new LotlineError(
        'ID_UNKNOWN_FORM',
        `${quoteInput(s)} starts with the symbology identifier ${quoteInput(sym)}, which does not carry GS1 element strings; expected one of ${Object.keys(GS1_SYMBOLOGIES).join(', ')}`,
      );
    }
    data = data.slice(3);
  }
  if (data === '') throw new LotlineError('ID_INVALID', `${quoteInput(s)} contains no element string`);
  const elements = data.startsWith('(') ? parseBracketed(s, data.replaceAll(GS, '')) : parseRaw(s, data);
  const seen = new Map<string, string>();
  for (const { ai, value } of elements) {
    const before = seen.get(ai);
    if (before !== undefined && before !== value) {
      throw new LotlineError('ID_INVALID', `${quoteInput(s)} gives AI (${ai}) twice with different values`);
    }
    seen.set(ai, value);
  }
  return { elements };
}

/**
 * The object an element string identifies: (00) → SSCC unit (a logistic label names the pallet
 * even when it also lists contents); else (01) with (21) → serial, with (10) → lot, alone → class;
 * else (8003) → GRAI unit, (8004) → GIAI unit.
 */
export function refFromElementString(s: string): ObjectRef {
  const { elements } = parseElementString(s);
  const get = (ai: string): string | undefined => elements.find((e) => e.ai === ai)?.value;
  const sscc = get('00');
  if (sscc !== undefined) return { kind: 'unit', scheme: 'sscc', id: sscc };
  const gtin = get('01');
  if (gtin !== undefined) {
    const serial = get('21');
    if (serial !== undefined) return { kind: 'serial', item: gtin, serial };
    const lot = get('10');
    if (lot !== undefined) return { kind: 'lot', item: gtin, lot };
    return { kind: 'class', item: gtin };
  }
  const grai = get('8003');
  if (grai !== undefined) return { kind: 'unit', scheme: 'grai', id: grai };
  const giai = get('8004');
  if (giai !== undefined) return { kind: 'unit', scheme: 'giai', id: giai };
  throw new LotlineError(
    'ID_INVALID',
    `${quoteInput(s)} identifies no object: it needs (00) SSCC, (01) GTIN, (8003) GRAI or (8004) GIAI; found ${elements.map((e) => `(${e.ai})`).join('') || 'nothing'}`,
  );
}
