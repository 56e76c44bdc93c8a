/**
 * The quality tables in PostgreSQL, versioned apart from the event store's schema (their own
 * `quality_meta` table), as the identity tables are.
 */
import { qualityTables } from '../quality-tables.js';

export const PG_QUALITY_MIGRATIONS: readonly string[] = [
  /* 1: exceptions and their append-only history, the signature ledger, pending four-eyes decisions. */ `${qualityTables({ serial: 'BIGSERIAL', bigint: 'BIGINT' })}
  CREATE FUNCTION quality_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'STORE_APPEND_ONLY: the exception history and the signature ledger are append-only'; END $$;
  CREATE TRIGGER quality_history_refuses_change BEFORE UPDATE OR DELETE ON quality_exception_history
    FOR EACH ROW EXECUTE FUNCTION quality_refuse_change();
  CREATE TRIGGER quality_signatures_refuse_change BEFORE UPDATE OR DELETE ON quality_signatures
    FOR EACH ROW EXECUTE FUNCTION quality_refuse_change();
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
