/**
 * The quality store in SQLite: its own connection to the event store's file, its own tables and
 * migration list. better-sqlite3 is synchronous, so each method body is one transaction at most.
 */
import type Database from 'better-sqlite3';
import { openSideTables } from '../../store/sqlite/open-side-tables.js';
import type { Finding } from '../finding.js';
import type { ChangeRow, ExceptionRow, PendingRow, SignatureRow } from '../quality-rows.js';
import { exceptionFilter, toChange, toException, toPending, toSignature, updateColumns } from '../quality-rows.js';
import type { ExceptionChange, ExceptionQuery, ExceptionRecord, ExceptionState, ExceptionUpdate, GapWatermark, PendingDecision, QualityStore, SignatureEntry } from '../quality-store.js';
import { QUALITY_MIGRATIONS, QUALITY_VERSION_KEY } from './quality-migrations.js';

export class SqliteQualityStore implements QualityStore {
  private readonly db: Database.Database;

  constructor(path: string, busyTimeoutMs = 15_000) {
    this.db = openSideTables(path, 'quality', QUALITY_VERSION_KEY, QUALITY_MIGRATIONS, busyTimeoutMs);
  }

  private history(id: number, time: string, entry: Pick<ExceptionChange, 'actor' | 'action' | 'details'>): void {
    this.db.prepare('INSERT INTO quality_exception_history (exception_id, time, actor, action, details) VALUES (?, ?, ?, ?, ?)').run(id, time, entry.actor, entry.action, JSON.stringify(entry.details));
  }

  async report(findings: readonly Finding[], dueAt: (f: Finding) => string | null, actor: string): Promise<ExceptionRecord[]> {
    const opened: ExceptionRecord[] = [];
    const insert = this.db.prepare(
      `INSERT INTO quality_exceptions (key, rule_id, severity, subject_kind, subject_ref, explanation, event_ids, site, line, detected_at, state, due_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?) ON CONFLICT (key) DO NOTHING RETURNING *`,
    );
    this.db
      .transaction(() => {
        const now = new Date().toISOString();
        for (const f of findings) {
          const row = insert.get(f.key, f.ruleId, f.severity, f.subject.kind, f.subject.ref, f.explanation, JSON.stringify(f.eventIds), f.site, f.line, f.detectedAt, dueAt(f), now) as ExceptionRow | undefined;
          if (!row) continue;
          this.history(Number(row.id), now, { actor, action: 'opened', details: { ruleId: f.ruleId, severity: f.severity } });
          opened.push(toException(row));
        }
      })
      .immediate();
    return opened;
  }

  async getException(id: number): Promise<ExceptionRecord | undefined> {
    const r = this.db.prepare('SELECT * FROM quality_exceptions WHERE id = ?').get(id) as ExceptionRow | undefined;
    return r && toException(r);
  }

  async queryExceptions(q: ExceptionQuery): Promise<ExceptionRecord[]> {
    const { sql, params } = exceptionFilter(q, () => '?');
    return (this.db.prepare(sql).all(...params) as ExceptionRow[]).map(toException);
  }

  async updateException(id: number, expected: ExceptionState, change: ExceptionUpdate, entry: Pick<ExceptionChange, 'actor' | 'action' | 'details'>): Promise<ExceptionRecord | undefined> {
    const cols = updateColumns(change);
    let out: ExceptionRecord | undefined;
    this.db
      .transaction(() => {
        const now = new Date().toISOString();
        const row = this.db
          .prepare(`UPDATE quality_exceptions SET ${[...cols.map(([c]) => `${c} = ?`), 'updated_at = ?'].join(', ')} WHERE id = ? AND state = ? RETURNING *`)
          .get(...cols.map(([, v]) => v), now, id, expected) as ExceptionRow | undefined;
        if (!row) return;
        this.history(id, now, entry);
        out = toException(row);
      })
      .immediate();
    return out;
  }

  async historyOf(id: number): Promise<ExceptionChange[]> {
    return (this.db.prepare('SELECT * FROM quality_exception_history WHERE exception_id = ? ORDER BY seq').all(id) as ChangeRow[]).map(toChange);
  }

  async overdue(now: string): Promise<ExceptionRecord[]> {
    const rows = this.db
      .prepare("SELECT * FROM quality_exceptions WHERE state IN ('open', 'acknowledged') AND escalated_at IS NULL AND due_at IS NOT NULL AND due_at <= ? ORDER BY due_at, id")
      .all(now) as ExceptionRow[];
    return rows.map(toException);
  }

  async recordSignatures(entries: readonly SignatureEntry[]): Promise<void> {
    const st = this.db.prepare('INSERT INTO quality_signatures (hash, signer, meaning, signed_at) VALUES (?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING');
    this.db.transaction(() => entries.forEach((e) => st.run(e.hash, e.signer, e.meaning, e.signedAt))).immediate();
  }

  async getSignature(hash: string): Promise<SignatureEntry | undefined> {
    const r = this.db.prepare('SELECT * FROM quality_signatures WHERE hash = ?').get(hash) as SignatureRow | undefined;
    return r && toSignature(r);
  }

  async putPending(p: PendingDecision): Promise<void> {
    this.db
      .prepare('INSERT INTO quality_pending (key, draft, signatures, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET draft = excluded.draft, signatures = excluded.signatures, created_at = excluded.created_at')
      .run(p.key, JSON.stringify(p.draft), JSON.stringify(p.signatures), p.createdAt);
  }

  async getPending(key: string): Promise<PendingDecision | undefined> {
    const r = this.db.prepare('SELECT * FROM quality_pending WHERE key = ?').get(key) as PendingRow | undefined;
    return r && toPending(r);
  }

  async deletePending(key: string): Promise<void> {
    this.db.prepare('DELETE FROM quality_pending WHERE key = ?').run(key);
  }

  async getGapWatermark(): Promise<GapWatermark | undefined> {
    const r = this.db.prepare('SELECT seq, judged_at_ms, config FROM quality_gap_watermark WHERE id = 1').get() as { seq: number; judged_at_ms: number; config: string } | undefined;
    return r && { seq: Number(r.seq), judgedAtMs: Number(r.judged_at_ms), config: r.config };
  }

  async putGapWatermark(w: GapWatermark): Promise<void> {
    this.db
      .prepare('INSERT INTO quality_gap_watermark (id, seq, judged_at_ms, config) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, judged_at_ms = excluded.judged_at_ms, config = excluded.config')
      .run(w.seq, w.judgedAtMs, w.config);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
