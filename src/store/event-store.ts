/**
 * The store port: the one seam between Lotline and its databases. Two adapters implement it
 * (SQLite, the embedded default; PostgreSQL, for production). Everything above this file —
 * capture, genealogy, reports — sees only these types.
 */
import type { EventFacts, RawEvent } from '../domain/event-facts.js';
import type { ObjectRef } from '../domain/identifiers/object-ref.js';
import type { TermHit } from './event-terms.js';

/** An event ready to be stored: its EPCIS body (with eventID), the facts read from it, its fingerprint. */
export interface CapturedEvent {
  readonly eventId: string;
  readonly body: RawEvent;
  readonly facts: EventFacts;
  /** Content hash that ignores spelling (eventID, recordTime, errorDeclaration excluded): equal content, equal fingerprint. */
  readonly fingerprint: string;
  /** `canonicalJson(body)`, when the capturer computed it already (a capture thread): what the log stores. */
  readonly canonicalBody?: string;
}

export type AppendOutcome =
  /** Stored as a new event at this log position. */
  | { readonly status: 'stored'; readonly seq: number; readonly recordTime: string }
  /** Already stored with the same content: nothing written. */
  | { readonly status: 'duplicate'; readonly seq: number }
  /** An error declaration for an event already stored: the declaration was logged at `seq`. */
  | { readonly status: 'declared'; readonly seq: number; readonly recordTime: string };

/**
 * Who is writing, for the audit trail (21 CFR Part 11): stored with every log entry of the
 * session and covered by its hash. `actor` is `user:NAME`, `key:NAME` or `cli:OS-USER`;
 * `origin` where the request came from (an IP address, `cli@HOST`).
 */
export interface CaptureContext {
  readonly actor: string;
  readonly origin?: string | null;
}

/** One open write transaction: everything appended is committed together or not at all. */
export interface CaptureSession {
  /** Appends events (and their projections) in order; throws EVENT_ID_CONFLICT without writing the batch's rest. */
  append(events: readonly CapturedEvent[]): Promise<AppendOutcome[]>;
  /**
   * Appends entries recorded by another Lotline store (copying a database), keeping their seq,
   * record time, attribution and hashes, and projects them; each must extend the chain head
   * (CHAIN_BROKEN otherwise, nothing of the session kept).
   */
  appendRecorded(entries: readonly LogEntry[]): Promise<void>;
  /** Makes every append of this session durable and visible. */
  commit(): Promise<void>;
  /** Discards every append of this session. */
  rollback(): Promise<void>;
}

/** A node of the genealogy graph as the store keeps it. */
export interface NodeRow {
  readonly id: number;
  readonly ref: ObjectRef;
}

/** One input or output of a transformation, with the event that recorded it. */
export interface FlowRow {
  /** The transformation (events sharing a transformationID share one). */
  readonly t: number;
  readonly node: number;
  readonly dir: 'in' | 'out';
  readonly quantity: number | null;
  readonly uom: string | null;
  readonly seq: number;
  readonly eventMs: number;
  /** Log position of the error declaration that voided the event, if any. */
  readonly voidSeq: number | null;
}

/** What the store projects of one event, for trace results, lot state and reports. */
export interface EventRow {
  readonly seq: number;
  readonly eventId: string;
  readonly type: string;
  readonly action: string | null;
  readonly bizStep: string | null;
  readonly disposition: string | null;
  readonly eventTime: string;
  readonly eventMs: number;
  readonly recordTime: string;
  readonly readPoint: string | null;
  readonly bizLocation: string | null;
  /** The owning party of the source list, else its location, as the event gave it. */
  readonly source: string | null;
  /** The owning party of the destination list, else its location, as the event gave it. */
  readonly destination: string | null;
  readonly voidSeq: number | null;
  /** Who recorded the event (`CaptureContext.actor`), null when it was captured without one. */
  readonly recordedBy: string | null;
  /** Where it was recorded from (`CaptureContext.origin`). */
  readonly recordedFrom: string | null;
  readonly persistentSet: readonly string[];
  readonly persistentUnset: readonly string[];
}

export const OBJECT_ROLES = ['object', 'parent', 'input', 'output'] as const;
/** How an event names an object: in its object/child lists, as parent, as transformation input or output. */
export type ObjectRole = (typeof OBJECT_ROLES)[number];

/** One object named by one event. */
export interface EventObjectRow {
  readonly seq: number;
  readonly node: number;
  readonly role: ObjectRole;
  readonly quantity: number | null;
  readonly uom: string | null;
}

/** One entry of the append-only log, as hashed. */
export interface LogEntry {
  readonly seq: number;
  readonly kind: 'event' | 'declaration';
  readonly eventId: string;
  readonly recordTime: string;
  readonly fingerprint: string;
  /** The event's EPCIS JSON in canonical form. */
  readonly body: string;
  readonly actor: string | null;
  readonly origin: string | null;
  readonly prevHash: string;
  readonly hash: string;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly entries: number;
  readonly headHash: string;
  /** Set when the oldest entries were purged under a retention policy: the chain was checked from the purge checkpoint after this log position. */
  readonly purgedThrough?: number;
  /** The first entry whose hash or link does not match, with what was expected. */
  readonly brokenAt?: { readonly seq: number; readonly reason: string };
}

