/** Rows of the master-data and recall tables and their mapping to the port's types, shared by both adapters. */
import type { MasterDataKind, MasterDataTypes, RecordVersion, StoredRecord } from './master-data.js';
import type { RecallAction, RecallListEntry, SavedRecall } from '../reports/recall/recall-store.js';

export interface RecordRow {
  kind: string;
  key: string;
  data: string;
  version: number | string;
  updated_at: string;
  updated_by: string;
}

export interface VersionRow {
  kind: string;
  key: string;
  version: number | string;
  data: string;
  changed_at: string;
  changed_by: string;
}

export interface RecallRow {
  id: string;
  computed_at: string;
  computed_by: string;
  as_of_seq: number | string;
  request: string;
  summary: string;
  scope?: string;
}

export interface ActionRow {
  seq: number | string;
  recall_id: string;
  time: string;
  actor: string;
  action: string;
  details: string;
}

export function toRecord<K extends MasterDataKind>(r: RecordRow): StoredRecord<K> {
  return { kind: r.kind as K, key: r.key, data: JSON.parse(r.data) as MasterDataTypes[K], version: Number(r.version), updatedAt: r.updated_at, updatedBy: r.updated_by };
}

export function toVersion<K extends MasterDataKind>(r: VersionRow): RecordVersion<K> {
  return { kind: r.kind as K, key: r.key, version: Number(r.version), data: JSON.parse(r.data) as MasterDataTypes[K], changedAt: r.changed_at, changedBy: r.changed_by };
}

export function toRecallEntry(r: RecallRow): RecallListEntry {
  return {
    id: r.id,
    computedAt: r.computed_at,
    computedBy: r.computed_by,
    asOfSeq: Number(r.as_of_seq),
    request: JSON.parse(r.request) as Record<string, unknown>,
    summary: JSON.parse(r.summary) as Record<string, unknown>,
  };
}

export function toRecall(r: RecallRow): SavedRecall {
  return { ...toRecallEntry(r), scope: JSON.parse(r.scope ?? '{}') as object };
}

export function toAction(r: ActionRow): RecallAction {
  return { seq: Number(r.seq), recallId: r.recall_id, time: r.time, actor: r.actor, action: r.action, details: JSON.parse(r.details) as Record<string, unknown> };
}

/** The words of a search, each a LIKE pattern over the lower-case search text (`%` and `_` taken literally). */
export function searchPatterns(search: string | undefined): string[] {
  return (search ?? '')
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '')
    .map((w) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
}

export const MAX_LIST = 1000;

/** Record data compared for "unchanged": canonical key order. */
export function sameData(a: string, b: unknown): boolean {
  return a === JSON.stringify(b);
}
