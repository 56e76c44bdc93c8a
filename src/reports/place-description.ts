/**
 * What a report prints for a party or location URI. Lotline keeps no address book yet, so the
 * description is what the identifier itself says: the plant's own name for `urn:lotline:party:…`
 * and `urn:lotline:loc:…`, the GLN (with its extension) for SGLN/PGLN URIs and Digital Links,
 * and any other URI as written.
 */
import { parsePlaceUri } from '../domain/identifiers/index.js';

export function describePlace(uri: string): string {
  try {
    const p = parsePlaceUri(uri);
    switch (p.kind) {
      case 'party':
      case 'loc':
        return p.name;
      case 'sgln':
        return p.extension === undefined ? `GLN ${p.gln}` : `GLN ${p.gln} (extension ${p.extension})`;
      case 'pgln':
        return `GLN ${p.gln}`;
    }
  } catch {
    // A URI Lotline does not read as a place is still the partner's name for it: shown as written.
  }
  return uri;
}
