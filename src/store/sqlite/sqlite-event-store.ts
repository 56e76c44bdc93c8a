/**
 * The embedded store: SQLite through better-sqlite3, in WAL mode. Writes are synchronous
 * inside one IMMEDIATE transaction per capture session; the log and its projections are
 * written together, so a trace right after an import sees it.
 */
import { createHash } from 'node:crypto';
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
  EventRow,
  EventStore,
  FlowRow,
  LogEntry,
  NodeRow,
  ObjectRole,
  VerifyResult,
} from '../event-store.js';
import { projectEvent } from '../projection.js';
import type { AggregationStep } from '../unit-contents.js';
import { contentsAt, flattenContents } from '../unit-contents.js';
import { SQLITE_MIGRATIONS } from './migrations/index.js';

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

export const GENESIS_HASH = '0'.repeat(64);
/** SQLite allows 32,766 host parameters; traversal batches stay well under it. */
const BATCH = 900;

/**
 * The hash of one log entry: it covers the previous hash and everything stored for the entry.
 * Who recorded it and from where are appended only when known, so entries written before
 * attribution existed keep their hashes.
 */
export function entryHash(prevHash: string, e: Omit<LogEntry, 'prevHash' | 'hash'>): string {
  const h = createHash('sha256').update(`${prevHash}\n${e.seq}\n${e.kind}\n${e.eventId}\n${e.recordTime}\n${e.fingerprint}\n${e.body}`);
  if (e.actor !== null || e.origin !== null) h.update(`\n${JSON.stringify([e.actor, e.origin])}`);
  return h.digest('hex');
}

