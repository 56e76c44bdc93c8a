/**
 * Master data and saved recalls in PostgreSQL (`pg`): the same ports as the SQLite adapter, their
 * own tables and migration list (`masterdata_meta`). A put is one transaction.
 */
import pg from 'pg';
import { LotlineError } from '../../domain/errors.js';
import { migratePgTrack } from '../../store/postgres/migration-track.js';
import { inTransaction } from '../../store/postgres/pg-transaction.js';
import type { MasterDataKind, RecordVersion, StoredRecord } from '../master-data.js';
import { searchText } from '../master-data.js';
import type { ListQuery, MasterDataStore, PutResult, RecordInput } from '../master-data-store.js';
import type { ActionRow, RecallRow, RecordRow, VersionRow } from '../master-data-rows.js';
import { MAX_LIST, sameData, searchPatterns, toAction, toRecall, toRecallEntry, toRecord, toVersion } from '../master-data-rows.js';
import type { RecallAction, RecallListEntry, RecallStore, SavedRecall } from '../../reports/recall/recall-store.js';
import { PG_MASTER_DATA_MIGRATIONS } from './postgres-master-data-migrations.js';

/** Serialises migrations of concurrent servers starting on one database. */
const MIGRATION_LOCK = 7_413_925;

/** Opens (and migrates) the master-data store at a postgres:// URL, in `schema` when given. */
export async function openPostgresMasterDataStore(url: string, options: { schema?: string } = {}): Promise<PostgresMasterDataStore> {
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
    throw new LotlineError('USAGE', `the schema name ${JSON.stringify(options.schema)} must be lower-case letters, digits and _`);
  }
  const pool = new pg.Pool({ connectionString: url, max: 4, ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}) });
  try {
    await migratePgTrack(pool, options.schema, { lock: MIGRATION_LOCK, metaTable: 'masterdata_meta', migrations: PG_MASTER_DATA_MIGRATIONS, what: 'master-data' });
  } catch (e) {
    await pool.end();
    if (e instanceof LotlineError) throw e;
    throw new LotlineError('STORE_UNAVAILABLE', `cannot open the master-data store in PostgreSQL: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return new PostgresMasterDataStore(pool);
}

export class PostgresMasterDataStore implements MasterDataStore, RecallStore {
  constructor(private readonly pool: pg.Pool) {}

  async put(records: readonly RecordInput[], actor: string): Promise<PutResult> {
    return inTransaction(this.pool, async (c) => {
      const result = { created: 0, updated: 0, unchanged: 0 };
      const now = new Date().toISOString();
      for (const r of records) {
        // FOR UPDATE: two writers of one record take turns, so versions never repeat
        const was = (await c.query<{ data: string; version: string }>('SELECT data, version FROM master_data WHERE kind = $1 AND key = $2 FOR UPDATE', [r.kind, r.key])).rows[0];
        if (was && sameData(was.data, r.data)) {
          result.unchanged++;
          continue;
        }
        const version = Number(was?.version ?? 0) + 1;
        const data = JSON.stringify(r.data);
        await c.query(
          `INSERT INTO master_data (kind, key, data, search, version, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (kind, key) DO UPDATE SET data = EXCLUDED.data, search = EXCLUDED.search, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
          [r.kind, r.key, data, `${r.key.toLowerCase()} ${searchText(r.data)}`, version, now, actor],
        );
        await c.query('INSERT INTO master_data_history (kind, key, version, data, changed_at, changed_by) VALUES ($1, $2, $3, $4, $5, $6)', [r.kind, r.key, version, data, now, actor]);
        if (was) result.updated++;
        else result.created++;
      }
      return result;
    });
  }

  async get<K extends MasterDataKind>(kind: K, key: string): Promise<StoredRecord<K> | undefined> {
    const r = (await this.pool.query<RecordRow>('SELECT * FROM master_data WHERE kind = $1 AND key = $2', [kind, key])).rows[0];
    return r && toRecord<K>(r);
  }

  async list<K extends MasterDataKind>(kind: K, q: ListQuery = {}): Promise<StoredRecord<K>[]> {
    const words = searchPatterns(q.search);
    const n = words.length;
    // COLLATE "C": the same order as SQLite's byte order, whatever the database's locale
    const sql = `SELECT * FROM master_data WHERE kind = $1${words.map((_, i) => ` AND search LIKE $${i + 2} ESCAPE '\\'`).join('')} ORDER BY key COLLATE "C" LIMIT $${n + 2} OFFSET $${n + 3}`;
    const rows = await this.pool.query<RecordRow>(sql, [kind, ...words, Math.min(q.limit ?? MAX_LIST, MAX_LIST), q.offset ?? 0]);
    return rows.rows.map((r) => toRecord<K>(r));
  }

  async history<K extends MasterDataKind>(kind: K, key: string): Promise<RecordVersion<K>[]> {
    return (await this.pool.query<VersionRow>('SELECT * FROM master_data_history WHERE kind = $1 AND key = $2 ORDER BY seq', [kind, key])).rows.map((r) => toVersion<K>(r));
  }

  async allVersions(): Promise<RecordVersion[]> {
    return (await this.pool.query<VersionRow>('SELECT * FROM master_data_history ORDER BY seq')).rows.map((r) => toVersion(r));
  }

  async saveRecall(r: SavedRecall): Promise<void> {
    await this.pool.query('INSERT INTO recalls (id, computed_at, computed_by, as_of_seq, request, summary, scope) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      r.id, r.computedAt, r.computedBy, r.asOfSeq, JSON.stringify(r.request), JSON.stringify(r.summary), JSON.stringify(r.scope),
    ]);
  }

  async getRecall(id: string): Promise<SavedRecall | undefined> {
    const r = (await this.pool.query<RecallRow>('SELECT * FROM recalls WHERE id = $1', [id])).rows[0];
    return r && toRecall(r);
  }

  async listRecalls(q: { limit: number; offset?: number }): Promise<RecallListEntry[]> {
    const rows = await this.pool.query<RecallRow>('SELECT id, computed_at, computed_by, as_of_seq, request, summary FROM recalls ORDER BY computed_at DESC, id DESC LIMIT $1 OFFSET $2', [
      Math.min(q.limit, MAX_LIST), q.offset ?? 0,
    ]);
    return rows.rows.map(toRecallEntry);
  }

  async recordRecallAction(a: Omit<RecallAction, 'seq'>): Promise<RecallAction> {
    const row = (await this.pool.query<ActionRow>('INSERT INTO recall_actions (recall_id, time, actor, action, details) VALUES ($1, $2, $3, $4, $5) RETURNING *', [a.recallId, a.time, a.actor, a.action, JSON.stringify(a.details)])).rows[0]!;
    return toAction(row);
  }

  async recallActions(id: string): Promise<RecallAction[]> {
    return (await this.pool.query<ActionRow>('SELECT * FROM recall_actions WHERE recall_id = $1 ORDER BY seq', [id])).rows.map(toAction);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
