/**
 * The hand-built salad plant of test/fixtures/scenarios/salad-plant.ndjson, and the stores the
 * report tests run on: SQLite always, PostgreSQL when LOTLINE_TEST_PG names a server.
 *
 * What it holds (times at -07:00): cucumbers CU-3 packed here (initial packing, no reference
 * document); lettuce LET-1 received from Sunny Farms with every KDE; tomatoes TOM-7 received
 * without product description or TLC source; salad SAL-1 made from both plus a class-only
 * dressing input (no lot); 100 kg of SAL-1 shipped on a pallet to Fresh Mart at 23:30 local
 * (the next day in UTC), 50 kg shipped loose to Corner Deli without an order; a second batch of
 * salad from 40 kg of tomatoes and a 999 kg shipment, both declared erroneous.
 */
import { readFileSync } from 'node:fs';
import type { EventStore } from '../../src/store/event-store.js';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { FIXTURES } from '../helpers/cli.js';
import { freshPgUrl, pgSkipReason } from '../helpers/postgres.js';
import { load } from '../helpers/store.js';

export const SALAD_PLANT = `${FIXTURES}scenarios/salad-plant.ndjson`;
export const SALAD = 'urn:epc:class:lgtin:0614141.100001.SAL-1';
export const SALAD_GTIN = '10614141000019';
export const VOIDED_BATCH = 'urn:uuid:5a1ad000-0000-4000-8000-000000000010';
export const VOIDED_SHIPMENT = 'urn:uuid:5a1ad000-0000-4000-8000-000000000007';

export function saladCommands(): unknown[] {
  return readFileSync(SALAD_PLANT, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
}

export interface StoreKind {
  readonly name: string;
  readonly skip: string | undefined;
  open(): Promise<EventStore>;
}

export const STORE_KINDS: readonly StoreKind[] = [
  { name: 'SQLite', skip: undefined, open: async () => openSqliteStore(':memory:') },
  { name: 'PostgreSQL', skip: pgSkipReason(), open: async () => openPostgresStore(freshPgUrl('rep')) },
];

/** A store of this kind holding the salad plant. */
export async function saladStore(kind: StoreKind): Promise<EventStore> {
  const store = await kind.open();
  await load(store, saladCommands());
  return store;
}
