/**
 * The integration store in PostgreSQL: the same port as the SQLite adapter, its own tables and a
 * migration track of its own (`meta.integration_schema_version`) in the event store's schema.
 */
import pg from 'pg';
import { LotlineError } from '../../domain/errors.js';
import type { Delivery, DeliveryStatus, IntegrationStore, NewDelivery, ProcessedFile, SubscriptionChange, WebhookSubscription } from '../integration-store.js';
import type { DeliveryRow, SubscriptionRow } from '../integration-rows.js';
import { DELIVERY_COLUMNS, toDelivery, toSubscription } from '../integration-rows.js';
import { integrationMigrations, INTEGRATION_VERSION_KEY } from '../integration-migrations.js';
import type { Queryable } from '../../store/postgres/pg-transaction.js';
import { inTransaction } from '../../store/postgres/pg-transaction.js';

const PG_INTEGRATION_MIGRATIONS = integrationMigrations('postgresql');


/** Serialises migrations of concurrent processes starting on one database. */
const MIGRATION_LOCK = 7_413_922;
const CURSOR_KEY = 'event_cursor';

/** Opens (and migrates) the integration tables at a postgres:// URL, in `schema` when given. */
export async function openPostgresIntegrationStore(url: string, options: { schema?: string } = {}): Promise<PostgresIntegrationStore> {
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
    throw new LotlineError('USAGE', `the schema name ${JSON.stringify(options.schema)} must be lower-case letters, digits and _`);
  }
  const pool = new pg.Pool({ connectionString: url, max: 4, ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}) });
  try {
    await inTransaction(pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      if (options.schema) await c.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
      await c.query('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
      const current = Number((await c.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [INTEGRATION_VERSION_KEY])).rows[0]?.value ?? 0);
      if (current > PG_INTEGRATION_MIGRATIONS.length) {
        throw new LotlineError('STORE_SCHEMA_TOO_NEW', `this database has integration schema version ${current}, newer than this Lotline knows (${PG_INTEGRATION_MIGRATIONS.length}); upgrade Lotline`);
      }
      for (let v = current; v < PG_INTEGRATION_MIGRATIONS.length; v++) await c.query(PG_INTEGRATION_MIGRATIONS[v]!);
      await c.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value', [INTEGRATION_VERSION_KEY, String(PG_INTEGRATION_MIGRATIONS.length)]);
    });
  } catch (e) {
    await pool.end();
    if (e instanceof LotlineError) throw e;
    throw new LotlineError('STORE_UNAVAILABLE', `cannot open the integration tables in PostgreSQL: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return new PostgresIntegrationStore(pool);
}


async function insertDeliveries(c: Queryable, deliveries: readonly NewDelivery[], nowMs: number): Promise<void> {
  if (deliveries.length === 0) return;
  const at = new Date(nowMs).toISOString();
  await c.query(
    `INSERT INTO webhook_outbox (id, subscription_id, kind, body, status, attempts, next_attempt_ms, created_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS d(id, s, k, b)
       CROSS JOIN LATERAL (SELECT 'pending', 0, $5::bigint, $6::text) AS x`,
    [deliveries.map((d) => d.id), deliveries.map((d) => d.subscriptionId), deliveries.map((d) => d.kind), deliveries.map((d) => d.body), nowMs, at],
  );
}

export class PostgresIntegrationStore implements IntegrationStore {
  constructor(private readonly pool: pg.Pool) {}

  async processedFile(sha256: string): Promise<ProcessedFile | undefined> {
    const r = (await this.pool.query<{ sha256: string; name: string; processed_at: string; events: number }>('SELECT sha256, name, processed_at, events FROM integration_files WHERE sha256 = $1', [sha256])).rows[0];
    return r && { sha256: r.sha256, name: r.name, processedAt: r.processed_at, events: r.events };
  }

  async recordProcessedFile(f: ProcessedFile): Promise<void> {
    await this.pool.query('INSERT INTO integration_files (sha256, name, processed_at, events) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING', [f.sha256, f.name, f.processedAt, f.events]);
  }

  async insertSubscription(s: WebhookSubscription): Promise<void> {
    await this.pool.query('INSERT INTO webhook_subscriptions (id, url, secret, types, filter, active, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
      s.id,
      s.url,
      s.secret,
      JSON.stringify(s.types),
      JSON.stringify(s.filter),
      s.active,
      s.createdAt,
      s.createdBy,
    ]);
  }

  async getSubscription(id: string): Promise<WebhookSubscription | undefined> {
    const r = (await this.pool.query<SubscriptionRow>('SELECT * FROM webhook_subscriptions WHERE id = $1', [id])).rows[0];
    return r && toSubscription(r);
  }

  async listSubscriptions(): Promise<WebhookSubscription[]> {
    return (await this.pool.query<SubscriptionRow>('SELECT * FROM webhook_subscriptions ORDER BY created_at, id')).rows.map(toSubscription);
  }

  async updateSubscription(id: string, c: SubscriptionChange): Promise<boolean> {
    const cur = await this.getSubscription(id);
    if (!cur) return false;
    const n = { ...cur, ...c };
    const r = await this.pool.query('UPDATE webhook_subscriptions SET url = $1, secret = $2, types = $3, filter = $4, active = $5 WHERE id = $6', [
      n.url,
      n.secret,
      JSON.stringify(n.types),
      JSON.stringify(n.filter),
      n.active,
      id,
    ]);
    return (r.rowCount ?? 0) > 0;
  }

  async deleteSubscription(id: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM webhook_subscriptions WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  async eventCursor(): Promise<number> {
    return Number((await this.pool.query<{ value: string }>('SELECT value FROM webhook_state WHERE key = $1', [CURSOR_KEY])).rows[0]?.value ?? -1);
  }

  async enqueueFromLog(from: number, to: number, deliveries: readonly NewDelivery[], nowMs: number): Promise<boolean> {
    return inTransaction(this.pool, async (c) => {
      // Row lock on the cursor (or, before it exists, the advisory lock): two servers never queue one event twice.
      await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK + 1]);
      const cur = (await c.query<{ value: string }>('SELECT value FROM webhook_state WHERE key = $1', [CURSOR_KEY])).rows[0]?.value;
      if (cur !== (from < 0 ? undefined : String(from))) return false;
      await insertDeliveries(c, deliveries, nowMs);
      await c.query('INSERT INTO webhook_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value', [CURSOR_KEY, String(to)]);
      return true;
    });
  }

  async enqueue(deliveries: readonly NewDelivery[], nowMs: number): Promise<void> {
    await insertDeliveries(this.pool, deliveries, nowMs);
  }

  async claimDue(nowMs: number, leaseMs: number, limit: number): Promise<Delivery[]> {
    const r = await this.pool.query<DeliveryRow>(
      `UPDATE webhook_outbox SET next_attempt_ms = $2 + $3
        WHERE n IN (SELECT n FROM webhook_outbox WHERE status = 'pending' AND next_attempt_ms <= $2 ORDER BY next_attempt_ms, n LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING ${DELIVERY_COLUMNS}, n`,
      [limit, nowMs, leaseMs],
    );
    // RETURNING gives the leased time; the caller wants the row as it was due.
    return r.rows.sort((a, b) => Number((a as unknown as { n: string }).n) - Number((b as unknown as { n: string }).n)).map((row) => ({ ...toDelivery(row), nextAttemptMs: nowMs }));
  }

  async markDelivered(id: string, attempts: number, at: string): Promise<void> {
    await this.pool.query("UPDATE webhook_outbox SET status = 'delivered', attempts = $1, delivered_at = $2, last_error = NULL WHERE id = $3", [attempts, at, id]);
  }

  async markFailed(id: string, attempts: number, error: string, nextAttemptMs: number | null): Promise<void> {
    if (nextAttemptMs === null) await this.pool.query("UPDATE webhook_outbox SET status = 'dead', attempts = $1, last_error = $2 WHERE id = $3", [attempts, error, id]);
    else await this.pool.query('UPDATE webhook_outbox SET attempts = $1, last_error = $2, next_attempt_ms = $3 WHERE id = $4', [attempts, error, nextAttemptMs, id]);
  }

  async listDeliveries(status: DeliveryStatus, limit: number): Promise<Delivery[]> {
    return (await this.pool.query<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM webhook_outbox WHERE status = $1 ORDER BY n DESC LIMIT $2`, [status, limit])).rows.map(toDelivery);
  }

  async getDelivery(id: string): Promise<Delivery | undefined> {
    const r = (await this.pool.query<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM webhook_outbox WHERE id = $1`, [id])).rows[0];
    return r && toDelivery(r);
  }

  async replay(id: string, nowMs: number): Promise<boolean> {
    return ((await this.pool.query("UPDATE webhook_outbox SET status = 'pending', attempts = 0, next_attempt_ms = $1 WHERE id = $2 AND status = 'dead'", [nowMs, id])).rowCount ?? 0) > 0;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
