/**
 * The rows both SQL adapters read (same column names in SQLite and PostgreSQL), and their
 * mapping onto the port's types: one place, so that the adapters cannot drift.
 */
import type { EventObjectRow, EventRow, FlowRow, LogEntry, ObjectRole } from './event-store.js';

export interface EventDbRow {
  seq: number;
  event_id: string;
  type: string;
  action: string | null;
  biz_step: string | null;
  disposition: string | null;
  event_time: string;
  event_ms: number;
  record_time: string;
  read_point: string | null;
  biz_location: string | null;
  source: string | null;
  destination: string | null;
  void_seq: number | null;
  actor: string | null;
  origin: string | null;
  persistent_set: string | null;
  persistent_unset: string | null;
}

export interface FlowDbRow {
  t_id: number;
  node_id: number;
  dir: 'in' | 'out';
  quantity: number | null;
  uom: string | null;
  seq: number;
  event_ms: number;
  void_seq: number | null;
}

export function toFlowRow(r: FlowDbRow): FlowRow {
  return { t: r.t_id, node: r.node_id, dir: r.dir, quantity: r.quantity, uom: r.uom, seq: r.seq, eventMs: r.event_ms, voidSeq: r.void_seq };
}

export function toEventRow(r: EventDbRow): EventRow {
  return {
    seq: r.seq,
    eventId: r.event_id,
    type: r.type,
    action: r.action,
    bizStep: r.biz_step,
    disposition: r.disposition,
    eventTime: r.event_time,
    eventMs: r.event_ms,
    recordTime: r.record_time,
    readPoint: r.read_point,
    bizLocation: r.biz_location,
    source: r.source,
    destination: r.destination,
    voidSeq: r.void_seq,
    recordedBy: r.actor,
    recordedFrom: r.origin,
    persistentSet: r.persistent_set ? (JSON.parse(r.persistent_set) as string[]) : [],
    persistentUnset: r.persistent_unset ? (JSON.parse(r.persistent_unset) as string[]) : [],
  };
}

export interface LogDbRow {
  seq: number;
  entry_kind: 'event' | 'declaration';
  event_id: string;
  record_time: string;
  fingerprint: string;
  body: string;
  prev_hash: string;
  hash: string;
  actor: string | null;
  origin: string | null;
}

export function toLogEntry(r: LogDbRow): LogEntry {
  return {
    seq: r.seq,
    kind: r.entry_kind,
    eventId: r.event_id,
    recordTime: r.record_time,
    fingerprint: r.fingerprint,
    body: r.body,
    actor: r.actor,
    origin: r.origin,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export interface ObjectDbRow {
  seq: number;
  node_id: number;
  role: ObjectRole;
  quantity: number | null;
  uom: string | null;
}

export function toObjectRow(r: ObjectDbRow): EventObjectRow {
  return { seq: r.seq, node: r.node_id, role: r.role, quantity: r.quantity, uom: r.uom };
}
