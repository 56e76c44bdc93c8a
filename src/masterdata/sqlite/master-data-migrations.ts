/**
 * The master-data and recall tables' own migrations, in the event store's SQLite file but
 * versioned apart (`meta.masterdata_schema_version`), as the quality tables are.
 */
import { masterDataTables } from '../master-data-tables.js';

export const MASTER_DATA_VERSION_KEY = 'masterdata_schema_version';

const refuse = (table: string, what: string): string =>
  ['UPDATE', 'DELETE']
    .map((op) => `CREATE TRIGGER ${table}_refuses_${op.toLowerCase()} BEFORE ${op} ON ${table}\n    BEGIN SELECT RAISE(ABORT, 'STORE_APPEND_ONLY: ${what} is append-only'); END;`)
    .join('\n  ');

export const MASTER_DATA_MIGRATIONS: readonly string[] = [
  /* 1: items, parties and locations with their version history; saved recalls and their actions. */ `${masterDataTables({ serial: 'INTEGER', bigint: 'INTEGER' })}
  ${refuse('master_data_history', 'the master-data history')}
  ${refuse('recalls', 'a saved recall')}
  ${refuse('recall_actions', 'the recall actions')}
  `,
];
