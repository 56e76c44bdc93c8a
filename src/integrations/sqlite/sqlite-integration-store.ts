/**
 * The integration store in SQLite: its own connection to the event store's file, its own tables
 * and migration track. better-sqlite3 is synchronous, so each method is one transaction at most.
 */
import type Database from 'better-sqlite3';
import { openSideTables } from '../../store/sqlite/open-side-tables.js';
import type { Delivery, DeliveryStatus, IntegrationStore, NewDelivery, ProcessedFile, SubscriptionChange, WebhookSubscription } from '../integration-store.js';
import type { DeliveryRow, SubscriptionRow } from '../integration-rows.js';
import { DELIVERY_COLUMNS, toDelivery, toSubscription } from '../integration-rows.js';
import { integrationMigrations, INTEGRATION_VERSION_KEY } from '../integration-migrations.js';

const INTEGRATION_MIGRATIONS = integrationMigrations('sqlite');

const CURSOR_KEY = 'event_cursor';

export class SqliteIntegrationStore implements IntegrationStore {
  private readonly db: Database.Database;

  constructor(path: string, busyTimeoutMs = 15_000) {
    this.db = openSideTables(path, 'integration', INTEGRATION_VERSION_KEY, INTEGRATION_MIGRATIONS, busyTimeoutMs);
  }

  async processedFile(sha256: string): Promise<ProcessedFile | undefined> {
    const r = this.db.prepare('SELECT sha256, name, processed_at, events FROM integration_files WHERE sha256 = ?').get(sha256) as
      | { sha256: string; name: string; processed_at: string; events: number }
      | undefined;
    return r && { sha256: r.sha256, name: r.name, processedAt: r.processed_at, events: r.events };
  }

  async recordProcessedFile(f: ProcessedFile): Promise<void> {
    this.db.prepare('INSERT INTO integration_files (sha256, name, processed_at, events) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING').run(f.sha256, f.name, f.processedAt, f.events);
  }

  async insertSubscription(s: WebhookSubscription): Promise<void> {
    this.db
      .prepare('INSERT INTO webhook_subscriptions (id, url, secret, types, filter, active, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(s.id, s.url, s.secret, JSON.stringify(s.types), JSON.stringify(s.filter), s.active ? 1 : 0, s.createdAt, s.createdBy);
  }

  async getSubscription(id: string): Promise<WebhookSubscription | undefined> {
    const r = this.db.prepare('SELECT * FROM webhook_subscriptions WHERE id = ?').get(id) as SubscriptionRow | undefined;
    return r && toSubscription(r);
  }

  async listSubscriptions(): Promise<WebhookSubscription[]> {
    return (this.db.prepare('SELECT * FROM webhook_subscriptions ORDER BY created_at, id').all() as SubscriptionRow[]).map(toSubscription);
  }

  async updateSubscription(id: string, c: SubscriptionChange): Promise<boolean> {
    const cur = await this.getSubscription(id);
    if (!cur) return false;
    const n = { ...cur, ...c };
    this.db
      .prepare('UPDATE webhook_subscriptions SET url = ?, secret = ?, types = ?, filter = ?, active = ? WHERE id = ?')
      .run(n.url, n.secret, JSON.stringify(n.types), JSON.stringify(n.filter), n.active ? 1 : 0, id);
    return true;
  }

  async deleteSubscription(id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM webhook_subscriptions WHERE id = ?').run(id).changes > 0;
  }

  async eventCursor(): Promise<number> {
    return Number((this.db.prepare('SELECT value FROM webhook_state WHERE key = ?').get(CURSOR_KEY) as { value: string } | undefined)?.value ?? -1);
  }

  private insertDeliveries(deliveries: readonly NewDelivery[], nowMs: number): void {
    const ins = this.db.prepare(
      "INSERT INTO webhook_outbox (id, subscription_id, kind, body, status, attempts, next_attempt_ms, created_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)",
    );
    const at = new Date(nowMs).toISOString();
    for (const d of deliveries) ins.run(d.id, d.subscriptionId, d.kind, d.body, nowMs, at);
  }

  async enqueueFromLog(from: number, to: number, deliveries: readonly NewDelivery[], nowMs: number): Promise<boolean> {
    return this.db
      .transaction(() => {
        if ((this.db.prepare('SELECT value FROM webhook_state WHERE key = ?').get(CURSOR_KEY) as { value: string } | undefined)?.value !== (from < 0 ? undefined : String(from))) return false;
        this.insertDeliveries(deliveries, nowMs);
        this.db.prepare('INSERT INTO webhook_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(CURSOR_KEY, String(to));
        return true;
      })
      .immediate();
  }

  async enqueue(deliveries: readonly NewDelivery[], nowMs: number): Promise<void> {
    this.db.transaction(() => this.insertDeliveries(deliveries, nowMs)).immediate();
  }

  async claimDue(nowMs: number, leaseMs: number, limit: number): Promise<Delivery[]> {
    return this.db
      .transaction(() => {
        const rows = this.db
          .prepare(`SELECT ${DELIVERY_COLUMNS} FROM webhook_outbox WHERE status = 'pending' AND next_attempt_ms <= ? ORDER BY next_attempt_ms, n LIMIT ?`)
          .all(nowMs, limit) as DeliveryRow[];
        const lease = this.db.prepare('UPDATE webhook_outbox SET next_attempt_ms = ? WHERE id = ?');
        for (const r of rows) lease.run(nowMs + leaseMs, r.id);
        return rows.map(toDelivery);
      })
      .immediate();
  }

  async markDelivered(id: string, attempts: number, at: string): Promise<void> {
    this.db.prepare("UPDATE webhook_outbox SET status = 'delivered', attempts = ?, delivered_at = ?, last_error = NULL WHERE id = ?").run(attempts, at, id);
  }

  async markFailed(id: string, attempts: number, error: string, nextAttemptMs: number | null): Promise<void> {
    if (nextAttemptMs === null) this.db.prepare("UPDATE webhook_outbox SET status = 'dead', attempts = ?, last_error = ? WHERE id = ?").run(attempts, error, id);
    else this.db.prepare('UPDATE webhook_outbox SET attempts = ?, last_error = ?, next_attempt_ms = ? WHERE id = ?').run(attempts, error, nextAttemptMs, id);
  }

  async listDeliveries(status: DeliveryStatus, limit: number): Promise<Delivery[]> {
    return (this.db.prepare(`SELECT ${DELIVERY_COLUMNS} FROM webhook_outbox WHERE status = ? ORDER BY n DESC LIMIT ?`).all(status, limit) as DeliveryRow[]).map(toDelivery);
  }

  async getDelivery(id: string): Promise<Delivery | undefined> {
    const r = this.db.prepare(`SELECT ${DELIVERY_COLUMNS} FROM webhook_outbox WHERE id = ?`).get(id) as DeliveryRow | undefined;
    return r && toDelivery(r);
  }

  async replay(id: string, nowMs: number): Promise<boolean> {
    return this.db.prepare("UPDATE webhook_outbox SET status = 'pending', attempts = 0, next_attempt_ms = ? WHERE id = ? AND status = 'dead'").run(nowMs, id).changes > 0;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
