/** A Lotline API over fresh stores, with one account per role, for the HTTP tests. */
import type { FastifyInstance } from 'fastify';
import { addUser, createKey } from '../../src/identity/identity-service.js';
import type { IdentityStore } from '../../src/identity/identity-store.js';
import type { IntegrationStore } from '../../src/integrations/integration-store.js';
import { SqliteIntegrationStore } from '../../src/integrations/sqlite/sqlite-integration-store.js';
import type { Role } from '../../src/identity/roles.js';
import { ROLES } from '../../src/identity/roles.js';
import { SqliteIdentityStore } from '../../src/identity/sqlite/sqlite-identity-store.js';
import type { StationStore } from '../../src/capture/scan/station-store.js';
import { SqliteStationStore } from '../../src/capture/scan/sqlite/sqlite-station-store.js';
import type { QualityStore } from '../../src/quality/quality-store.js';
import type { MockRecallStore } from '../../src/reports/mock-recall/mock-recall-store.js';
import { SqliteMockRecallStore } from '../../src/reports/mock-recall/sqlite/sqlite-mock-recall-store.js';
import { SqliteMasterDataStore } from '../../src/masterdata/sqlite/sqlite-master-data-store.js';
import { SqliteQualityStore } from '../../src/quality/sqlite/sqlite-quality-store.js';
import type { Api, AppOptions } from '../../src/server/app.js';
import { buildApp } from '../../src/server/app.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';

export const PASSWORD = 'correct horse battery staple';
const BY = { actor: 'cli:test', origin: 'cli@test' };

export interface TestApi {
  readonly app: FastifyInstance & { api: Api };
  readonly store: EventStore;
  readonly identity: IdentityStore;
  readonly stations: StationStore;
  /** With `integrations: true`: the webhook and file-drop tables. */
  readonly integrations: IntegrationStore | undefined;
  readonly quality: QualityStore;
  readonly mockRecalls: MockRecallStore;
  readonly masterData: SqliteMasterDataStore;
  /** `Authorization` headers of one API key per role. */
  readonly keys: Readonly<Record<Role, { authorization: string }>>;
  close(): Promise<void>;
}

/** Builds the app over in-memory stores (or `db`), with an API key per role unless `accounts` is false. */
export async function testApi(options: AppOptions & { accounts?: boolean; db?: string; integrations?: boolean } = {}): Promise<TestApi> {
  const store = openSqliteStore(options.db ?? ':memory:');
  const identity = new SqliteIdentityStore(options.db ?? ':memory:');
  const quality = new SqliteQualityStore(options.db ?? ':memory:');
  const keys = {} as Record<Role, { authorization: string }>;
  if (options.accounts !== false) {
    for (const role of ROLES) keys[role] = { authorization: `Bearer ${(await createKey(identity, { name: `${role}-key`, role }, BY)).secret}` };
  }
  const stations = new SqliteStationStore(options.db ?? ':memory:');
  const integrations = options.integrations ? new SqliteIntegrationStore(options.db ?? ':memory:') : undefined;
  const mockRecalls = new SqliteMockRecallStore(options.db ?? ':memory:');
  const masterData = new SqliteMasterDataStore(options.db ?? ':memory:');
  const app = await buildApp({ store, identity, quality, stations, mockRecalls, masterData, ...(integrations ? { integrations } : {}) }, { logger: false, ...options });
  return {
    app,
    store,
    identity,
    stations,
    integrations,
    quality,
    mockRecalls,
    masterData,
    keys,
    close: async () => {
      await app.close();
      await masterData.close();
      await stations.close();
      await integrations?.close();
      await mockRecalls.close();
      await quality.close();
      await identity.close();
      await store.close();
    },
  };
}

/** The full name the test users get unless a test says otherwise: `quinn` is "Quinn Tester". */
export const testFullName = (name: string): string => `${name.charAt(0).toUpperCase()}${name.slice(1)} Tester`;

/** Adds a user with the test password and a full name (null: none, so the user cannot sign). */
export async function user(identity: IdentityStore, name: string, role: Role, fullName: string | null = testFullName(name)): Promise<void> {
  await addUser(identity, { name, role, password: PASSWORD, ...(fullName !== null ? { fullName } : {}) }, BY);
}

export const receive = (lot: string, extra: Record<string, unknown> = {}) => ({
  cmd: 'receive',
  time: '2026-05-04T08:00:00+02:00',
  lots: [{ item: 'RAW', lot, quantity: 10, uom: 'KGM' }],
  from: 'Mill',
  ...extra,
});

export const produce = (id: string, input: string, output: string) => ({
  cmd: 'produce',
  id,
  time: '2026-05-04T09:00:00+02:00',
  inputs: [{ item: 'RAW', lot: input, quantity: 5, uom: 'KGM' }],
  outputs: [{ item: 'FG', lot: output, quantity: 5, uom: 'KGM' }],
});
