/** The mock recall archive in PostgreSQL: the same port as the SQLite adapter, its own migration track (`mock_recall_meta`). */
import pg from 'pg';
import { LotlineError } from '../../../domain/errors.js';
import { migratePgTrack } from '../../../store/postgres/migration-track.js';
import type { MockRecallReport } from '../mock-recall.js';
import type { MockRecallQuery, MockRecallRecord, MockRecallRow, MockRecallStore, MockRecallSummary } from '../mock-recall-store.js';
import { listQuery, MOCK_RECALL_COLUMNS, mockRecallTable, rowValues, toSummary } from '../mock-recall-store.js';

/** Serialises migrations of concurrent servers starting on one database. */
const MIGRATION_LOCK = 7_413_931;

export const PG_MOCK_RECALL_MIGRATIONS: readonly string[] = [
  /* 1: the exercises, append-only. */ `${mockRecallTable('BIGSERIAL')}
  CREATE FUNCTION report_mock_recalls_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'STORE_APPEND_ONLY: the mock recall archive is append-only'; END $$;
  CREATE TRIGGER report_mock_recalls_refuse_change BEFORE UPDATE OR DELETE ON report_mock_recalls
    FOR EACH ROW EXECUTE FUNCTION report_mock_recalls_refuse_change();`,
];

/** Opens (and migrates) the archive at a postgres:// URL, in `schema` when given. */
export async function openPostgresMockRecallStore(url: string, options: { schema?: string } = {}): Promise<PostgresMockRecallStore> {
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
    throw new LotlineError('USAGE', `the schema name ${JSON.stringify(options.schema)} must be lower-case letters, digits and _`);
  }
  const pool = new pg.Pool({ connectionString: url, max: 2, ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}) });
  try {
    await migratePgTrack(pool, options.schema, { lock: MIGRATION_LOCK, metaTable: 'mock_recall_meta', migrations: PG_MOCK_RECALL_MIGRATIONS, what: 'mock recall' });
  } catch (e) {
    await pool.end();
    if (e instanceof LotlineError) throw e;
    throw new LotlineError('STORE_UNAVAILABLE', `cannot open the mock recall archive in PostgreSQL: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return new PostgresMockRecallStore(pool);
}

export class PostgresMockRecallStore implements MockRecallStore {
  constructor(private readonly pool: pg.Pool) {}

  async save(report: MockRecallReport): Promise<MockRecallRecord> {
    const { rows } = await this.pool.query<MockRecallRow>(`INSERT INTO report_mock_recalls (${MOCK_RECALL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`, rowValues(report));
    return { ...toSummary(rows[0]!), report };
  }

  async get(id: number): Promise<MockRecallRecord | undefined> {
    const { rows } = await this.pool.query<MockRecallRow>('SELECT * FROM report_mock_recalls WHERE id = $1', [id]);
    const row = rows[0];
    return row && { ...toSummary(row), report: JSON.parse(row.report!) as MockRecallReport };
  }

  async list(q: MockRecallQuery = {}): Promise<MockRecallSummary[]> {
    const { sql, params } = listQuery(q, (n) => `$${n}`);
    return (await this.pool.query<MockRecallRow>(sql, params)).rows.map(toSummary);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
