/**
 * The quality tables' own migrations, in the same SQLite file as the event store but versioned
 * apart (`meta.quality_schema_version`), as the identity tables are.
 */
import { qualityTables } from '../quality-tables.js';

export const QUALITY_VERSION_KEY = 'quality_schema_version';

const refuse = (table: string, what: string): string =>
  ['UPDATE', 'DELETE']
    .map((op) => `CREATE TRIGGER ${table}_refuses_${op.toLowerCase()} BEFORE ${op} ON ${table}\n    BEGIN SELECT RAISE(ABORT, 'STORE_APPEND_ONLY: ${what} is append-only'); END;`)
    .join('\n  ');

export const QUALITY_MIGRATIONS: readonly string[] = [
  /* 1: exceptions and their append-only history, the signature ledger, pending four-eyes decisions. */ `${qualityTables({ serial: 'INTEGER', bigint: 'INTEGER' })}
  ${refuse('quality_exception_history', 'the exception history')}
  ${refuse('quality_signatures', 'the signature ledger')}
  `,
  /* 2: the scheduled gap rules' watermark: one row, so a restart neither redoes nor misses work. */ `
  CREATE TABLE quality_gap_watermark (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    seq          BIGINT NOT NULL,
    judged_at_ms BIGINT NOT NULL,
    config       TEXT NOT NULL
  );
  `,
];