/** One group of an event query's object filter: events naming one of these nodes in one of these roles. */
export interface ObjectMatch {
  readonly nodeIds: readonly number[];
  readonly roles: readonly ObjectRole[];
}

/** Filters of an event query (EPCIS query interface, live stream); every filter given must match, values within one filter are alternatives. */
export interface EventQuery {
  readonly types?: readonly string[];
  /** Event time window in epoch ms: `eventMs >= eventMsFrom` and `eventMs < eventMsTo`. */
  readonly eventMsFrom?: number;
  readonly eventMsTo?: number;
  /** Record time at or after this ISO instant (UTC, as the store writes record times). */
  readonly recordTimeFrom?: string;
  readonly bizSteps?: readonly string[];
  readonly dispositions?: readonly string[];
  readonly bizLocations?: readonly string[];
  /** Each group must match (AND); within a group any node in any role (OR). */
  readonly objects?: readonly ObjectMatch[];
  /** Only log positions after this one (paging, the live stream). */
  readonly afterSeq?: number;
  /** At most this many rows, in log order. */
  readonly limit: number;
}

/** The store port. Batched lookups take and return plain ids so that traversal stays set-at-a-time. */
export interface EventStore {
  /**
   * True when a database server does the writing: an importer mostly waits on it, so capturing
   * on a second thread overlaps with that wait even on busy cores.
   */
  readonly writesOnServer?: boolean;
  /** Opens a write transaction (one document = one session), attributed to `context` when given. */
  beginCapture(context?: CaptureContext): Promise<CaptureSession>;
  /** Nodes for refs; refs not stored are absent from the map (keyed by refKey). */
  findNodes(refs: readonly ObjectRef[]): Promise<Map<string, NodeRow>>;
  /** Nodes by id. */
  nodesById(ids: readonly number[]): Promise<NodeRow[]>;
  /** Flows of these nodes in one direction ('in': the node was consumed; 'out': the node was produced). */
  flowsOfNodes(nodeIds: readonly number[], dir: 'in' | 'out'): Promise<FlowRow[]>;
  /** All flows of these transformations. */
  flowsOfTransformations(tIds: readonly number[]): Promise<FlowRow[]>;
  /** Flows of the events logged at positions in (afterSeq, upToSeq], in log order: feeds the in-memory genealogy index. */
  flowsRecorded(afterSeq: number, upToSeq: number): Promise<FlowRow[]>;
  /** Events voided by the error declarations logged at positions in (afterSeq, upToSeq]: the event's position and the declaration's. */
  voidedBetween(afterSeq: number, upToSeq: number): Promise<{ seq: number; voidSeq: number }[]>;
  /** Event projections of the events logged at positions in (afterSeq, upToSeq], in log order: feeds the in-memory event index. */
  eventsRecorded(afterSeq: number, upToSeq: number): Promise<EventRow[]>;
  /** Object rows of the events logged at positions in (afterSeq, upToSeq], in log order and, within an event, as written. */
  eventObjectsRecorded(afterSeq: number, upToSeq: number): Promise<EventObjectRow[]>;
  /** Event projections by log position. */
  eventsBySeq(seqs: readonly number[]): Promise<EventRow[]>;
  /** Every object row of events naming these nodes. */
  eventObjectsOfNodes(nodeIds: readonly number[]): Promise<EventObjectRow[]>;
  /** Every object row of these events. */
  eventObjectsOfEvents(seqs: readonly number[]): Promise<EventObjectRow[]>;
  /** The EPCIS bodies of log entries (events and error declarations) by log position. */
  eventBodies(seqs: readonly number[]): Promise<Map<number, RawEvent>>;
  /** The event stored under an eventID, with its log body. */
  eventById(eventId: string): Promise<{ row: EventRow; body: RawEvent } | undefined>;
  /** Stored events matching a query, in log order (error declarations are not rows of their own: see `voidSeq`). */
  queryEvents(query: EventQuery): Promise<EventRow[]>;
  /** Lots, serials and units whose code or item equals `text` (or whose code starts with it), or received under supplier lot code `text`; at most `limit`. */
  searchNodes(text: string, limit: number): Promise<NodeRow[]>;
  /** Events naming a business document (order, despatch advice) or a source/destination party whose number or name begins with `text`, any case; newest first, at most `limit`. */
  eventsByTerm(text: string, limit: number): Promise<TermHit[]>;
  /** Every lot and serial of this item (plant code or GTIN-14), by id: "all lots of this product" without scanning receipts. */
  lotsOfItem(item: string): Promise<NodeRow[]>;
  /** The last log position recorded at or before this record time (0 when none). */
  seqAt(recordTime: string): Promise<number>;
  /** The last log position. */
  headSeq(): Promise<number>;
  /** Up to `limit` log entries after log position `afterSeq`, in order (reading a whole log page by page). */
  readLog(afterSeq: number, limit: number): Promise<LogEntry[]>;
  /** Recomputes the hash chain from the first entry and says where it breaks. */
  verify(): Promise<VerifyResult>;
  /** Counts for summaries: events, nodes, flows. */
  stats(): Promise<{ events: number; declarations: number; nodes: number; transformations: number }>;
  /** Releases the connection. */
  close(): Promise<void>;
}
