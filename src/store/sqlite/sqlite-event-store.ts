/**
 * The embedded store: SQLite through better-sqlite3, in WAL mode. Writes are synchronous
 * inside one IMMEDIATE transaction per capture session; the log and its projections are
 * written together, so a trace right after an import sees it.
 */
import { canonicalJson } from '../../domain/canonical-json.js';
import { LotlineError } from '../../domain/errors.js';
import type { RawEvent } from '../../domain/event-facts.js';
import type { ObjectRef } from '../../domain/identifiers/object-ref.js';
import { refColumns, refFromColumns, refKey } from '../../domain/identifiers/object-ref.js';
import type {
  AppendOutcome,
  CapturedEvent,
  CaptureContext,
  CaptureSession,
  EventObjectRow,
  EventQuery,
  EventRow,
  EventStore,
  FlowRow,
  LogEntry,
  NodeRow,
  VerifyResult,
} from '../event-store.js';
import { atBatchIndex, decideAppend, nextEntry } from '../append-rules.js';
import type { ChainState } from '../append-rules.js';
import { chainBreak, entryHash, GENESIS_HASH } from '../log-hash.js';
import { projectEvent } from '../projection.js';
import type { EventDbRow, FlowDbRow, LogDbRow, ObjectDbRow } from '../row-mapping.js';
import { toEventRow, toFlowRow, toLogEntry, toObjectRow } from '../row-mapping.js';
import type { RecordedEvent } from '../recorded-event.js';
import { recordedEvent } from '../recorded-event.js';
import type { AggregationStep } from '../unit-contents.js';
import { contentsAt, flattenContents } from '../unit-contents.js';
import { SQLITE_MIGRATIONS } from './migrations/index.js';
import type { TermHit, TermKind } from '../event-terms.js';
import { eventTerms, firstPerEvent, termRange, termsOfBody } from '../event-terms.js';
import type { Progress, TableDifference } from '../projection-check.js';
import { compareProjections, PROJECTION_TABLES } from '../projection-check.js';

/** The part of better-sqlite3's API this adapter uses, so that the driver's types stay out of the port. */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  iterate(...params: unknown[]): IterableIterator<unknown>;
}
export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): unknown;
  pragma(sql: string, options?: { simple?: boolean }): unknown;
  close(): unknown;
  readonly inTransaction: boolean;
}

export { entryHash, GENESIS_HASH };
/** SQLite allows 32,766 host parameters; traversal batches stay well under it. */
const BATCH = 900;

function chunks<T>(xs: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += BATCH) out.push(xs.slice(i, i + BATCH));
  return out;
}

function placeholders(n: number): string {
  return new Array<string>(n).fill('?').join(',');
}

export class SqliteEventStore implements EventStore {
  private readonly db: SqliteDatabase;
  private readonly stmt: Record<string, SqliteStatement>;
  /** The schema version found when the store was opened, and the version it is at now. */
  readonly schemaVersion: { from: number; to: number };
  private readonly prepared = new Map<string, SqliteStatement>();

