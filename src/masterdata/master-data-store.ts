/**
 * The master-data port: items, parties and locations keyed by their match key, each change kept
 * as a new version (append-only history), so that an audit sees the earlier values of anything
 * superseded. Kept apart from the event store: it describes the record, it is not the record.
 */
import type { MasterDataKind, MasterDataTypes, RecordVersion, StoredRecord } from './master-data.js';

/** A record to store: its match key and its values (already validated). */
export interface RecordInput<K extends MasterDataKind = MasterDataKind> {
  readonly kind: K;
  readonly key: string;
  readonly data: MasterDataTypes[K];
}

export interface PutResult {
  readonly created: number;
  readonly updated: number;
  /** Given with the values already stored: no new version. */
  readonly unchanged: number;
}

export interface ListQuery {
  /** Words every listed record contains (in an id, name, description, contact detail); case-insensitive. */
  readonly search?: string;
  readonly limit?: number;
  readonly offset?: number;
}

export interface MasterDataStore {
  /** Creates or replaces records (of any kinds) in one transaction (all or none), each change a new version by `actor`. */
  put(records: readonly RecordInput[], actor: string): Promise<PutResult>;
  /** The record with this key. */
  get<K extends MasterDataKind>(kind: K, key: string): Promise<StoredRecord<K> | undefined>;
  /** Records matching the query, by id. */
  list<K extends MasterDataKind>(kind: K, query?: ListQuery): Promise<StoredRecord<K>[]>;
  /** Every version of a record, oldest first (empty when it never existed). */
  history<K extends MasterDataKind>(kind: K, key: string): Promise<RecordVersion<K>[]>;
  /** Every version of every record, in the order they were written (the audit trail's view of master data). */
  allVersions(): Promise<RecordVersion[]>;
  /** Releases the connection. */
  close(): Promise<void>;
}
