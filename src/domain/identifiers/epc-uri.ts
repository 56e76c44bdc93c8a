import { LotlineError } from '../errors.js';
import { checkGs1Text, gs1CheckDigit, inContext, normalizeGiai, quoteInput } from './gtin.js';
import type { ObjectRef } from './object-ref.js';

/**
 * EPC URIs (GS1 EPC Tag Data Standard, section 6): pure identities (`urn:epc:id:sgtin:…`), the
 * LGTIN class (`urn:epc:class:lgtin:…`) and the GTIN pattern (`urn:epc:idpat:sgtin:…*`). EPC
 * URIs split a key at the company prefix and drop the check digit, so parsing rebuilds the
 * GS1 key (GTIN-14, SSCC, GLN, GRAI) exactly as a barcode would carry it.
 */

/** A location or party named by a GS1 key: an SGLN (GLN plus optional extension) or a PGLN. */
export type Gs1PlaceRef =
  | { readonly kind: 'sgln'; readonly gln: string; readonly extension?: string }
  | { readonly kind: 'pgln'; readonly gln: string };

const HEAD = /^urn:epc:(id|class|idpat):([A-Za-z0-9-]+):(.*)$/i;
const DIGITS = /^\d*$/;

/** The EPC URI forms that name traceable objects, as `type:scheme`. */
export const EPC_OBJECT_SCHEMES = ['id:sgtin', 'class:lgtin', 'idpat:sgtin', 'id:sscc', 'id:grai', 'id:giai'] as const;
/** The EPC URI forms that name locations and parties, as `type:scheme`. */
export const EPC_PLACE_SCHEMES = ['id:sgln', 'id:pgln'] as const;

function head(uri: string): { form: string; body: string } | undefined {
  const m = HEAD.exec(uri);
  if (m === null) return undefined;
  return { form: `${(m[1] ?? '').toLowerCase()}:${(m[2] ?? '').toLowerCase()}`, body: m[3] ?? '' };
}

/** True when `uri` starts with `urn:epc:` (any case), whatever its scheme. */
export function isEpcUri(uri: string): boolean {
  return uri.slice(0, 8).toLowerCase() === 'urn:epc:';
}

/** True when `uri` is an EPC URI of a form Lotline turns into an object (SGTIN, LGTIN, GTIN pattern, SSCC, GRAI, GIAI). */
export function isEpcObjectUri(uri: string): boolean {
  const h = head(uri);
  return h !== undefined && (EPC_OBJECT_SCHEMES as readonly string[]).includes(h.form);
}

/** True when `uri` is an SGLN or PGLN EPC URI. */
export function isEpcPlaceUri(uri: string): boolean {
  const h = head(uri);
  return h !== undefined && (EPC_PLACE_SCHEMES as readonly string[]).includes(h.form);
}

/** Percent-decodes an EPC URI component exactly once (`LOT%2F7` → `LOT/7`). */
function decodeOnce(uri: string, component: string): string {
  try {
    return decodeURIComponent(component);
  } catch (cause) {
    throw new LotlineError('ID_INVALID', `${quoteInput(uri)} contains a malformed percent-encoding in ${quoteInput(component)}`, {
      cause,
    });
  }
}

/** Splits the body into `n` fields at the first n-1 dots: the last field (serial, lot) may itself contain dots. */
function fields(uri: string, body: string, names: readonly string[]): string[] {
  const parts = body.split('.');
  if (parts.length < names.length) {
    throw new LotlineError(
      'ID_INVALID',
      `${quoteInput(uri)} has ${parts.length} dot-separated field(s); expected ${names.length} (${names.join('.')})`,
    );
  }
  return [...parts.slice(0, names.length - 1), parts.slice(names.length - 1).join('.')];
}

function companyPrefix(uri: string, cp: string): void {
  if (!DIGITS.test(cp) || cp.length < 6 || cp.length > 12) {
    throw new LotlineError('ID_INVALID', `${quoteInput(uri)}: the GS1 company prefix ${quoteInput(cp)} must be 6 to 12 digits`);
  }
}

/**
 * Rebuilds a key from company prefix and reference: the reference's first digit (indicator or
 * extension digit) moves in front of the prefix, and the check digit is computed.
 */
function rebuild(uri: string, cp: string, ref: string, refName: string, total: number, leadingDigit: boolean): string {
  companyPrefix(uri, cp);
  if (!DIGITS.test(ref)) {
    throw new LotlineError('ID_INVALID', `${quoteInput(uri)}: the ${refName} ${quoteInput(ref)} must contain only digits`);
  }
  if (cp.length + ref.length !== total) {
    throw new LotlineError(
      'ID_INVALID',
      `${quoteInput(uri)}: company prefix and ${refName} have ${cp.length}+${ref.length}=${cp.length + ref.length} digits; they must have ${total}`,
    );
  }
  const body = leadingDigit ? `${ref.slice(0, 1)}${cp}${ref.slice(1)}` : `${cp}${ref}`;
  return `${body}${gs1CheckDigit(body)}`;
}