  constructor(db: SqliteDatabase, busyTimeoutMs = 15_000) {
    this.db = db;
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    // 64 MiB of page cache: imports insert into indexes keyed by random event ids
    db.pragma('cache_size = -65536');
    this.schemaVersion = { from: migrate(db), to: SQLITE_MIGRATIONS.length };
    this.stmt = {
      head: db.prepare('SELECT seq, record_time, hash FROM log ORDER BY seq DESC LIMIT 1'),
      logById: db.prepare('SELECT seq, entry_kind, fingerprint, body FROM log WHERE event_id = ? ORDER BY seq'),
      insertLog: db.prepare(
        'INSERT INTO log (seq, entry_kind, event_id, record_time, fingerprint, body, prev_hash, hash, actor, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      // a new event's log row, written before anything is read: no row changed means its eventID is logged already
      insertNewEvent: db.prepare(
        `INSERT INTO log (seq, entry_kind, event_id, record_time, fingerprint, body, prev_hash, hash, actor, origin) VALUES (?, 'event', ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (event_id, entry_kind) DO NOTHING`,
      ),
      nodeId: db.prepare('SELECT id FROM nodes WHERE kind = ? AND item = ? AND code = ?'),
      // a new node is inserted in one statement; a known one (no row returned) is then looked up
      insertNode: db.prepare('INSERT INTO nodes (kind, item, code) VALUES (?, ?, ?) ON CONFLICT (kind, item, code) DO NOTHING RETURNING id'),
      tId: db.prepare('SELECT id FROM transformations WHERE key = ?'),
      insertT: db.prepare('INSERT INTO transformations (key) VALUES (?) ON CONFLICT (key) DO NOTHING RETURNING id'),
      insertEvent: db.prepare(
        `INSERT INTO events (seq, event_id, type, action, biz_step, disposition, event_time, event_ms, record_time,
           read_point, biz_location, source, destination, t_id, void_seq, persistent_set, persistent_unset)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      voidEvent: db.prepare('UPDATE events SET void_seq = ? WHERE seq = ? AND void_seq IS NULL'),
      insertFlow: db.prepare('INSERT INTO flows (t_id, node_id, dir, quantity, uom, seq, via_unit) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      insertObject: db.prepare('INSERT INTO event_objects (seq, node_id, role, quantity, uom) VALUES (?, ?, ?, ?, ?)'),
      insertTerm: db.prepare('INSERT INTO event_terms (term, seq, kind, value) VALUES (?, ?, ?, ?)'),
      unitSteps: db.prepare(
        `SELECT e.seq, e.event_ms, e.action, c.node_id, c.quantity, c.uom
           FROM event_objects p JOIN events e ON e.seq = p.seq
           LEFT JOIN event_objects c ON c.seq = p.seq AND c.role = 'object'
          WHERE p.node_id = ? AND p.role = 'parent' AND e.type = 'AggregationEvent' AND e.void_seq IS NULL`,
      ),
      eventById: db.prepare("SELECT e.*, l.actor, l.origin FROM log l JOIN events e ON e.seq = l.seq WHERE l.event_id = ? AND l.entry_kind = 'event'"),
      seqAt: db.prepare('SELECT max(seq) AS seq FROM log WHERE record_time <= ?'),
      logPage: db.prepare('SELECT seq, entry_kind, event_id, record_time, fingerprint, body, prev_hash, hash, actor, origin FROM log WHERE seq > ? ORDER BY seq LIMIT ?'),
      // through the events' primary key and flows_by_transformation: flows have no index by position
      flowsRecorded: db.prepare(
        `SELECT f.t_id, f.node_id, f.dir, f.quantity, f.uom, f.seq, e.event_ms, e.void_seq
           FROM events e JOIN flows f ON f.t_id = e.t_id AND f.seq = e.seq
          WHERE e.seq > ? AND e.seq <= ? AND e.t_id IS NOT NULL
          ORDER BY e.seq`,
      ),
      voidedBetween: db.prepare(
        `SELECT l.seq, d.seq AS void_seq
           FROM log d JOIN log l ON l.event_id = d.event_id AND l.entry_kind = 'event'
          WHERE d.seq > ? AND d.seq <= ? AND d.entry_kind = 'declaration'`,
      ),
      eventsRecorded: db.prepare('SELECT e.*, l.actor, l.origin FROM events e JOIN log l ON l.seq = e.seq WHERE e.seq > ? AND e.seq <= ? ORDER BY e.seq'),
      // rowid: the order the rows were written in (an event's objects as its lists name them)
      eventObjectsRecorded: db.prepare('SELECT seq, node_id, role, quantity, uom FROM event_objects WHERE seq > ? AND seq <= ? ORDER BY seq, rowid'),
      logFrom: db.prepare('SELECT seq, entry_kind, event_id, record_time, fingerprint, body, prev_hash, hash, actor, origin FROM log WHERE seq > ? ORDER BY seq'),
    };
  }

  async beginCapture(context?: CaptureContext): Promise<CaptureSession> {
    if (this.db.inTransaction) throw new Error('a capture session is already open on this connection');
    try {
      this.db.exec('BEGIN IMMEDIATE');
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_BUSY') {
        throw new LotlineError('STORE_BUSY', 'another process is writing to this database and did not finish in time; try again when it has finished', { cause: e });
      }
      throw e;
    }
    const head = this.stmt['head']!.get() as { seq: number; record_time: string; hash: string } | undefined;
    const state: ChainState = {
      seq: head?.seq ?? 0,
      recordTime: head?.record_time ?? '',
      hash: head?.hash ?? GENESIS_HASH,
      actor: context?.actor ?? null,
      origin: context?.origin ?? null,
    };
    let open = true;
    const nodeCache = new Map<string, number>();
    return {
      append: async (events) => {
        if (!open) throw new Error('capture session already closed');
        const out: AppendOutcome[] = [];
        for (let i = 0; i < events.length; i++) {
          try {
            out.push(this.appendOne(events[i]!, state, nodeCache));
          } catch (e) {
            throw atBatchIndex(e, i);
          }
        }
        return out;
      },
      appendRecorded: async (entries) => {
        if (!open) throw new Error('capture session already closed');
        for (const entry of entries) {
          const broken = chainBreak(state, entry);
          if (broken) throw new LotlineError('CHAIN_BROKEN', `cannot append log position ${entry.seq}: ${broken}`);
          this.storeEntry(entry, recordedEvent(entry, (id) => this.originalSeq(id)), nodeCache);
          state.seq = entry.seq;
          state.recordTime = entry.recordTime;
          state.hash = entry.hash;
        }
      },
      commit: async () => {
        if (!open) return;
        open = false;
        this.db.exec('COMMIT');
      },
      rollback: async () => {
        if (!open) return;
        open = false;
        this.db.exec('ROLLBACK');
      },
    };
  }

  /** Runs `sqlTemplate` (with `(?)` standing for the IN list) once per batch of ids. */
  private inQuery<R>(sqlTemplate: string, ids: readonly number[], extra: readonly unknown[] = []): R[] {
    const out: R[] = [];
    for (const part of chunks(ids)) {
      if (part.length === 0) continue;
      const sql = sqlTemplate.replace('(?)', `(${placeholders(part.length)})`);
      // preparing costs as much as running a small lookup: keep the statements (bounded)
      let st = this.prepared.get(sql);
      if (!st) {
        if (this.prepared.size >= 256) this.prepared.clear();
        this.prepared.set(sql, (st = this.db.prepare(sql)));
      }
      for (const row of st.all(...part, ...extra)) out.push(row as R);
    }
    return out;
  }

  private appendOne(ev: CapturedEvent, state: ChainState, nodeCache: Map<string, number>): AppendOutcome {
    const body = ev.canonicalBody ?? canonicalJson(ev.body);
    // Most events are new. Their log row goes in first, and the eventID index (log_by_event_id)
    // answers whether the id is logged in the same probe: an id without an 'event' row is always
    // stored (decideAppend), so only a known id is read back and decided — which saves a lookup per event.
    const head = { seq: state.seq, recordTime: state.recordTime, hash: state.hash };
    const fresh = nextEntry(state, 'event', ev, body);
    const { seq, eventId, recordTime, fingerprint, prevHash, hash, actor, origin } = fresh;
    if (this.stmt['insertNewEvent']!.run(seq, eventId, recordTime, fingerprint, body, prevHash, hash, actor, origin).changes === 1) {
      this.storeProjections(fresh, { facts: ev.facts, voidSeq: null }, nodeCache);
      return { status: 'stored', seq: fresh.seq, recordTime: fresh.recordTime };
    }
    state.seq = head.seq;
    state.recordTime = head.recordTime;
    state.hash = head.hash;
    const existing = (this.stmt['logById']!.all(ev.eventId) as { seq: number; entry_kind: 'event' | 'declaration'; fingerprint: string; body: string }[]).map((r) => ({
      seq: r.seq,
      kind: r.entry_kind,
      fingerprint: r.fingerprint,
      body: r.body,
    }));
    const decision = decideAppend(ev, body, existing);
    if (decision.kind === 'duplicate') return { status: 'duplicate', seq: decision.seq };
    const entry = nextEntry(state, decision.kind === 'declare' ? 'declaration' : 'event', ev, body);
    this.storeEntry(entry, { facts: ev.facts, voidSeq: decision.kind === 'declare' ? decision.voidSeq : null }, nodeCache);
    return { status: decision.kind === 'declare' ? 'declared' : 'stored', seq: entry.seq, recordTime: entry.recordTime };
  }

  /** Writes one log entry and its projections: an event's rows, or the void of a declared event. */
  private storeEntry(entry: LogEntry, what: RecordedEvent, nodeCache: Map<string, number>): void {
    this.stmt['insertLog']!.run(entry.seq, entry.kind, entry.eventId, entry.recordTime, entry.fingerprint, entry.body, entry.prevHash, entry.hash, entry.actor, entry.origin);
    this.storeProjections(entry, what, nodeCache);
  }

  /** Writes the projections of a logged entry: an event's rows, or the void of a declared event. */
  private storeProjections(entry: LogEntry, what: RecordedEvent, nodeCache: Map<string, number>): void {
    if (entry.kind === 'declaration') {
      if (what.voidSeq !== null) this.stmt['voidEvent']!.run(entry.seq, what.voidSeq);
      return;
    }
    const f = what.facts!;
    const proj = projectEvent(entry.eventId, f);
    let tId: number | null = null;
    if (proj.transformationKey !== null) {
      const t = (this.stmt['insertT']!.get(proj.transformationKey) ?? this.stmt['tId']!.get(proj.transformationKey)) as { id: number };
      tId = t.id;
    }
    this.stmt['insertEvent']!.run(
      entry.seq,
      entry.eventId,
      f.type,
      f.action,
      f.bizStep,
      f.disposition,
      f.eventTime,
      f.eventMs,
      entry.recordTime,
      f.readPoint,
      f.bizLocation,
      proj.source,
      proj.destination,
      tId,
      // An event that arrives already carrying its error declaration is stored, and void from the start.
      f.errorDeclaration ? entry.seq : null,
      f.persistentSet.length ? JSON.stringify(f.persistentSet) : null,
      f.persistentUnset.length ? JSON.stringify(f.persistentUnset) : null,
    );
    for (const t of eventTerms(f)) this.stmt['insertTerm']!.run(t.term, entry.seq, t.kind, t.value);
    // One row per INSERT. Tried: one multi-row INSERT per event for its objects and for its flows
    // cost 1.4-2.5x the CPU per event (system time 2-4x), most likely SQLite's statement journal,
    // which a statement that may fail half-way needs and a one-row INSERT does not.
    for (const o of proj.objects) {
      const node = this.nodeIdFor(o.ref, nodeCache);
      this.stmt['insertObject']!.run(entry.seq, node, o.role, o.quantity, o.uom);
      if (tId !== null && (o.role === 'input' || o.role === 'output')) {
        const dir = o.role === 'input' ? 'in' : 'out';
        if (o.ref.kind === 'unit' && dir === 'in') {
          // A consumed pallet or case contributes what it held when it was consumed.
          const held = contentsAt(this.unitSteps(node), f.eventMs);
          const nestedOf = (n: number) => {
            const steps = this.unitSteps(n);
            return steps.length > 0 ? contentsAt(steps, f.eventMs) : undefined;
          };
          for (const [content, h] of flattenContents(held, nestedOf, new Set([node]))) {
            this.stmt['insertFlow']!.run(tId, content, dir, h.quantity, h.uom, entry.seq, node);
          }
        } else {
          this.stmt['insertFlow']!.run(tId, node, dir, o.quantity, o.uom, entry.seq, null);
        }
      }
    }
  }

  private originalSeq(eventId: string): number | undefined {
    return (this.stmt['logById']!.all(eventId) as { seq: number; entry_kind: string }[]).find((r) => r.entry_kind === 'event')?.seq;
  }

  private unitSteps(unitNode: number): AggregationStep[] {
    const rows = this.stmt['unitSteps']!.all(unitNode) as {
      seq: number;
      event_ms: number;
      action: string | null;
      node_id: number | null;
      quantity: number | null;
      uom: string | null;
    }[];
    const bySeq = new Map<number, { seq: number; eventMs: number; action: string | null; children: { node: number; quantity: number | null; uom: string | null }[] }>();
    for (const r of rows) {
      let step = bySeq.get(r.seq);
      if (!step) bySeq.set(r.seq, (step = { seq: r.seq, eventMs: r.event_ms, action: r.action, children: [] }));
      if (r.node_id !== null) step.children.push({ node: r.node_id, quantity: r.quantity, uom: r.uom });
    }
    return [...bySeq.values()];
  }

  private nodeIdFor(ref: ObjectRef, cache: Map<string, number>): number {
    const key = refKey(ref);
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const c = refColumns(ref);
    const id = ((this.stmt['insertNode']!.get(c.kind, c.item, c.code) ?? this.stmt['nodeId']!.get(c.kind, c.item, c.code)) as { id: number }).id;
    // bounded, so that memory stays flat however large the imported file
    if (cache.size >= 100_000) cache.clear();
    cache.set(key, id);
    return id;
  }

  async findNodes(refs: readonly ObjectRef[]): Promise<Map<string, NodeRow>> {
    const out = new Map<string, NodeRow>();
    for (const ref of refs) {
      const c = refColumns(ref);
      const row = this.stmt['nodeId']!.get(c.kind, c.item, c.code) as { id: number } | undefined;
      if (row) out.set(refKey(ref), { id: row.id, ref });
    }
    return out;
  }

  async nodesById(ids: readonly number[]): Promise<NodeRow[]> {
    return this.inQuery<{ id: number; kind: string; item: string; code: string }>('SELECT id, kind, item, code FROM nodes WHERE id IN (?)', ids).map((r) => ({
      id: r.id,
      ref: refFromColumns(r.kind, r.item, r.code),
    }));
  }

  private flows(where: 'f.node_id' | 'f.t_id', ids: readonly number[], dir?: 'in' | 'out'): FlowRow[] {
    const rows = this.inQuery<FlowDbRow>(
      `SELECT f.t_id, f.node_id, f.dir, f.quantity, f.uom, f.seq, e.event_ms, e.void_seq
         FROM flows f JOIN events e ON e.seq = f.seq
        WHERE ${where} IN (?)${dir ? ' AND f.dir = ?' : ''}`,
      ids,
      dir ? [dir] : [],
    );
    return rows.map(toFlowRow);
  }

  async flowsOfNodes(nodeIds: readonly number[], dir: 'in' | 'out'): Promise<FlowRow[]> {
    return this.flows('f.node_id', nodeIds, dir);
  }

  async flowsOfTransformations(tIds: readonly number[]): Promise<FlowRow[]> {
    return this.flows('f.t_id', tIds);
  }

  async flowsRecorded(afterSeq: number, upToSeq: number): Promise<FlowRow[]> {
    return (this.stmt['flowsRecorded']!.all(afterSeq, upToSeq) as FlowDbRow[]).map(toFlowRow);
  }

  async voidedBetween(afterSeq: number, upToSeq: number): Promise<{ seq: number; voidSeq: number }[]> {
    return (this.stmt['voidedBetween']!.all(afterSeq, upToSeq) as { seq: number; void_seq: number }[]).map((r) => ({ seq: r.seq, voidSeq: r.void_seq }));
  }

  async eventsRecorded(afterSeq: number, upToSeq: number): Promise<EventRow[]> {
    return (this.stmt['eventsRecorded']!.all(afterSeq, upToSeq) as EventDbRow[]).map(toEventRow);
  }

  async eventObjectsRecorded(afterSeq: number, upToSeq: number): Promise<EventObjectRow[]> {
    return (this.stmt['eventObjectsRecorded']!.all(afterSeq, upToSeq) as ObjectDbRow[]).map(toObjectRow);
  }

  async eventsBySeq(seqs: readonly number[]): Promise<EventRow[]> {
    return this.inQuery<EventDbRow>('SELECT e.*, l.actor, l.origin FROM events e JOIN log l ON l.seq = e.seq WHERE e.seq IN (?)', seqs).map(toEventRow);
  }

  private objects(column: 'node_id' | 'seq', ids: readonly number[]): EventObjectRow[] {
    return this.inQuery<ObjectDbRow>(`SELECT seq, node_id, role, quantity, uom FROM event_objects WHERE ${column} IN (?)`, ids).map(toObjectRow);
  }

  async eventObjectsOfNodes(nodeIds: readonly number[]): Promise<EventObjectRow[]> {
    return this.objects('node_id', nodeIds);
  }

  async eventObjectsOfEvents(seqs: readonly number[]): Promise<EventObjectRow[]> {
    return this.objects('seq', seqs);
  }

  async eventBodies(seqs: readonly number[]): Promise<Map<number, RawEvent>> {
    const rows = this.inQuery<{ seq: number; body: string }>('SELECT seq, body FROM log WHERE seq IN (?)', seqs);
    return new Map(rows.map((r) => [r.seq, JSON.parse(r.body) as RawEvent]));
  }

  async eventById(eventId: string): Promise<{ row: EventRow; body: RawEvent } | undefined> {
    const row = this.stmt['eventById']!.get(eventId) as EventDbRow | undefined;
    if (!row) return undefined;
    const log = this.stmt['logById']!.all(eventId) as { seq: number; entry_kind: string; body: string }[];
    const entry = log.find((l) => l.entry_kind === 'event');
    return { row: toEventRow(row), body: JSON.parse(entry?.body ?? '{}') as RawEvent };
  }

  async queryEvents(q: EventQuery): Promise<EventRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const inList = (column: string, values: readonly unknown[] | undefined): void => {
      if (values === undefined) return;
      if (values.length === 0) where.push('0');
      else {
        where.push(`${column} IN (${placeholders(values.length)})`);
        params.push(...values);
      }
    };
    const cond = (sql: string, value: unknown): void => {
      if (value === undefined) return;
      where.push(sql);
      params.push(value);
    };
    cond('e.seq > ?', q.afterSeq);
    inList('e.type', q.types);
    cond('e.event_ms >= ?', q.eventMsFrom);
    cond('e.event_ms < ?', q.eventMsTo);
    cond('e.record_time >= ?', q.recordTimeFrom);
    inList('e.biz_step', q.bizSteps);
    inList('e.disposition', q.dispositions);
    inList('e.biz_location', q.bizLocations);
    for (const m of q.objects ?? []) {
      if (m.nodeIds.length === 0 || m.roles.length === 0) {
        where.push('0');
        continue;
      }
      // Object filters name a handful of ids (query parameters), far below SQLite's parameter limit.
      where.push(`EXISTS (SELECT 1 FROM event_objects o WHERE o.seq = e.seq AND o.node_id IN (${placeholders(m.nodeIds.length)}) AND o.role IN (${placeholders(m.roles.length)}))`);
      params.push(...m.nodeIds, ...m.roles);
    }
    const sql = `SELECT e.*, l.actor, l.origin FROM events e JOIN log l ON l.seq = e.seq${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY e.seq LIMIT ?`;
    return (this.db.prepare(sql).all(...params, Math.max(0, Math.floor(q.limit))) as EventDbRow[]).map(toEventRow);
  }

  async lotsOfItem(item: string): Promise<NodeRow[]> {
    // nodes_by_ref: one probe per kind
    const rows = this.db.prepare("SELECT id, kind, item, code FROM nodes WHERE kind IN ('lot', 'serial') AND item = ? ORDER BY id").all(item) as { id: number; kind: string; item: string; code: string }[];
    return rows.map((r) => ({ id: r.id, ref: refFromColumns(r.kind, r.item, r.code) }));
  }

  async searchNodes(text: string, limit: number): Promise<NodeRow[]> {
    const n = Math.max(0, Math.floor(limit));
    // Codes by equality or prefix (nodes_by_code), items by equality (nodes_by_ref, one probe per kind).
    const direct = this.db
      .prepare(
        `SELECT id, kind, item, code FROM nodes WHERE code = ? OR (code > ? AND code < ?)
         UNION SELECT id, kind, item, code FROM nodes WHERE kind IN ('lot', 'serial', 'class') AND item = ?
         ORDER BY item, code LIMIT ?`,
      )
      .all(text, text, `${text}\uffff`, text, n) as { id: number; kind: string; item: string; code: string }[];
    // Supplier lot codes live in receipt bodies only (native `supplierLot`): a scan of the receipts
    // (no index: it costs O(receipts)), each body filtered by a substring test before it is parsed.
    const supplier =
      direct.length >= n
        ? []
        : (this.db
            .prepare(
              // CROSS JOIN keeps SQLite scanning the events first: starting from event_objects reads each body once per object (50x slower).
              `SELECT DISTINCT n.id, n.kind, n.item, n.code FROM events e CROSS JOIN log l ON l.seq = e.seq CROSS JOIN event_objects o ON o.seq = e.seq CROSS JOIN nodes n ON n.id = o.node_id
                WHERE e.biz_step = 'receiving' AND instr(l.body, ?) > 0 AND json_extract(l.body, '$."lotline:supplierLot"') = ? LIMIT ?`,
            )
            .all(JSON.stringify(text), text, n) as { id: number; kind: string; item: string; code: string }[]);
    const seen = new Set<number>();
    const out: NodeRow[] = [];
    for (const r of [...direct, ...supplier]) {
      if (seen.has(r.id) || out.length >= n) continue;
      seen.add(r.id);
      out.push({ id: r.id, ref: refFromColumns(r.kind, r.item, r.code) });
    }
    return out;
  }

  async eventsByTerm(text: string, limit: number): Promise<TermHit[]> {
    const { from, to } = termRange(text);
    // event_terms_by_term: one range, newest events first
    const rows = this.db
      .prepare('SELECT seq, kind, value FROM event_terms WHERE term >= ? AND term < ? ORDER BY seq DESC LIMIT ?')
      .all(from, to, Math.max(0, Math.floor(limit)) * 4) as { seq: number; kind: TermKind; value: string }[];
    return firstPerEvent(rows, limit);
  }

  async seqAt(recordTime: string): Promise<number> {
    const row = this.stmt['seqAt']!.get(recordTime) as { seq: number | null };
    return row.seq ?? 0;
  }

  async headSeq(): Promise<number> {
    const row = this.stmt['head']!.get() as { seq: number } | undefined;
    return row?.seq ?? 0;
  }

  async readLog(afterSeq: number, limit: number): Promise<LogEntry[]> {
    return (this.stmt['logPage']!.all(afterSeq, limit) as LogDbRow[]).map(toLogEntry);
  }

  async verify(): Promise<VerifyResult> {
    const head = { seq: 0, hash: GENESIS_HASH };
    const checkpoint = this.purgeCheckpoint();
    if (checkpoint) {
      head.seq = checkpoint.seq;
      head.hash = checkpoint.hash;
    }
    let entries = 0;
    for (const raw of this.stmt['logFrom']!.iterate(0)) {
      const e = toLogEntry(raw as LogDbRow);
      const broken = chainBreak(head, e);
      if (broken) return { ok: false, entries, headHash: head.hash, brokenAt: { seq: e.seq, reason: broken } };
      head.seq = e.seq;
      head.hash = e.hash;
      entries++;
    }
    return { ok: true, entries, headHash: head.hash, ...(checkpoint ? { purgedThrough: checkpoint.seq } : {}) };
  }

  /**
   * Where the chain starts after a retention purge (docs/reliability.md): the purge record of the
   * position just before the first entry kept holds that entry's hash. None when the log starts at 1.
   */
  private purgeCheckpoint(): { seq: number; hash: string } | undefined {
    const first = this.db.prepare('SELECT seq FROM log ORDER BY seq LIMIT 1').get() as { seq: number } | undefined;
    if (!first || first.seq === 1) return undefined;
    const hasPurges = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'retention_purges'").get() !== undefined;
    if (!hasPurges) return undefined;
    const row = this.db.prepare('SELECT last_seq, checkpoint_hash FROM retention_purges WHERE last_seq = ? ORDER BY id DESC LIMIT 1').get(first.seq - 1) as
      | { last_seq: number; checkpoint_hash: string }
      | undefined;
    return row ? { seq: row.last_seq, hash: row.checkpoint_hash } : undefined;
  }

  async stats() {
    const one = (sql: string): number => (this.db.prepare(sql).get() as { n: number }).n;
    return {
      events: one("SELECT count(*) AS n FROM log WHERE entry_kind = 'event'"),
      declarations: one("SELECT count(*) AS n FROM log WHERE entry_kind = 'declaration'"),
      nodes: one('SELECT count(*) AS n FROM nodes'),
      transformations: one('SELECT count(*) AS n FROM transformations'),
    };
  }

  /**
   * Deletes every projection and recomputes it from the log, in one write transaction
   * (`lotline rebuild`): nodes are numbered again in order of first mention.
   */
  async rebuildProjections(onProgress?: Progress): Promise<{ head: number; entries: number }> {
    if (this.db.inTransaction) throw new Error('a capture session is already open on this connection');
    try {
      this.db.exec('BEGIN IMMEDIATE');
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_BUSY') {
        throw new LotlineError('STORE_BUSY', 'another process is writing to this database and did not finish in time; stop the server (or wait) and try again', { cause: e });
      }
      throw e;
    }
    try {
      const head = (this.stmt['head']!.get() as { seq: number } | undefined)?.seq ?? 0;
      for (const table of [...PROJECTION_TABLES].reverse()) this.db.exec(`DELETE FROM ${table}`);
      const nodeCache = new Map<string, number>();
      const chain = { seq: 0, hash: GENESIS_HASH };
      let after = 0;
      let entries = 0;
      for (;;) {
        // page by page: better-sqlite3 runs no other statement while an iteration is open
        const page = (this.stmt['logPage']!.all(after, 5000) as LogDbRow[]).map(toLogEntry);
        if (page.length === 0) break;
        for (const entry of page) {
          // projections of an altered log would be wrong: stop where the chain breaks, as a copy does
          const broken = chainBreak(chain, entry);
          if (broken) throw new LotlineError('CHAIN_BROKEN', `cannot rebuild from log position ${entry.seq}: ${broken}; 'lotline verify' says more`);
          this.storeProjections(entry, recordedEvent(entry, (id) => this.originalSeq(id)), nodeCache);
          chain.seq = entry.seq;
          chain.hash = entry.hash;
        }
        after = page[page.length - 1]!.seq;
        entries += page.length;
        onProgress?.(entries, head);
      }
      this.db.exec('COMMIT');
      return { head, entries };
    } catch (e) {
      this.db.exec('ROLLBACK');
      throw e;
    }
  }

  /**
   * Compares the stored projections with those of the store in the SQLite file `scratchPath`,
   * up to log position `head` (see projection-check.ts). Reads only.
   */
  async compareProjectionsWith(scratchPath: string, head: number): Promise<TableDifference[]> {
    this.db.prepare('ATTACH DATABASE ? AS lotline_scratch').run(scratchPath);
    try {
      return await compareProjections(async (sql) => this.db.prepare(sql).all() as Record<string, unknown>[], 'main.', 'lotline_scratch.', head);
    } finally {
      this.db.exec('DETACH DATABASE lotline_scratch');
    }
  }

  async close(): Promise<void> {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.db.close();
  }
}

/** Applies the missing migrations; returns the version the database had. */
function migrate(db: SqliteDatabase): number {
  const hasMeta = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get() !== undefined;
  const current = hasMeta ? Number((db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined)?.value ?? 0) : 0;
  if (current > SQLITE_MIGRATIONS.length) {
    throw new LotlineError(
      'STORE_SCHEMA_TOO_NEW',
      `this database has schema version ${current}, newer than this Lotline knows (${SQLITE_MIGRATIONS.length}); upgrade Lotline`,
    );
  }
  for (let v = current; v < SQLITE_MIGRATIONS.length; v++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(SQLITE_MIGRATIONS[v]!);
      if (v + 1 === TERMS_VERSION) fillTerms(db);
      db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(String(v + 1));
      db.exec('COMMIT');
    } catch (e) {
      db.exec('ROLLBACK');
      throw e;
    }
  }
  return current;
}

/** The migration that created `event_terms`. */
const TERMS_VERSION = 3;

/** Fills `event_terms` from the events already logged (a database older than the table). */
function fillTerms(db: SqliteDatabase): void {
  const insert = db.prepare('INSERT INTO event_terms (term, seq, kind, value) VALUES (?, ?, ?, ?)');
  // page by page: better-sqlite3 runs no other statement while an iteration is open
  const page = db.prepare("SELECT seq, event_id, body FROM log WHERE entry_kind = 'event' AND seq > ? ORDER BY seq LIMIT 2000");
  for (let after = 0; ; ) {
    const rows = page.all(after) as { seq: number; event_id: string; body: string }[];
    for (const r of rows) for (const t of termsOfBody(r.seq, r.event_id, r.body)) insert.run(t.term, r.seq, t.kind, t.value);
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.seq;
  }
}
