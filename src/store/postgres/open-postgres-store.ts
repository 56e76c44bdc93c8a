/**
 * Opens the PostgreSQL store named by a `postgres://` URL. `?schema=NAME` picks the schema that
 * holds Lotline's tables (default `public`), so that several Lotline databases, or test runs,
 * share one PostgreSQL database without seeing each other.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { LotlineError } from '../../domain/errors.js';
import { termsOfBody } from '../event-terms.js';
import { POSTGRES_MIGRATIONS } from './migrations/index.js';
import type { PgClient, PostgresStoreOptions } from './postgres-event-store.js';
import { PostgresEventStore, storeError } from './postgres-event-store.js';

export interface PostgresOpenOptions extends PostgresStoreOptions {
  /** Create the schema and its tables when they do not exist (import, demo, migrate); readers refuse an empty schema. */
  readonly create?: boolean;
}

/** True for the URLs this adapter opens. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

/** Splits Lotline's own `schema` parameter off the connection URL. */
export function parsePostgresUrl(url: string): { connectionString: string; schema: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LotlineError('USAGE', `${redactUrl(url)} is not a valid PostgreSQL URL; write postgres://USER@HOST:PORT/DATABASE`);
  }
  const schema = parsed.searchParams.get('schema') ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new LotlineError('USAGE', `schema ${JSON.stringify(schema)} in the PostgreSQL URL must be lower-case letters, digits and _ (starting with a letter or _)`);
  }
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema };
}

function newClient(connectionString: string): pg.Client {
  const types = new pg.TypeOverrides();
  // bigint (seq, ids, event_ms, counts) as a JS number: exact up to 2^53, far beyond any log
  types.setTypeParser(20, (v: string) => Number(v));
  return new pg.Client({ connectionString, types, application_name: 'lotline' });
}

/** A connected pg client with its search_path set to the schema. */
async function connectClient(connectionString: string, schema: string, url: string): Promise<pg.Client> {
  const client = newClient(connectionString);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw new LotlineError('STORE_UNAVAILABLE', `cannot connect to ${redactUrl(url)}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  try {
    await client.query(`SET search_path TO "${schema}"`);
  } catch (e) {
    await client.end().catch(() => undefined);
    throw storeError(e);
  }
  return client;
}

/**
 * A connected client with its search_path set to the schema, without touching any table. When
 * the server ends the connection (a restart, `pg_terminate_backend`), the client says so
 * (`lost`) and fails every query until the store calls `reconnect` — which it does only between
 * transactions, never in the middle of one.
 */
export async function connectPostgres(url: string): Promise<{ client: PgClient; schema: string }> {
  const { connectionString, schema } = parsePostgresUrl(url);
  let client: pg.Client;
  let lost = false;
  const watch = (c: pg.Client): pg.Client => {
    c.on('error', () => {
      if (c === client) lost = true;
    });
    c.on('end', () => {
      if (c === client) lost = true;
    });
    return c;
  };
  client = watch(await connectClient(connectionString, schema, url));
  const adapter: PgClient = {
    query: (text, values) => client.query(text, values) as never,
    copyIn: (sql, data) => pipeline(Readable.from([Buffer.from(data, 'utf8')]), client.query(copyFrom(sql))),
    end: () => {
      lost = false;
      return client.end();
    },
    lost: () => lost,
    reconnect: async () => {
      const old = client;
      client = watch(await connectClient(connectionString, schema, url));
      lost = false;
      // not awaited: ending a client whose connection the server already closed may never settle
      void old.end().catch(() => undefined);
    },
  };
  return { client: adapter, schema };
}

/** Opens (creating and migrating if allowed) the store at `url`. */
export async function openPostgresStore(url: string, options: PostgresOpenOptions = { create: true }): Promise<PostgresEventStore> {
  const { client, schema } = await connectPostgres(url);
  try {
    const versions = await migratePostgres(client, schema, options.create ?? true, url);
    const store = new PostgresEventStore(client, options);
    store.schemaVersion = versions;
    return store;
  } catch (e) {
    await client.end().catch(() => undefined);
    throw storeError(e);
  }
}

/**
 * Brings the schema to the current version in one transaction, under an advisory lock so that two
 * processes starting at once do not both migrate. Refuses a schema that holds other tables but no
 * Lotline ones (it is not modified), and an empty one unless `create`.
 */
async function migratePostgres(client: PgClient, schema: string, create: boolean, url: string): Promise<{ from: number; to: number }> {
  await client.query('BEGIN');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('lotline:migrate:' || $1))", [schema]);
    const tables = (await client.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema])).rows.map((r) => r.table_name);
    if (tables.length > 0 && (!tables.includes('meta') || !tables.includes('log'))) {
      throw new LotlineError('STORE_UNAVAILABLE', `schema ${schema} of ${redactUrl(url)} holds tables but not Lotline's; it was not modified (pick another schema with ?schema=NAME)`);
    }
    let from = 0;
    if (tables.length === 0) {
      if (!create) {
        throw new LotlineError('STORE_NOT_FOUND', `no Lotline database in schema ${schema} of ${redactUrl(url)}; check --db (or $LOTLINE_DB), or create one with 'lotline migrate', 'lotline import FILE' or 'lotline demo'`);
      }
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    } else {
      const row = (await client.query<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'")).rows[0];
      from = Number(row?.value ?? 0);
    }
    if (from > POSTGRES_MIGRATIONS.length) {
      throw new LotlineError('STORE_SCHEMA_TOO_NEW', `this database has schema version ${from}, newer than this Lotline knows (${POSTGRES_MIGRATIONS.length}); upgrade Lotline`);
    }
    for (let v = from; v < POSTGRES_MIGRATIONS.length; v++) {
      await client.query(POSTGRES_MIGRATIONS[v]!);
      if (v + 1 === TERMS_VERSION) await fillTerms(client);
      await client.query("INSERT INTO meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [String(v + 1)]);
    }
    await client.query('COMMIT');
    return { from, to: POSTGRES_MIGRATIONS.length };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** Drops a schema and everything in it (tests: each run gets its own schema). */
export async function dropPostgresSchema(url: string): Promise<void> {
  const { client, schema } = await connectPostgres(url);
  try {
    if (schema === 'public') throw new Error('refusing to drop the public schema');
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** The migration that created `event_terms`. */
const TERMS_VERSION = 2;

/** Fills `event_terms` from the events already logged (a database older than the table), page by page. */
async function fillTerms(client: PgClient): Promise<void> {
  for (let after = 0; ; ) {
    const rows = (await client.query<{ seq: string; event_id: string; body: string }>("SELECT seq, event_id, body FROM log WHERE entry_kind = 'event' AND seq > $1 ORDER BY seq LIMIT 2000", [after])).rows;
    if (rows.length === 0) return;
    const cols: unknown[][] = [[], [], [], []];
    for (const r of rows) {
      for (const t of termsOfBody(Number(r.seq), r.event_id, r.body)) {
        cols[0]!.push(t.term);
        cols[1]!.push(Number(r.seq));
        cols[2]!.push(t.kind);
        cols[3]!.push(t.value);
      }
    }
    await client.query('INSERT INTO event_terms (term, seq, kind, value) SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[])', cols);
    after = Number(rows[rows.length - 1]!.seq);
  }
}
