import { LotlineError } from '../errors.js';
import type { Gs1PlaceRef } from './epc-uri.js';
import {
  checkGs1Text,
  inContext,
  isGs1Text,
  isGtin14,
  isValidGs1Key,
  normalizeGiai,
  normalizeGln,
  normalizeGrai,
  normalizeGtin,
  normalizeSscc,
  quoteInput,
} from './gtin.js';
import { lotlineUri } from './lotline-uri.js';
import type { ObjectRef } from './object-ref.js';

/**
 * GS1 Digital Link URIs (uncompressed form). The host and any path before the primary key are
 * the publisher's business, so they are ignored; so are key qualifiers that do not change which
 * object is meant (CPV, TPX) and the query string (data attributes such as expiry dates).
 */

/** The canonical resolver Lotline writes Digital Links against. */
export const DIGITAL_LINK_BASE = 'https://id.gs1.org';

/** Primary-key AIs Lotline interprets, each with the key qualifiers it allows. */
const PRIMARY_KEYS: Readonly<Record<string, readonly string[]>> = {
  '01': ['22', '10', '21', '235'],
  '00': [],
  '414': ['254'],
  '417': [],
  '8003': [],
  '8004': [],
};

const QUALIFIER_NAMES: Readonly<Record<string, string>> = {
  '22': 'consumer product variant',
  '10': 'lot',
  '21': 'serial',
  '235': 'TPX',
};

