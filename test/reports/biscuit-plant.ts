/**
 * The hand-built biscuit plant of test/reports/fixtures/biscuit-recall.ndjson, for the mock recall, audit
 * trail and supplier reports. What it holds (times at +01:00, 2026-03-02 to 03-04):
 * - FLOUR / F-1: 1000 KGM received from Valley Mills (PO-11, supplier lot VM-77) at Goods in;
 *   300 KGM into dough D-1; 50 KGM scrapped (bag torn); 10 KGM written off (silo check): 640 KGM
 *   on hand at Goods in.
 * - BUTTER / B-1: 200 KGM received from Northfield Dairy (PO-12); 100 KGM into D-1, 60 KGM into
 *   cake CK-1: 40 KGM on hand (last at Line 2).
 * - DOUGH / D-1: 400 KGM made from F-1, B-1 and 5 KGM of item 00614141000012 without a lot (a
 *   class-only input: a genealogy gap); all 400 KGM into biscuits BC-1.
 * - BISCUIT / BC-1: 2000 EA; 1500 EA shipped to FreshMart (SO-1); the rest packed on cage CAGE-7
 *   without a quantity and the cage shipped to Corner Deli: 500 EA cannot be accounted for.
 * - CAKE / CK-1: 50 EA from B-1, still on hand at Line 2.
 */
import { readFileSync } from 'node:fs';
import type { EventStore } from '../../src/store/event-store.js';
import { load } from '../helpers/store.js';
import type { StoreKind } from './salad-plant.js';

export const BISCUIT_PLANT = new URL('./fixtures/biscuit-recall.ndjson', import.meta.url).pathname;

export function biscuitCommands(): unknown[] {
  return readFileSync(BISCUIT_PLANT, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
}

export async function biscuitStore(kind: StoreKind): Promise<EventStore> {
  const store = await kind.open();
  await load(store, biscuitCommands());
  return store;
}
