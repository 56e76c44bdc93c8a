import { LotlineError } from '../errors.js';
import { digitalLinkKey, isDigitalLink, parseDigitalLink, parseDigitalLinkPlace } from './digital-link.js';
import { refFromElementString } from './element-string.js';
import { isEpcObjectUri, isEpcPlaceUri, isEpcUri, parseEpcPlaceUri, parseEpcUri, type Gs1PlaceRef } from './epc-uri.js';
import { normalizeGtin, quoteInput } from './gtin.js';
import { isLotlineUri, parseLotlinePlaceUri, parseLotlineUri, type LotlinePlaceRef } from './lotline-uri.js';
import type { ObjectRef } from './object-ref.js';

/**
 * The one entry point for identifiers: every form Lotline accepts (EPC URI, GS1 Digital Link,
 * element string, Lotline URN, plain plant codes) turns into an ObjectRef here, so two spellings
 * of the same lot become the same node.
 */

export * from './object-ref.js';
export {
  gs1CheckDigit,
  isValidGs1Key,
  isGtin14,
  isGs1Text,
  normalizeGtin,
  normalizeSscc,
  normalizeGln,
  normalizeGrai,
  normalizeGiai,
} from './gtin.js';
export {
  EPC_OBJECT_SCHEMES,
  EPC_PLACE_SCHEMES,
  isEpcUri,
  isEpcObjectUri,
  isEpcPlaceUri,
  parseEpcUri,
  parseEpcPlaceUri,
  type Gs1PlaceRef,
} from './epc-uri.js';
export { DIGITAL_LINK_BASE, digitalLinkKey, isDigitalLink, parseDigitalLink, parseDigitalLinkPlace, toDigitalLink } from './digital-link.js';
export {
  SUPPORTED_AIS,
  checkElements,
  formatElementString,
  isFixedLengthAi,
  parseElementString,
  refFromElementString,
  type ElementString,
  type ElementStringElement,
} from './element-string.js';
export {
  displayName,
  isLotlineUri,
  locationUri,
  lotlineUri,
  parseLotlinePlaceUri,
  parseLotlineUri,
  partyUri,
  type LotlinePlaceRef,
} from './lotline-uri.js';

/** A location or party: a GS1 SGLN/PGLN (from an EPC URI or a Digital Link) or a Lotline party/location URN. */
export type PlaceRef = Gs1PlaceRef | LotlinePlaceRef;

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
/** RFC 3986 characters (unreserved, reserved and '%'); JSON Schema's "uri" format allows nothing else. */
const URI_CHARS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;
const HTTP = /^https?:\/\//i;
// Unicode category Cc: C0 and C1 controls and DEL, which no code a person reads can contain.
const CONTROL = /\p{Cc}/u;

/** Throws unless `uri` is an absolute URI: ID_UNKNOWN_FORM without a scheme, ID_INVALID with characters a URI cannot hold. */
function checkAbsoluteUri(uri: string): void {
  const scheme = SCHEME.exec(uri);
  if (scheme === null) {
    throw new LotlineError(
      'ID_UNKNOWN_FORM',
      `${quoteInput(uri)} is not a URI (no scheme such as urn: or https:); an EPC must be an absolute URI`,
    );
  }
  const rest = uri.slice(scheme[0].length);
  if (rest === '') throw new LotlineError('ID_INVALID', `${quoteInput(uri)} is not a valid URI: nothing follows the scheme`);
  if (!URI_CHARS.test(rest)) {
    const bad = [...rest].find((c) => !URI_CHARS.test(c)) ?? '';
    throw new LotlineError(
      'ID_INVALID',
      `${quoteInput(uri)} is not a valid URI: it contains ${JSON.stringify(bad)}, which must be percent-encoded`,
    );
  }
  if (/%(?![0-9A-Fa-f]{2})/.test(rest)) {
    throw new LotlineError('ID_INVALID', `${quoteInput(uri)} is not a valid URI: '%' must be followed by two hex digits`);
  }
}

/**
 * Parses a URI used as an EPC in an event. EPC URIs, Digital Links and Lotline URNs of objects
 * become lots, serials, classes and units, and bad content in them is an error (never silently
 * 'other'). Any other absolute URI — a partner's private scheme, an EPC scheme Lotline does not
 * trace (GDTI, GSRN, GID, …), a place identifier (validated first) — is kept as `{ kind: 'other' }`,
 * because EPCIS allows any URI as an EPC. A string with no scheme is ID_UNKNOWN_FORM.
 */
