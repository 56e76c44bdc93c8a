/**
 * How a master-data identifier is matched with what events write. A GLN given as 13 digits is the
 * party of `https://id.gs1.org/417/…` and `urn:epc:id:pgln:…`, and the location of `…/414/…` and
 * `urn:epc:id:sgln:…`; a plain name is the `urn:lotline:party:NAME` / `urn:lotline:loc:NAME` that
 * native commands write for names; a GTIN of 8 to 14 digits is the GTIN-14 lots are stored under.
 */
import { LotlineError } from '../domain/errors.js';
import { isValidGs1Key, normalizeGln } from '../domain/identifiers/gtin.js';
import { parsePlaceUri } from '../domain/identifiers/index.js';
import type { MasterDataKind } from './master-data.js';

// A URI has a scheme and no white space; "Acme: Foods" is a name.
const URI = /^[a-z][a-z0-9+.-]*:\S*$/i;

/**
 * The item key: a GTIN-14 for a GTIN-8/12/13/14 with a right check digit, else the item code as
 * written (native commands keep an `item` of digits as the plant's code, so master data does too).
 */
export function itemKey(id: string): string {
  const s = id.trim();
  return /^(\d{8}|\d{12,14})$/.test(s) && isValidGs1Key(s) ? s.padStart(14, '0') : s;
}

/** The key of a place (party or location) URI as an event writes it; the URI itself when Lotline does not read it as a place. */
export function placeKey(uri: string): string {
  try {
    const p = parsePlaceUri(uri);
    switch (p.kind) {
      case 'sgln':
        return p.extension === undefined ? `gln:${p.gln}` : `gln:${p.gln}.${p.extension}`;
      case 'pgln':
        return `gln:${p.gln}`;
      case 'party':
      case 'loc':
        return `name:${p.name}`;
    }
  } catch {
    // a partner's own URI scheme: matched as written
  }
  return `uri:${uri}`;
}

/** The key of an identifier typed into master data: a 13-digit GLN, a URI, or a name. */
export function masterKey(kind: MasterDataKind, id: string): string {
  const s = id.trim();
  if (kind === 'items') return itemKey(s);
  if (/^\d{13}$/.test(s)) return `gln:${normalizeGln(s)}`;
  if (/^\d+$/.test(s)) throw new LotlineError('ID_INVALID', `${JSON.stringify(s)} is all digits but not a 13-digit GLN`);
  return URI.test(s) ? placeKey(s) : `name:${s}`;
}
