/**
 * Master data read once into memory for a report: what to print for an item or a place URI, and a
 * customer's contact details. Reports take a view, never the store, so that a report of 10,000
 * lots makes three reads, not 10,000.
 */
import type { Item, Location, Party } from './master-data.js';
import { itemKey, placeKey } from './master-data-keys.js';
import type { MasterDataStore } from './master-data-store.js';

export interface MasterDataView {
  /** The item record of an item code or GTIN-14, as lots name them. */
  item(item: string): Item | undefined;
  /** The party record of a party (or location) URI as an event writes it. */
  party(uri: string): Party | undefined;
  /** The location record of a location URI. */
  location(uri: string): Location | undefined;
}

export const EMPTY_MASTER_DATA: MasterDataView = { item: () => undefined, party: () => undefined, location: () => undefined };

/** Largest number of records of one kind a view holds; more is a plant this view was not meant for. */
const PAGE = 1000;

export async function loadMasterDataView(store: MasterDataStore): Promise<MasterDataView> {
  const all = async <K extends 'items' | 'parties' | 'locations'>(kind: K) => {
    const out = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await store.list(kind, { limit: PAGE, offset });
      out.push(...page);
      if (page.length < PAGE) return out;
    }
  };
  const items = new Map((await all('items')).map((r) => [r.key, r.data as Item]));
  const parties = new Map((await all('parties')).map((r) => [r.key, r.data as Party]));
  const locations = new Map((await all('locations')).map((r) => [r.key, r.data as Location]));
  return viewOf(items, parties, locations);
}

/** A view over records already keyed (tests, the demo). */
export function viewOf(items: ReadonlyMap<string, Item>, parties: ReadonlyMap<string, Party>, locations: ReadonlyMap<string, Location>): MasterDataView {
  return {
    item: (item) => items.get(itemKey(item)) ?? items.get(item),
    party: (uri) => parties.get(placeKey(uri)),
    location: (uri) => locations.get(placeKey(uri)),
  };
}
