/**
 * The quality store in PostgreSQL (`pg`): the same port as the SQLite adapter, its own tables and
 * migration list (`quality_meta`). Each change of an exception is written with its history entry.
 */
import pg from 'pg';
import { LotlineError } from '../../domain/errors.js';
import type { Finding } from '../finding.js';
import type { ChangeRow, ExceptionRow, PendingRow, SignatureRow } from '../quality-rows.js';
import { exceptionFilter, toChange, toException, toPending, toSignature, updateColumns } from '../quality-rows.js';
import type { ExceptionChange, ExceptionQuery, ExceptionRecord, ExceptionState, ExceptionUpdate, GapWatermark, PendingDecision, QualityStore, SignatureEntry } from '../quality-store.js';
import { migratePgTrack } from '../../store/postgres/migration-track.js';
import { PG_QUALITY_MIGRATIONS } from './postgres-quality-migrations.js';
import type { Queryable } from '../../store/postgres/pg-transaction.js';
import { inTransaction } from '../../store/postgres/pg-transaction.js';


/** Serialises migrations of concurrent servers starting on one database. */
const MIGRATION_LOCK = 7_413_922;

/** Opens (and migrates) the quality store at a postgres:// URL, in `schema` when given. */
export async function openPostgresQualityStore(url: string, options: { schema?: string } = {}): Promise<PostgresQualityStore> {
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
    throw new LotlineError('USAGE', `the schema name ${JSON.stringify(options.schema)} must be lower-case letters, digits and _`);
  }
  const pool = new pg.Pool({ connectionString: url, max: 4, ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}) });
  try {
    await migratePgTrack(pool, options.schema, { lock: MIGRATION_LOCK, metaTable: 'quality_meta', migrations: PG_QUALITY_MIGRATIONS, what: 'quality' });
  } catch (e) {
    await pool.end();
    if (e instanceof LotlineError) throw e;
    throw new LotlineError('STORE_UNAVAILABLE', `cannot open the quality store in PostgreSQL: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return new PostgresQualityStore(pool);
}

export class PostgresQualityStore implements QualityStore {
  constructor(private readonly pool: pg.Pool) {}


  private history(c: Queryable, id: number, time: string, entry: Pick<ExceptionChange, 'actor' | 'action' | 'details'>): Promise<unknown> {
    return c.query('INSERT INTO quality_exception_history (exception_id, time, actor, action, details) VALUES ($1, $2, $3, $4, $5)', [id, time, entry.actor, entry.action, JSON.stringify(entry.details)]);
  }

  async report(findings: readonly Finding[], dueAt: (f: Finding) => string | null, actor: string): Promise<ExceptionRecord[]> {
    return inTransaction(this.pool, async (c) => {
      const now = new Date().toISOString();
      const opened: ExceptionRecord[] = [];
      for (const f of findings) {
        const row = (
          await c.query<ExceptionRow>(
            `INSERT INTO quality_exceptions (key, rule_id, severity, subject_kind, subject_ref, explanation, event_ids, site, line, detected_at, state, due_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', $11, $12) ON CONFLICT (key) DO NOTHING RETURNING *`,
            [f.key, f.ruleId, f.severity, f.subject.kind, f.subject.ref, f.explanation, JSON.stringify(f.eventIds), f.site, f.line, f.detectedAt, dueAt(f), now],
          )
        ).rows[0];
        if (!row) continue;
        await this.history(c, Number(row.id), now, { actor, action: 'opened', details: { ruleId: f.ruleId, severity: f.severity } });
        opened.push(toException(row));
      }
      return opened;
    });
  }

  async getException(id: number): Promise<ExceptionRecord | undefined> {
    const r = (await this.pool.query<ExceptionRow>('SELECT * FROM quality_exceptions WHERE id = $1', [id])).rows[0];
    return r && toException(r);
  }

  async queryExceptions(q: ExceptionQuery): Promise<ExceptionRecord[]> {
    const { sql, params } = exceptionFilter(q, (n) => `$${n}`);
    return (await this.pool.query<ExceptionRow>(sql, params)).rows.map(toException);
  }

  async updateException(id: number, expected: ExceptionState, change: ExceptionUpdate, entry: Pick<ExceptionChange, 'actor' | 'action' | 'details'>): Promise<ExceptionRecord | undefined> {
    const cols = updateColumns(change);
    return inTransaction(this.pool, async (c) => {
      const now = new Date().toISOString();
      const sets = [...cols.map(([col], i) => `${col} = $${i + 1}`), `updated_at = $${cols.length + 1}`];
      const row = (await c.query<ExceptionRow>(`UPDATE quality_exceptions SET ${sets.join(', ')} WHERE id = $${cols.length + 2} AND state = $${cols.length + 3} RETURNING *`, [...cols.map(([, v]) => v), now, id, expected])).rows[0];
      if (!row) return undefined;
      await this.history(c, id, now, entry);
      return toException(row);
    });
  }

  async historyOf(id: number): Promise<ExceptionChange[]> {
    return (await this.pool.query<ChangeRow>('SELECT * FROM quality_exception_history WHERE exception_id = $1 ORDER BY seq', [id])).rows.map(toChange);
  }

  async overdue(now: string): Promise<ExceptionRecord[]> {
    const rows = await this.pool.query<ExceptionRow>(
      "SELECT * FROM quality_exceptions WHERE state IN ('open', 'acknowledged') AND escalated_at IS NULL AND due_at IS NOT NULL AND due_at <= $1 ORDER BY due_at, id",
      [now],
    );
    return rows.rows.map(toException);
  }

  async recordSignatures(entries: readonly SignatureEntry[]): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      for (const e of entries) await c.query('INSERT INTO quality_signatures (hash, signer, meaning, signed_at) VALUES ($1, $2, $3, $4) ON CONFLICT (hash) DO NOTHING', [e.hash, e.signer, e.meaning, e.signedAt]);
    });
  }

  async getSignature(hash: string): Promise<SignatureEntry | undefined> {
    const r = (await this.pool.query<SignatureRow>('SELECT * FROM quality_signatures WHERE hash = $1', [hash])).rows[0];
    return r && toSignature(r);
  }

  async putPending(p: PendingDecision): Promise<void> {
    await this.pool.query(
      'INSERT INTO quality_pending (key, draft, signatures, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO UPDATE SET draft = EXCLUDED.draft, signatures = EXCLUDED.signatures, created_at = EXCLUDED.created_at',
      [p.key, JSON.stringify(p.draft), JSON.stringify(p.signatures), p.createdAt],
    );
  }

  async getPending(key: string): Promise<PendingDecision | undefined> {
    const r = (await this.pool.query<PendingRow>('SELECT * FROM quality_pending WHERE key = $1', [key])).rows[0];
    return r && toPending(r);
  }

  async deletePending(key: string): Promise<void> {
    await this.pool.query('DELETE FROM quality_pending WHERE key = $1', [key]);
  }

  async getGapWatermark(): Promise<GapWatermark | undefined> {
    // BIGINT columns come back as strings from pg
    const r = (await this.pool.query<{ seq: string; judged_at_ms: string; config: string }>('SELECT seq, judged_at_ms, config FROM quality_gap_watermark WHERE id = 1')).rows[0];
    return r && { seq: Number(r.seq), judgedAtMs: Number(r.judged_at_ms), config: r.config };
  }

  async putGapWatermark(w: GapWatermark): Promise<void> {
    await this.pool.query(
      'INSERT INTO quality_gap_watermark (id, seq, judged_at_ms, config) VALUES (1, $1, $2, $3) ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, judged_at_ms = EXCLUDED.judged_at_ms, config = EXCLUDED.config',
      [w.seq, w.judgedAtMs, w.config],
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
