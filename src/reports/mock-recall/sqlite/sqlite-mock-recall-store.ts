/** The mock recall archive in SQLite: its own connection to the event store's file and its own migration list. */
import type Database from 'better-sqlite3';
import { openSideTables } from '../../../store/sqlite/open-side-tables.js';
import type { MockRecallReport } from '../mock-recall.js';
import type { MockRecallQuery, MockRecallRecord, MockRecallRow, MockRecallStore, MockRecallSummary } from '../mock-recall-store.js';
import { listQuery, MOCK_RECALL_COLUMNS, mockRecallTable, rowValues, toSummary } from '../mock-recall-store.js';

export const MOCK_RECALL_VERSION_KEY = 'mock_recall_schema_version';

export const MOCK_RECALL_MIGRATIONS: readonly string[] = [
  /* 1: the exercises, append-only. */ `${mockRecallTable('INTEGER')}
  CREATE TRIGGER report_mock_recalls_refuses_update BEFORE UPDATE ON report_mock_recalls
    BEGIN SELECT RAISE(ABORT, 'STORE_APPEND_ONLY: the mock recall archive is append-only'); END;
  CREATE TRIGGER report_mock_recalls_refuses_delete BEFORE DELETE ON report_mock_recalls
    BEGIN SELECT RAISE(ABORT, 'STORE_APPEND_ONLY: the mock recall archive is append-only'); END;`,
];

export class SqliteMockRecallStore implements MockRecallStore {
  private readonly db: Database.Database;

  constructor(path: string, busyTimeoutMs = 15_000) {
    this.db = openSideTables(path, 'mock recall', MOCK_RECALL_VERSION_KEY, MOCK_RECALL_MIGRATIONS, busyTimeoutMs);
  }

  async save(report: MockRecallReport): Promise<MockRecallRecord> {
    const row = this.db.prepare(`INSERT INTO report_mock_recalls (${MOCK_RECALL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`).get(...rowValues(report)) as MockRecallRow;
    return { ...toSummary(row), report };
  }

  async get(id: number): Promise<MockRecallRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM report_mock_recalls WHERE id = ?').get(id) as MockRecallRow | undefined;
    return row && { ...toSummary(row), report: JSON.parse(row.report!) as MockRecallReport };
  }

  async list(q: MockRecallQuery = {}): Promise<MockRecallSummary[]> {
    const { sql, params } = listQuery(q, () => '?');
    return (this.db.prepare(sql).all(...params) as MockRecallRow[]).map(toSummary);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