const URL_FORM = /^https?:\/\/[^/?#]+([^?#]*)(?:\?[^#]*)?(?:#.*)?$/i;

function isPrimary(seg: string | undefined): seg is string {
  return seg !== undefined && Object.hasOwn(PRIMARY_KEYS, seg);
}

function segments(uri: string): string[] | undefined {
  const m = URL_FORM.exec(uri);
  if (m === null) return undefined;
  const segs = (m[1] ?? '').split('/').slice(1);
  if (segs.at(-1) === '') segs.pop(); // a trailing slash names nothing
  return segs;
}

/**
 * Where the primary key starts. The first position whose tail is a well-formed key path wins, so
 * a path prefix that happens to contain "01" does not fool it; failing that, the first primary
 * key followed by a value, so that a malformed Digital Link is reported rather than ignored.
 */
function locate(segs: readonly string[]): number | undefined {
  for (let i = 0; i < segs.length; i++) {
    const key = segs[i];
    if (!isPrimary(key) || (segs.length - i) % 2 !== 0) continue;
    const qualifiers = PRIMARY_KEYS[key] ?? [];
    let fits = true;
    for (let j = i + 2; j < segs.length; j += 2) {
      if (!qualifiers.includes(segs[j] ?? '')) fits = false;
    }
    if (fits) return i;
  }
  for (let i = 0; i + 1 < segs.length; i++) {
    if (isPrimary(segs[i])) return i;
  }
  return undefined;
}

/** The primary-key AI of a Digital Link (01, 00, 414, 417, 8003 or 8004), or undefined when `uri` is not one; its values are not validated here. */
export function digitalLinkKey(uri: string): string | undefined {
  const segs = segments(uri);
  const start = segs === undefined ? undefined : locate(segs);
  return start === undefined ? undefined : segs?.[start];
}

/** True when `uri` is an http(s) URL whose path contains a primary-key AI segment Lotline interprets (01, 00, 414, 417, 8003, 8004) followed by a value. */
export function isDigitalLink(uri: string): boolean {
  return digitalLinkKey(uri) !== undefined;
}

interface KeyPath {
  readonly key: string;
  readonly value: string;
  readonly qualifiers: ReadonlyMap<string, string>;
}

function decodeOnce(uri: string, s: string): string {
  try {
    return decodeURIComponent(s);
  } catch (cause) {
    throw new LotlineError('ID_INVALID', `${quoteInput(uri)} contains a malformed percent-encoding in ${quoteInput(s)}`, {
      cause,
    });
  }
}

/** Parses the key path of a Digital Link and validates every value in it. */
function keyPath(uri: string): KeyPath {
  const segs = segments(uri);
  const start = segs === undefined ? undefined : locate(segs);
  if (segs === undefined || start === undefined) {
    throw new LotlineError(
      'ID_UNKNOWN_FORM',
      `${quoteInput(uri)} is not a GS1 Digital Link: expected an http(s) URL with /01/, /00/, /414/, /417/, /8003/ or /8004/ in its path`,
    );
  }
  const tail = segs.slice(start);
  if (tail.length % 2 !== 0) {
    throw new LotlineError('ID_INVALID', `${quoteInput(uri)}: the key path ends with ${quoteInput(tail.at(-1) ?? '')} without a value`);
  }
  const key = tail[0] ?? '';
  const allowed = PRIMARY_KEYS[key] ?? [];
  const qualifiers = new Map<string, string>();
  for (let j = 2; j < tail.length; j += 2) {
    const q = tail[j] ?? '';
    if (!allowed.includes(q)) {
      const hint = allowed.length === 0 ? 'it takes none' : `allowed: ${allowed.map((a) => `/${a}/`).join(', ')}`;
      throw new LotlineError('ID_INVALID', `${quoteInput(uri)}: /${q}/ is not a key qualifier of /${key}/ (${hint})`);
    }
    if (qualifiers.has(q)) throw new LotlineError('ID_INVALID', `${quoteInput(uri)}: /${q}/ appears twice`);
    qualifiers.set(q, decodeOnce(uri, tail[j + 1] ?? ''));
  }
  const value = decodeOnce(uri, tail[1] ?? '');
  const inUri = ` in ${quoteInput(uri)}`;
  const where = `/${key}/ in ${quoteInput(uri)}`;
  switch (key) {
    case '01':
      return {
        key,
        value: inContext(where, () => normalizeGtin(value)),
        qualifiers: new Map(
          [...qualifiers].map(([q, v]) => {
            const name = QUALIFIER_NAMES[q] ?? q;
            return [q, checkGs1Text(`${name}${inUri}`, v, q === '235' ? 28 : 20)];
          }),
        ),
      };
    case '00':
      return { key, value: inContext(where, () => normalizeSscc(value)), qualifiers };
    case '414': {
      const ext = qualifiers.get('254');
      if (ext !== undefined) checkGs1Text(`GLN extension${inUri}`, ext, 20);
      return { key, value: inContext(where, () => normalizeGln(value)), qualifiers };
    }
    case '417':
      return { key, value: inContext(where, () => normalizeGln(value)), qualifiers };
    case '8003':
      return { key, value: inContext(where, () => normalizeGrai(value)), qualifiers };
    default:
      return { key, value: inContext(where, () => normalizeGiai(value)), qualifiers };
  }
}

/** Parses a Digital Link that names an object: /01/ with /10/ → lot, with /21/ → serial, alone → class; /00/, /8003/, /8004/ → unit. */
export function parseDigitalLink(uri: string): ObjectRef {
  const { key, value, qualifiers } = keyPath(uri);
  switch (key) {
    case '01': {
      // A serial identifies one instance even when the lot is given too, as in an SGTIN.
      const serial = qualifiers.get('21');
      if (serial !== undefined) return { kind: 'serial', item: value, serial };
      const lot = qualifiers.get('10');
      if (lot !== undefined) return { kind: 'lot', item: value, lot };
      return { kind: 'class', item: value };
    }
    case '00':
      return { kind: 'unit', scheme: 'sscc', id: value };
    case '8003':
      return { kind: 'unit', scheme: 'grai', id: value };
    case '8004':
      return { kind: 'unit', scheme: 'giai', id: value };
    default:
      throw new LotlineError(
        'ID_INVALID',
        `${quoteInput(uri)} names a ${key === '414' ? 'location (/414/)' : 'party (/417/)'}, not a lot, serial, item class or unit`,
      );
  }
}

/** Parses a Digital Link that names a place: /414/{gln} (optionally /254/{extension}) → sgln, /417/{gln} → pgln. */
export function parseDigitalLinkPlace(uri: string): Gs1PlaceRef {
  const { key, value, qualifiers } = keyPath(uri);
  if (key === '417') return { kind: 'pgln', gln: value };
  if (key === '414') {
    const extension = qualifiers.get('254');
    return extension === undefined ? { kind: 'sgln', gln: value } : { kind: 'sgln', gln: value, extension };
  }
  throw new LotlineError('ID_INVALID', `${quoteInput(uri)} names an object (/${key}/), not a location (/414/) or party (/417/)`);
}

/** Percent-encodes a path segment, including the characters encodeURIComponent leaves alone but RFC 3986 reserves. */
function encodeSegment(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function isValid(validate: (s: string) => string, s: string): boolean {
  try {
    validate(s);
    return true;
  } catch {
    return false;
  }
}

/**
 * The canonical `https://id.gs1.org/…` Digital Link of a GS1 object. Objects a Digital Link
 * cannot carry faithfully (plant item codes, plant units, lot or serial values outside GS1's
 * rules) get their Lotline URN instead, and an `other` ref its own URI, so the result always
 * parses back to the same ref.
 */
export function toDigitalLink(ref: ObjectRef): string {
  switch (ref.kind) {
    case 'lot':
      return isGtin14(ref.item) && isGs1Text(ref.lot, 20)
        ? `${DIGITAL_LINK_BASE}/01/${ref.item}/10/${encodeSegment(ref.lot)}`
        : lotlineUri(ref);
    case 'serial':
      return isGtin14(ref.item) && isGs1Text(ref.serial, 20)
        ? `${DIGITAL_LINK_BASE}/01/${ref.item}/21/${encodeSegment(ref.serial)}`
        : lotlineUri(ref);
    case 'class':
      return isGtin14(ref.item) ? `${DIGITAL_LINK_BASE}/01/${ref.item}` : lotlineUri(ref);
    case 'unit':
      return unitLink(ref);
    case 'other':
      return ref.uri;
  }
}

function unitLink(ref: Extract<ObjectRef, { kind: 'unit' }>): string {
  switch (ref.scheme) {
    case 'sscc':
      return ref.id.length === 18 && isValidGs1Key(ref.id) ? `${DIGITAL_LINK_BASE}/00/${ref.id}` : lotlineUri(ref);
    case 'grai':
      return isValid(normalizeGrai, ref.id) ? `${DIGITAL_LINK_BASE}/8003/${encodeSegment(ref.id)}` : lotlineUri(ref);
    case 'giai':
      return isValid(normalizeGiai, ref.id) ? `${DIGITAL_LINK_BASE}/8004/${encodeSegment(ref.id)}` : lotlineUri(ref);
    case 'plant':
      return lotlineUri(ref);
  }
}
