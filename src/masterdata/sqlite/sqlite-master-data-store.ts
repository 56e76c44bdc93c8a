/**
 * Master data and saved recalls in SQLite: their own connection to the event store's file, their
 * own tables and migration list. better-sqlite3 is synchronous, so each method body is one
 * transaction at most.
 */
import type Database from 'better-sqlite3';
import { openSideTables } from '../../store/sqlite/open-side-tables.js';
import type { MasterDataKind, RecordVersion, StoredRecord } from '../master-data.js';
import { searchText } from '../master-data.js';
import type { ListQuery, MasterDataStore, PutResult, RecordInput } from '../master-data-store.js';
import type { ActionRow, RecallRow, RecordRow, VersionRow } from '../master-data-rows.js';
import { MAX_LIST, sameData, searchPatterns, toAction, toRecall, toRecallEntry, toRecord, toVersion } from '../master-data-rows.js';
import type { RecallAction, RecallListEntry, RecallStore, SavedRecall } from '../../reports/recall/recall-store.js';
import { MASTER_DATA_MIGRATIONS, MASTER_DATA_VERSION_KEY } from './master-data-migrations.js';

export class SqliteMasterDataStore implements MasterDataStore, RecallStore {
  private readonly db: Database.Database;

  constructor(path: string, busyTimeoutMs = 15_000) {
    this.db = openSideTables(path, 'master-data', MASTER_DATA_VERSION_KEY, MASTER_DATA_MIGRATIONS, busyTimeoutMs);
  }

  async put(records: readonly RecordInput[], actor: string): Promise<PutResult> {
    const result = { created: 0, updated: 0, unchanged: 0 };
    const current = this.db.prepare('SELECT data, version FROM master_data WHERE kind = ? AND key = ?');
    const upsert = this.db.prepare(
      `INSERT INTO master_data (kind, key, data, search, version, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (kind, key) DO UPDATE SET data = excluded.data, search = excluded.search, version = excluded.version, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    );
    const history = this.db.prepare('INSERT INTO master_data_history (kind, key, version, data, changed_at, changed_by) VALUES (?, ?, ?, ?, ?, ?)');
    this.db
      .transaction(() => {
        const now = new Date().toISOString();
        for (const r of records) {
          const was = current.get(r.kind, r.key) as { data: string; version: number } | undefined;
          if (was && sameData(was.data, r.data)) {
            result.unchanged++;
            continue;
          }
          const version = (was?.version ?? 0) + 1;
          const data = JSON.stringify(r.data);
          upsert.run(r.kind, r.key, data, `${r.key.toLowerCase()} ${searchText(r.data)}`, version, now, actor);
          history.run(r.kind, r.key, version, data, now, actor);
          if (was) result.updated++;
          else result.created++;
        }
      })
      .immediate();
    return result;
  }

  async get<K extends MasterDataKind>(kind: K, key: string): Promise<StoredRecord<K> | undefined> {
    const r = this.db.prepare('SELECT * FROM master_data WHERE kind = ? AND key = ?').get(kind, key) as RecordRow | undefined;
    return r && toRecord<K>(r);
  }

  async list<K extends MasterDataKind>(kind: K, q: ListQuery = {}): Promise<StoredRecord<K>[]> {
    const words = searchPatterns(q.search);
    const sql = `SELECT * FROM master_data WHERE kind = ?${words.map(() => " AND search LIKE ? ESCAPE '\\'").join('')} ORDER BY key LIMIT ? OFFSET ?`;
    const rows = this.db.prepare(sql).all(kind, ...words, Math.min(q.limit ?? MAX_LIST, MAX_LIST), q.offset ?? 0) as RecordRow[];
    return rows.map((r) => toRecord<K>(r));
  }

  async history<K extends MasterDataKind>(kind: K, key: string): Promise<RecordVersion<K>[]> {
    return (this.db.prepare('SELECT * FROM master_data_history WHERE kind = ? AND key = ? ORDER BY seq').all(kind, key) as VersionRow[]).map((r) => toVersion<K>(r));
  }

  async allVersions(): Promise<RecordVersion[]> {
    return (this.db.prepare('SELECT * FROM master_data_history ORDER BY seq').all() as VersionRow[]).map((r) => toVersion(r));
  }

  async saveRecall(r: SavedRecall): Promise<void> {
    this.db
      .prepare('INSERT INTO recalls (id, computed_at, computed_by, as_of_seq, request, summary, scope) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(r.id, r.computedAt, r.computedBy, r.asOfSeq, JSON.stringify(r.request), JSON.stringify(r.summary), JSON.stringify(r.scope));
  }

  async getRecall(id: string): Promise<SavedRecall | undefined> {
    const r = this.db.prepare('SELECT * FROM recalls WHERE id = ?').get(id) as RecallRow | undefined;
    return r && toRecall(r);
  }

  async listRecalls(q: { limit: number; offset?: number }): Promise<RecallListEntry[]> {
    const rows = this.db
      .prepare('SELECT id, computed_at, computed_by, as_of_seq, request, summary FROM recalls ORDER BY computed_at DESC, id DESC LIMIT ? OFFSET ?')
      .all(Math.min(q.limit, MAX_LIST), q.offset ?? 0) as RecallRow[];
    return rows.map(toRecallEntry);
  }

  async recordRecallAction(a: Omit<RecallAction, 'seq'>): Promise<RecallAction> {
    const row = this.db
      .prepare('INSERT INTO recall_actions (recall_id, time, actor, action, details) VALUES (?, ?, ?, ?, ?) RETURNING *')
      .get(a.recallId, a.time, a.actor, a.action, JSON.stringify(a.details)) as ActionRow;
    return toAction(row);
  }

  async recallActions(id: string): Promise<RecallAction[]> {
    return (this.db.prepare('SELECT * FROM recall_actions WHERE recall_id = ? ORDER BY seq').all(id) as ActionRow[]).map(toAction);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