interface EventDbRow {
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

interface FlowDbRow {
  t_id: number;
  node_id: number;
  dir: 'in' | 'out';
  quantity: number | null;
  uom: string | null;
  seq: number;
  event_ms: number;
  void_seq: number | null;
}

function toFlowRow(r: FlowDbRow): FlowRow {
  return { t: r.t_id, node: r.node_id, dir: r.dir, quantity: r.quantity, uom: r.uom, seq: r.seq, eventMs: r.event_ms, voidSeq: r.void_seq };
}

function toEventRow(r: EventDbRow): EventRow {
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

/** The head of the chain while a session appends, and whom its entries are attributed to. */
interface ChainState {
  seq: number;
  recordTime: string;
  hash: string;
  readonly actor: string | null;
  readonly origin: string | null;
  open: boolean;
}

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
  private readonly prepared = new Map<string, SqliteStatement>();

  constructor(db: SqliteDatabase, busyTimeoutMs = 15_000) {
    this.db = db;
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    // 64 MiB of page cache: imports insert into indexes keyed by random event ids
    db.pragma('cache_size = -65536');
    migrate(db);
    this.stmt = {
      head: db.prepare('SELECT seq, record_time, hash FROM log ORDER BY seq DESC LIMIT 1'),
      logById: db.prepare('SELECT seq, entry_kind, fingerprint, body FROM log WHERE event_id = ? ORDER BY seq'),
      insertLog: db.prepare(
        'INSERT INTO log (seq, entry_kind, event_id, record_time, fingerprint, body, prev_hash, hash, actor, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      nodeId: db.prepare('SELECT id FROM nodes WHERE kind = ? AND item = ? AND code = ?'),
      insertNode: db.prepare('INSERT INTO nodes (kind, item, code) VALUES (?, ?, ?)'),
      tId: db.prepare('SELECT id FROM transformations WHERE key = ?'),
      insertT: db.prepare('INSERT INTO transformations (key) VALUES (?)'),
      insertEvent: db.prepare(
        `INSERT INTO events (seq, event_id, type, action, biz_step, disposition, event_time, event_ms, record_time,
           read_point, biz_location, source, destination, t_id, void_seq, persistent_set, persistent_unset)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      voidEvent: db.prepare('UPDATE events SET void_seq = ? WHERE seq = ? AND void_seq IS NULL'),
      insertFlow: db.prepare('INSERT INTO flows (t_id, node_id, dir, quantity, uom, seq, via_unit) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      insertObject: db.prepare('INSERT INTO event_objects (seq, node_id, role, quantity, uom) VALUES (?, ?, ?, ?, ?)'),
      unitSteps: db.prepare(
        `SELECT e.seq, e.event_ms, e.action, c.node_id, c.quantity, c.uom
           FROM event_objects p JOIN events e ON e.seq = p.seq
           LEFT JOIN event_objects c ON c.seq = p.seq AND c.role = 'object'
          WHERE p.node_id = ? AND p.role = 'parent' AND e.type = 'AggregationEvent' AND e.void_seq IS NULL`,
      ),
      eventById: db.prepare("SELECT e.*, l.actor, l.origin FROM log l JOIN events e ON e.seq = l.seq WHERE l.event_id = ? AND l.entry_kind = 'event'"),
      seqAt: db.prepare('SELECT max(seq) AS seq FROM log WHERE record_time <= ?'),
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
      open: true,
    };
    const nodeCache = new Map<string, number>();
    return {
      append: async (events) => {
        if (!state.open) throw new Error('capture session already closed');
        const out: AppendOutcome[] = [];
        for (const ev of events) out.push(this.appendOne(ev, state, nodeCache));
        return out;
      },
      commit: async () => {
        if (!state.open) return;
        state.open = false;
        this.db.exec('COMMIT');
      },
      rollback: async () => {
        if (!state.open) return;
        state.open = false;
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

  private appendOne(
    ev: CapturedEvent,
    state: ChainState,
    nodeCache: Map<string, number>,
  ): AppendOutcome {
    const existing = this.stmt['logById']!.all(ev.eventId) as { seq: number; entry_kind: string; fingerprint: string; body: string }[];
    const original = existing.find((r) => r.entry_kind === 'event');
    const body = canonicalJson(ev.body);
    if (original) {
      if (ev.facts.errorDeclaration === null || original.body === body) {
        if (original.fingerprint === ev.fingerprint || original.body === body) return { status: 'duplicate', seq: original.seq };
        throw new LotlineError(
          'EVENT_ID_CONFLICT',
          `event ${ev.eventId} is already stored (log position ${original.seq}) with different content; an event is never changed — declare it erroneous and send a corrective event`,
        );
      }
      // An error declaration for a stored event.
      const declared = existing.find((r) => r.entry_kind === 'declaration');
      if (declared) {
        if (declared.body === body) return { status: 'duplicate', seq: declared.seq };
        throw new LotlineError('EVENT_ID_CONFLICT', `event ${ev.eventId} was already declared erroneous (log position ${declared.seq}) by a different declaration`);
      }
      // The event arrived already carrying its declaration: that declaration is the only one it gets.
      const arrivedDeclaration = (JSON.parse(original.body) as RawEvent)['errorDeclaration'];
      if (arrivedDeclaration !== undefined) {
        if (canonicalJson(arrivedDeclaration) === canonicalJson(ev.body['errorDeclaration'])) return { status: 'duplicate', seq: original.seq };
        throw new LotlineError('EVENT_ID_CONFLICT', `event ${ev.eventId} was already declared erroneous when it arrived (log position ${original.seq}), by a different declaration`);
      }
      const entry = this.writeLog(state, 'declaration', ev, body);
      this.stmt['voidEvent']!.run(entry.seq, original.seq);
      return { status: 'declared', seq: entry.seq, recordTime: entry.recordTime };
    }

    const entry = this.writeLog(state, 'event', ev, body);
    const f = ev.facts;
    const proj = projectEvent(ev.eventId, f);
    let tId: number | null = null;
    if (proj.transformationKey !== null) {
      const t = this.stmt['tId']!.get(proj.transformationKey) as { id: number } | undefined;
      tId = t ? t.id : Number(this.stmt['insertT']!.run(proj.transformationKey).lastInsertRowid);
    }
    this.stmt['insertEvent']!.run(
      entry.seq,
      ev.eventId,
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
    return { status: 'stored', seq: entry.seq, recordTime: entry.recordTime };
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

  private writeLog(
    state: ChainState,
    kind: 'event' | 'declaration',
    ev: CapturedEvent,
    body: string,
  ): { seq: number; recordTime: string } {
    const seq = state.seq + 1;
    // Record times never go backwards, so "as known at" cuts the log at one position.
    const now = new Date().toISOString();
    const recordTime = now > state.recordTime ? now : state.recordTime;
    const hash = entryHash(state.hash, { seq, kind, eventId: ev.eventId, recordTime, fingerprint: ev.fingerprint, body, actor: state.actor, origin: state.origin });
    this.stmt['insertLog']!.run(seq, kind, ev.eventId, recordTime, ev.fingerprint, body, state.hash, hash, state.actor, state.origin);
    state.seq = seq;
    state.recordTime = recordTime;
    state.hash = hash;
    return { seq, recordTime };
  }

  private nodeIdFor(ref: ObjectRef, cache: Map<string, number>): number {
    const key = refKey(ref);
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const c = refColumns(ref);
    const row = this.stmt['nodeId']!.get(c.kind, c.item, c.code) as { id: number } | undefined;
    const id = row ? row.id : Number(this.stmt['insertNode']!.run(c.kind, c.item, c.code).lastInsertRowid);
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

  async eventsBySeq(seqs: readonly number[]): Promise<EventRow[]> {
    return this.inQuery<EventDbRow>('SELECT e.*, l.actor, l.origin FROM events e JOIN log l ON l.seq = e.seq WHERE e.seq IN (?)', seqs).map(toEventRow);
  }

  private objects(column: 'node_id' | 'seq', ids: readonly number[]): EventObjectRow[] {
    return this.inQuery<{ seq: number; node_id: number; role: ObjectRole; quantity: number | null; uom: string | null }>(
      `SELECT seq, node_id, role, quantity, uom FROM event_objects WHERE ${column} IN (?)`,
      ids,
    ).map((r) => ({ seq: r.seq, node: r.node_id, role: r.role, quantity: r.quantity, uom: r.uom }));
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

  async seqAt(recordTime: string): Promise<number> {
    const row = this.stmt['seqAt']!.get(recordTime) as { seq: number | null };
    return row.seq ?? 0;
  }

  async headSeq(): Promise<number> {
    const row = this.stmt['head']!.get() as { seq: number } | undefined;
    return row?.seq ?? 0;
  }

  async verify(): Promise<VerifyResult> {
    let prev = GENESIS_HASH;
    let expectedSeq = 1;
    let entries = 0;
    for (const raw of this.stmt['logFrom']!.iterate(0)) {
      const r = raw as {
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
      };
      if (r.seq !== expectedSeq) return { ok: false, entries, headHash: prev, brokenAt: { seq: r.seq, reason: `log position ${expectedSeq} is missing` } };
      if (r.prev_hash !== prev) return { ok: false, entries, headHash: prev, brokenAt: { seq: r.seq, reason: 'the link to the previous entry does not match its hash' } };
      const h = entryHash(prev, {
        seq: r.seq,
        kind: r.entry_kind,
        eventId: r.event_id,
        recordTime: r.record_time,
        fingerprint: r.fingerprint,
        body: r.body,
        actor: r.actor,
        origin: r.origin,
      });
      if (h !== r.hash) return { ok: false, entries, headHash: prev, brokenAt: { seq: r.seq, reason: `the entry's content does not match its hash (event ${r.event_id})` } };
      prev = h;
      expectedSeq++;
      entries++;
    }
    return { ok: true, entries, headHash: prev };
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

  async close(): Promise<void> {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.db.close();
  }
}

function migrate(db: SqliteDatabase): void {
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
      db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(String(v + 1));
      db.exec('COMMIT');
    } catch (e) {
      db.exec('ROLLBACK');
      throw e;
    }
  }
}