export function parseObjectUri(uri: string): ObjectRef {
  if (isEpcUri(uri)) {
    if (isEpcObjectUri(uri)) return parseEpcUri(uri);
    if (isEpcPlaceUri(uri)) parseEpcPlaceUri(uri);
  } else if (isLotlineUri(uri)) {
    if (!/^urn:lotline:(party|loc):/i.test(uri)) return parseLotlineUri(uri);
    parseLotlinePlaceUri(uri);
  } else if (HTTP.test(uri)) {
    const key = digitalLinkKey(uri);
    if (key === '414' || key === '417') parseDigitalLinkPlace(uri);
    else if (key !== undefined) return parseDigitalLink(uri);
  }
  checkAbsoluteUri(uri);
  return { kind: 'other', uri };
}

const ACCEPTED_FORMS = [
  'an EPC URI (urn:epc:class:lgtin:4012345.012345.LOT7, urn:epc:id:sgtin:4012345.012345.400, urn:epc:id:sscc:4012345.0000000001)',
  'a GS1 Digital Link (https://id.gs1.org/01/04012345123456/10/LOT7)',
  'a GS1 element string ((01)04012345123456(10)LOT7, or as scanned: ]C1…, ]d2…, ]Q3…)',
  'a Lotline URN (urn:lotline:lot:ITEM:LOT)',
  'any other absolute URI recorded as an EPC',
].join('; ');

/**
 * Parses what a person types or scans: any URI form {@link parseObjectUri} accepts, or an element
 * string (starting with `(` or `]`). Anything else is ID_UNKNOWN_FORM with the accepted forms.
 */
export function parseRef(input: string): ObjectRef {
  const s = input.trim();
  if (s.startsWith('(') || s.startsWith(']')) return refFromElementString(s);
  if (SCHEME.test(s)) return parseObjectUri(s);
  throw new LotlineError(
    'ID_UNKNOWN_FORM',
    `${quoteInput(s)} is not an identifier Lotline recognises. Accepted: ${ACCEPTED_FORMS}. For plain plant codes use --item ITEM --lot LOT (or --serial SERIAL).`,
  );
}

/** Trims a code and refuses an empty one or one with control characters, naming the field. */
function code(field: string, value: string): string {
  const v = value.trim();
  if (v === '') throw new LotlineError('ID_INVALID', `${field} is empty`);
  if (CONTROL.test(v)) throw new LotlineError('ID_INVALID', `${field} ${quoteInput(v)} contains a control character`);
  return v;
}

function withCode(item: string, lot: string | undefined, serial: string | undefined): ObjectRef {
  if (lot !== undefined && serial !== undefined) {
    throw new LotlineError('ID_INVALID', `give a lot or a serial for item ${quoteInput(item)}, not both`);
  }
  if (lot !== undefined) return { kind: 'lot', item, lot: code('lot', lot) };
  if (serial !== undefined) return { kind: 'serial', item, serial: code('serial', serial) };
  return { kind: 'class', item };
}

/** An object named by plant codes (`--item SKU-123 --lot 2026-05-04-A`): kept verbatim apart from trimming; lot or serial or neither (a class). */
export function plainRef(input: { item: string; lot?: string; serial?: string }): ObjectRef {
  return withCode(code('item', input.item), input.lot, input.serial);
}

/** An object named by a GTIN (8, 12, 13 or 14 digits, normalised to GTIN-14) with a lot, a serial or neither. */
export function gtinRef(input: { gtin: string; lot?: string; serial?: string }): ObjectRef {
  return withCode(normalizeGtin(code('gtin', input.gtin)), input.lot, input.serial);
}

/** Parses a location or party URI: SGLN/PGLN EPC URIs, Digital Links with /414/ or /417/, Lotline party/loc URNs. */
export function parsePlaceUri(uri: string): PlaceRef {
  if (isEpcUri(uri)) return parseEpcPlaceUri(uri);
  if (isLotlineUri(uri)) return parseLotlinePlaceUri(uri);
  if (HTTP.test(uri) && isDigitalLink(uri)) return parseDigitalLinkPlace(uri);
  throw new LotlineError(
    'ID_UNKNOWN_FORM',
    `${quoteInput(uri)} is not a place identifier Lotline recognises; expected urn:epc:id:sgln:…, urn:epc:id:pgln:…, a Digital Link with /414/ or /417/, or urn:lotline:party:… / urn:lotline:loc:…`,
  );
}