/** Parses an EPC URI that names an object: SGTIN → serial, LGTIN → lot, SGTIN pattern → class, SSCC/GRAI/GIAI → unit. */
export function parseEpcUri(uri: string): ObjectRef {
  const h = head(uri);
  if (h === undefined || !(EPC_OBJECT_SCHEMES as readonly string[]).includes(h.form)) {
    throw new LotlineError(
      'ID_UNKNOWN_FORM',
      `${quoteInput(uri)} is not an EPC URI Lotline interprets as an object; expected urn:epc:id:sgtin, urn:epc:class:lgtin, urn:epc:idpat:sgtin, urn:epc:id:sscc, urn:epc:id:grai or urn:epc:id:giai`,
    );
  }
  const { form, body } = h;
  switch (form) {
    case 'id:sgtin': {
      const [cp = '', ir = '', serial = ''] = fields(uri, body, ['CompanyPrefix', 'IndicatorAndItemRef', 'Serial']);
      const item = rebuild(uri, cp, ir, 'indicator and item reference', 13, true);
      return { kind: 'serial', item, serial: checkGs1Text(`serial in ${quoteInput(uri)}`, decodeOnce(uri, serial), 20) };
    }
    case 'class:lgtin': {
      const [cp = '', ir = '', lot = ''] = fields(uri, body, ['CompanyPrefix', 'IndicatorAndItemRef', 'Lot']);
      const item = rebuild(uri, cp, ir, 'indicator and item reference', 13, true);
      return { kind: 'lot', item, lot: checkGs1Text(`lot in ${quoteInput(uri)}`, decodeOnce(uri, lot), 20) };
    }
    case 'idpat:sgtin': {
      const [cp = '', ir = '', star = ''] = fields(uri, body, ['CompanyPrefix', 'IndicatorAndItemRef', '*']);
      if (cp === '*' || ir === '*') {
        // A pattern over a whole company prefix (or all GTINs) is many items, not one class.
        throw new LotlineError('ID_INVALID', `${quoteInput(uri)} matches many items; Lotline needs one GTIN per class reference`);
      }
      if (star !== '*') {
        throw new LotlineError('ID_INVALID', `${quoteInput(uri)}: an SGTIN pattern must end in '.*' (use urn:epc:id:sgtin for one serial)`);
      }
      return { kind: 'class', item: rebuild(uri, cp, ir, 'indicator and item reference', 13, true) };
    }
    case 'id:sscc': {
      const [cp = '', sr = ''] = fields(uri, body, ['CompanyPrefix', 'SerialReference']);
      if (sr.includes('.')) throw new LotlineError('ID_INVALID', `${quoteInput(uri)}: an SSCC has exactly two fields`);
      return { kind: 'unit', scheme: 'sscc', id: rebuild(uri, cp, sr, 'serial reference', 17, true) };
    }
    case 'id:grai': {
      const [cp = '', at = '', serial = ''] = fields(uri, body, ['CompanyPrefix', 'AssetType', 'Serial']);
      // AI 8003 carries the GRAI with a leading filler zero: 0 + prefix + asset type + check digit.
      const key = `0${rebuild(uri, cp, at, 'asset type', 12, false)}`;
      return { kind: 'unit', scheme: 'grai', id: `${key}${checkGs1Text(`GRAI serial in ${quoteInput(uri)}`, decodeOnce(uri, serial), 16)}` };
    }
    default: {
      // id:giai, the last object form.
      const [cp = '', ref = ''] = fields(uri, body, ['CompanyPrefix', 'IndividualAssetReference']);
      companyPrefix(uri, cp);
      const iar = decodeOnce(uri, ref);
      if (iar === '') throw new LotlineError('ID_INVALID', `${quoteInput(uri)}: the individual asset reference is empty`);
      return { kind: 'unit', scheme: 'giai', id: inContext(quoteInput(uri), () => normalizeGiai(`${cp}${iar}`)) };
    }
  }
}

/** Parses `urn:epc:id:sgln:CompanyPrefix.LocationRef.Extension` or `urn:epc:id:pgln:CompanyPrefix.PartyRef`. */
export function parseEpcPlaceUri(uri: string): Gs1PlaceRef {
  const h = head(uri);
  if (h === undefined || !(EPC_PLACE_SCHEMES as readonly string[]).includes(h.form)) {
    throw new LotlineError(
      'ID_UNKNOWN_FORM',
      `${quoteInput(uri)} is not an SGLN or PGLN EPC URI (urn:epc:id:sgln:… or urn:epc:id:pgln:…)`,
    );
  }
  if (h.form === 'id:pgln') {
    const [cp = '', pr = ''] = fields(uri, h.body, ['CompanyPrefix', 'PartyRef']);
    return { kind: 'pgln', gln: rebuild(uri, cp, pr, 'party reference', 12, false) };
  }
  const [cp = '', lr = '', ext = ''] = fields(uri, h.body, ['CompanyPrefix', 'LocationRef', 'Extension']);
  const gln = rebuild(uri, cp, lr, 'location reference', 12, false);
  // TDS: the extension "0" stands for "no extension" (no AI 254), so it is not kept.
  if (ext === '0') return { kind: 'sgln', gln };
  return { kind: 'sgln', gln, extension: checkGs1Text(`GLN extension in ${quoteInput(uri)}`, decodeOnce(uri, ext), 20) };
}
