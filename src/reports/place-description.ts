/**
 * What a report prints for a party or location URI: the name master data gives it when the plant
 * recorded one (docs/masterdata.md); otherwise what the identifier itself says: the plant's own
 * name for `urn:lotline:party:…` and `urn:lotline:loc:…`, the GLN (with its extension) for
 * SGLN/PGLN URIs and Digital Links, and any other URI as written.
 */
import { parsePlaceUri } from '../domain/identifiers/index.js';
import type { MasterDataView } from '../masterdata/master-data-view.js';

export function describePlace(uri: string, masterData?: MasterDataView): string {
  const known = masterData?.party(uri) ?? masterData?.location(uri);
  if (known) return known.name;
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
