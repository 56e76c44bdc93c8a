/**
 * The master-data and recall tables in PostgreSQL, versioned apart from the event store's schema
 * (their own `masterdata_meta` table), as the quality tables are.
 */
import { masterDataTables } from '../master-data-tables.js';

export const PG_MASTER_DATA_MIGRATIONS: readonly string[] = [
  /* 1: items, parties and locations with their version history; saved recalls and their actions. */ `${masterDataTables({ serial: 'BIGSERIAL', bigint: 'BIGINT' })}
  CREATE FUNCTION master_data_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'STORE_APPEND_ONLY: the master-data history, saved recalls and their actions are append-only'; END $$;
  CREATE TRIGGER master_data_history_refuses_change BEFORE UPDATE OR DELETE ON master_data_history
    FOR EACH ROW EXECUTE FUNCTION master_data_refuse_change();
  CREATE TRIGGER recalls_refuse_change BEFORE UPDATE OR DELETE ON recalls
    FOR EACH ROW EXECUTE FUNCTION master_data_refuse_change();
  CREATE TRIGGER recall_actions_refuse_change BEFORE UPDATE OR DELETE ON recall_actions
    FOR EACH ROW EXECUTE FUNCTION master_data_refuse_change();
  `,
];
