/**
 * The production store: PostgreSQL through `pg`. A capture session is one transaction that first
 * locks the `writer` row of `meta` (one writer at a time, in every process: the hash chain has
 * one head) and then reads the chain head; readers are never blocked (MVCC). Appends are
 * set-at-a-time: one lookup of the batch's eventIDs, decisions and hashes in memory (the same
 * rules as SQLite, src/store/append-rules.ts), nodes and transformations resolved by set, then
 * one multi-row INSERT (arrays through `unnest`) per table. A batch of one and a batch of a
 * thousand store exactly the same rows.
 */
import { canonicalJson } from '../../domain/canonical-json.js';
import { LotlineError } from '../../domain/errors.js';
import type { RawEvent } from '../../domain/event-facts.js';
import type { ObjectRef } from '../../domain/identifiers/object-ref.js';
import { refColumns, refFromColumns, refKey } from '../../domain/identifiers/object-ref.js';
import { atBatchIndex, decideAppend, nextEntry } from '../append-rules.js';
import type { ChainState, StoredUnderId } from '../append-rules.js';
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
  VerifyResult,
  EventQuery,
} from '../event-store.js';
import { chainBreak, GENESIS_HASH } from '../log-hash.js';
import type { Projection } from '../projection.js';
import { projectEvent } from '../projection.js';
import type { EventDbRow, FlowDbRow, LogDbRow, ObjectDbRow } from '../row-mapping.js';
import { toEventRow, toFlowRow, toLogEntry, toObjectRow } from '../row-mapping.js';
import type { RecordedEvent } from '../recorded-event.js';
import { factsOfEntry } from '../recorded-event.js';
import type { TermHit, TermKind } from '../event-terms.js';
import { eventTerms, firstPerEvent, termRange } from '../event-terms.js';
import type { TableDifference } from '../projection-check.js';
import { compareProjections } from '../projection-check.js';
import type { AggregationStep } from '../unit-contents.js';
import { contentsAt, flattenContents } from '../unit-contents.js';

/** The part of `pg`'s client this adapter uses, so that the driver's types stay out of the port. */
export interface PgClient {
  query<R = unknown>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
  /** Runs `COPY … FROM STDIN` with `data` in COPY's text format. */
  copyIn(sql: string, data: string): Promise<void>;
  end(): Promise<void>;
  /** True once the server ended the connection: every query fails until `reconnect`. */
  lost?(): boolean;
  /** Replaces a lost connection with a new one (same database and schema). */
  reconnect?(): Promise<void>;
}

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIALS = /[\\\t\n\r]/g;

/** One value in COPY's text format: `\N` for null, backslash escapes for the separators. */
function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') return String(v);
  const text = String(v);
  // most values have nothing to escape (canonical JSON has no raw control characters): test first
  return COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIALS, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : text;
}

/** Column arrays as COPY text: one line per row, tab between values. */
function copyText(cols: readonly unknown[][]): string {
  const rows = cols[0]!.length;
  const lines = new Array<string>(rows);
  for (let r = 0; r < rows; r++) {
    let line = copyValue(cols[0]![r]);
    for (let c = 1; c < cols.length; c++) line += `\t${copyValue(cols[c]![r])}`;
    lines[r] = line;
  }
  return `${lines.join('\n')}\n`;
}

/** SQLSTATEs worth a new attempt at opening a session: serialization failure, deadlock. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 5;
/** Log entries read per round trip by verify. */
const VERIFY_PAGE = 5000;
/** Ids per read query: the SQLite adapter's block size, so that rows come back in the same order. */
const READ_BLOCK = 900;
/** Batches up to this many log entries are written by one multi-table INSERT, larger ones by COPY. */
const SMALL_BATCH = 50;
/** Nodes and transformations remembered per session; bounded, so memory stays flat in file size. */
const CACHE_LIMIT = 100_000;

const LOG_COLUMNS = 'seq, entry_kind, event_id, record_time, fingerprint, body, prev_hash, hash, actor, origin';
const EVENT_COLUMNS = `e.seq, e.event_id, e.type, e.action, e.biz_step, e.disposition, e.event_time, e.event_ms, e.record_time,
  e.read_point, e.biz_location, e.source, e.destination, e.void_seq, e.persistent_set, e.persistent_unset, l.actor, l.origin`;

/** A log entry about to be written, with what it projects. */
interface PlannedWrite extends RecordedEvent {
  readonly entry: LogEntry;
}

/** Rows waiting for their multi-row INSERT, one array per column. */
class RowBuffers {
  log: unknown[][] = [[], [], [], [], [], [], [], [], [], []];
  events: unknown[][] = Array.from({ length: 17 }, () => []);
  objects: unknown[][] = [[], [], [], [], [], []];
  flows: unknown[][] = [[], [], [], [], [], [], [], []];
  voids: unknown[][] = [[], []];
  terms: unknown[][] = [[], [], [], []];

  static push(cols: unknown[][], values: readonly unknown[]): void {
    for (let i = 0; i < values.length; i++) cols[i]!.push(values[i]);
  }
}

/** Per-session caches of node and transformation ids. */
interface SessionCaches {
  readonly nodes: Map<string, number>;
  readonly transformations: Map<string, number>;
}

function remember<K, V>(cache: Map<K, V>, key: K, value: V): void {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
}

export interface PostgresStoreOptions {
  /** How long a writer waits for another process's capture session before STORE_BUSY (default 15 s). */
  readonly lockTimeoutMs?: number;
}

/** Maps what the server says into Lotline's codes; anything else passes through. */
export function storeError(e: unknown): unknown {
  const code = (e as { code?: string }).code;
  if (e instanceof LotlineError) return e;
  if (code === '55P03') {
    return new LotlineError('STORE_BUSY', 'another process is writing to this database and did not finish in time; try again when it has finished', { cause: e });
  }
  if (code === 'P0001' || code === '23001') {
    const message = e instanceof Error ? e.message : String(e);
    if (message.startsWith('STORE_APPEND_ONLY')) return new LotlineError('STORE_APPEND_ONLY', message, { cause: e });
  }
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === '57P01' || (e instanceof Error && /Connection terminated|not queryable/.test(e.message))) {
    return new LotlineError('STORE_UNAVAILABLE', `the PostgreSQL connection failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return e;
}

export class PostgresEventStore implements EventStore {
  readonly writesOnServer = true;
  private readonly client: PgClient;
  private readonly lockTimeoutMs: number;
  private sessionOpen = false;
  /** The schema version found when the store was opened, and the version it is at now. */
  schemaVersion: { from: number; to: number } = { from: 0, to: 0 };

  constructor(client: PgClient, options: PostgresStoreOptions = {}) {
    this.client = client;
    this.lockTimeoutMs = Math.max(1, Math.floor(options.lockTimeoutMs ?? 15_000));
  }

  /**
   * The last batch's row writes, still on their way: the caller captures its next chunk meanwhile.
   * Every other statement waits for them first (q), so nothing reads or writes around them.
   */
  private pending: Promise<void> | undefined;

  private async settle(): Promise<void> {
    const p = this.pending;
    this.pending = undefined;
    await p;
  }

  private async q<R>(sql: string, values?: unknown[]): Promise<R[]> {
    if (this.pending) await this.settle();
    if (!this.sessionOpen) await this.recover();
    return this.raw(sql, values);
  }

  /**
   * Reconnects when the server ended the connection (a restart, an administrator's
   * pg_terminate_backend): only between transactions, so that the rest of a session never runs on
   * a new connection outside its transaction. A session that lost its connection fails, and rolls
   * back on the server; the next one starts on a new connection.
   */
  private async recover(): Promise<void> {
    if (!this.client.lost?.() || !this.client.reconnect) return;
    try {
      await this.client.reconnect();
    } catch (e) {
      throw storeError(e);
    }
  }

  private async raw<R>(sql: string, values?: unknown[]): Promise<R[]> {
    try {
      return (await this.client.query<R>(sql, values)).rows;
    } catch (e) {
      throw storeError(e);
    }
  }

  async beginCapture(context?: CaptureContext): Promise<CaptureSession> {
    if (this.sessionOpen) throw new Error('a capture session is already open on this connection');
    await this.recover();
    this.sessionOpen = true;
    let head: { seq: number; record_time: string; hash: string } | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        // One round trip (no parameters: the simple protocol runs the statements in order). One writer
        // at a time: the chain head is read only after the writer row is locked.
        const results = (await this.client.query(
          `BEGIN; SET LOCAL lock_timeout = ${this.lockTimeoutMs};
           SELECT value FROM meta WHERE key = 'writer' FOR UPDATE;
           SELECT seq, record_time, hash FROM log ORDER BY seq DESC LIMIT 1`,
        )) as unknown as { rows: { seq: number; record_time: string; hash: string }[] }[];
        head = results[results.length - 1]!.rows[0];
        break;
      } catch (e) {
        await this.client.query('ROLLBACK').catch(() => undefined);
        const code = (e as { code?: string }).code ?? '';
        if (RETRYABLE.has(code) && attempt < MAX_ATTEMPTS) {
          await new Promise((r) => setTimeout(r, 10 * attempt + Math.random() * 20));
          continue;
        }
        this.sessionOpen = false;
        throw storeError(e);
      }
    }
    const state: ChainState = {
      seq: head?.seq ?? 0,
      recordTime: head?.record_time ?? '',
      hash: head?.hash ?? GENESIS_HASH,
      actor: context?.actor ?? null,
      origin: context?.origin ?? null,
    };
    const caches: SessionCaches = { nodes: new Map(), transformations: new Map() };
    let open = true;
    const finish = async (sql: 'COMMIT' | 'ROLLBACK'): Promise<void> => {
      if (!open) return;
      open = false;
      try {
        // a failed write surfaces at commit; a rollback discards it anyway
        if (sql === 'ROLLBACK') await this.settle().catch(() => undefined);
        await this.q(sql);
      } catch (e) {
        // never leave the connection inside a failed transaction
        await this.client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        this.sessionOpen = false;
      }
    };
    const guard = (): void => {
      if (!open) throw new Error('capture session already closed');
    };
    return {
      append: async (events) => {
        guard();
        return this.appendBatch(events, state, caches);
      },
      appendRecorded: async (entries) => {
        guard();
        await this.appendRecordedBatch(entries, state, caches);
      },
      commit: () => finish('COMMIT'),
      rollback: () => finish('ROLLBACK'),
    };
  }

  private async appendBatch(events: readonly CapturedEvent[], state: ChainState, caches: SessionCaches): Promise<AppendOutcome[]> {
    const ids = [...new Set(events.map((e) => e.eventId))];
    const known = new Map<string, StoredUnderId[]>();
    if (ids.length > 0) {
      const rows = await this.q<{ seq: number; entry_kind: 'event' | 'declaration'; event_id: string; fingerprint: string; body: string }>(
        'SELECT seq, entry_kind, event_id, fingerprint, body FROM log WHERE event_id = ANY($1::text[]) ORDER BY seq',
        [ids],
      );
      for (const r of rows) {
        const list = known.get(r.event_id) ?? [];
        list.push({ seq: r.seq, kind: r.entry_kind, fingerprint: r.fingerprint, body: r.body });
        known.set(r.event_id, list);
      }
    }
    const out: AppendOutcome[] = [];
    const writes: PlannedWrite[] = [];
    let failure: unknown;
    for (let i = 0; i < events.length; i++) {
      const ev = events[i]!;
      const body = ev.canonicalBody ?? canonicalJson(ev.body);
      const list = known.get(ev.eventId) ?? [];
      let decision;
      try {
        decision = decideAppend(ev, body, list);
      } catch (e) {
        // Events before the conflict are written, as SQLite does; the caller rolls the session back.
        failure = atBatchIndex(e, i);
        break;
      }
      if (decision.kind === 'duplicate') {
        out.push({ status: 'duplicate', seq: decision.seq });
        continue;
      }
      const declare = decision.kind === 'declare';
      const entry = nextEntry(state, declare ? 'declaration' : 'event', ev, body);
      list.push({ seq: entry.seq, kind: entry.kind, fingerprint: entry.fingerprint, body });
      known.set(ev.eventId, list);
      writes.push({ entry, facts: declare ? null : ev.facts, voidSeq: decision.kind === 'declare' ? decision.voidSeq : null });
      out.push({ status: declare ? 'declared' : 'stored', seq: entry.seq, recordTime: entry.recordTime });
    }
    await this.writeEntries(writes, caches);
    if (failure !== undefined) throw failure;
    return out;
  }

  private async appendRecordedBatch(entries: readonly LogEntry[], state: ChainState, caches: SessionCaches): Promise<void> {
    const declared = [...new Set(entries.filter((e) => e.kind === 'declaration').map((e) => e.eventId))];
    const originals = new Map<string, number>();
    if (declared.length > 0) {
      for (const r of await this.q<{ seq: number; event_id: string }>("SELECT seq, event_id FROM log WHERE event_id = ANY($1::text[]) AND entry_kind = 'event'", [declared])) {
        originals.set(r.event_id, r.seq);
      }
    }
    const writes: PlannedWrite[] = [];
    for (const entry of entries) {
      const broken = chainBreak(state, entry);
      if (broken) throw new LotlineError('CHAIN_BROKEN', `cannot append log position ${entry.seq}: ${broken}`);
      if (entry.kind === 'event') {
        writes.push({ entry, facts: factsOfEntry(entry), voidSeq: null });
        originals.set(entry.eventId, entry.seq);
      } else {
        const voidSeq = originals.get(entry.eventId);
        if (voidSeq === undefined) throw new LotlineError('CHAIN_BROKEN', `log position ${entry.seq} declares event ${entry.eventId} erroneous, but that event is not in the log before it`);
        writes.push({ entry, facts: null, voidSeq });
      }
      state.seq = entry.seq;
      state.recordTime = entry.recordTime;
      state.hash = entry.hash;
    }
    await this.writeEntries(writes, caches);
  }

  /** Writes log entries and their projections, set-at-a-time. */
  private async writeEntries(writes: readonly PlannedWrite[], caches: SessionCaches): Promise<void> {
    if (writes.length === 0) return;
    const projections = writes.map((w) => (w.entry.kind === 'event' ? projectEvent(w.entry.eventId, w.facts!) : null));
    const nodes = await this.resolveNodes(projections, caches.nodes);
    const transformations = await this.resolveTransformations(projections, caches.transformations);
    const buf = new RowBuffers();
    for (let i = 0; i < writes.length; i++) {
      const { entry, facts, voidSeq } = writes[i]!;
      RowBuffers.push(buf.log, [entry.seq, entry.kind, entry.eventId, entry.recordTime, entry.fingerprint, entry.body, entry.prevHash, entry.hash, entry.actor, entry.origin]);
      const proj = projections[i];
      if (!proj || !facts) {
        if (voidSeq !== null) RowBuffers.push(buf.voids, [entry.seq, voidSeq]);
        continue;
      }
      const tId = proj.transformationKey === null ? null : transformations.get(proj.transformationKey)!;
      RowBuffers.push(buf.events, [
        entry.seq,
        entry.eventId,
        facts.type,
        facts.action,
        facts.bizStep,
        facts.disposition,
        facts.eventTime,
        facts.eventMs,
        entry.recordTime,
        facts.readPoint,
        facts.bizLocation,
        proj.source,
        proj.destination,
        tId,
        // An event that arrives already carrying its error declaration is stored, and void from the start.
        facts.errorDeclaration ? entry.seq : null,
        facts.persistentSet.length ? JSON.stringify(facts.persistentSet) : null,
        facts.persistentUnset.length ? JSON.stringify(facts.persistentUnset) : null,
      ]);
      for (const t of eventTerms(facts)) RowBuffers.push(buf.terms, [t.term, entry.seq, t.kind, t.value]);
      let objectPos = 0;
      let flowPos = 0;
      for (const o of proj.objects) {
        const node = nodes.get(refKey(o.ref))!;
        RowBuffers.push(buf.objects, [entry.seq, node, o.role, o.quantity, o.uom, objectPos++]);
        if (tId === null || (o.role !== 'input' && o.role !== 'output')) continue;
        const dir = o.role === 'input' ? 'in' : 'out';
        if (o.ref.kind === 'unit' && dir === 'in') {
          // A consumed pallet or case contributes what it held when it was consumed: what was
          // packed before, in this batch too, so the rows so far are written first.
          await this.flush(buf);
          for (const [content, h] of await this.consumedContents(node, facts.eventMs)) {
            RowBuffers.push(buf.flows, [tId, content, dir, h.quantity, h.uom, entry.seq, node, flowPos++]);
          }
        } else {
          RowBuffers.push(buf.flows, [tId, node, dir, o.quantity, o.uom, entry.seq, null, flowPos++]);
        }
      }
    }
    const written = this.flush(buf);
    written.catch(() => undefined); // awaited by the next statement (settle), not lost
    this.pending = written;
  }

  /**
   * Writes and empties the buffered rows: log, events, objects, flows through COPY (the bulk path
   * of PostgreSQL and of the engines in docs/scaling.md), then the voids (which may name events of
   * this batch).
   */
  private async flush(buf: RowBuffers): Promise<void> {
    // after the previous batch's writes: a void must find the event row it voids
    if (this.pending) await this.settle();
    const copies: [string, unknown[][]][] = [
      [`COPY log (${LOG_COLUMNS}) FROM STDIN`, buf.log],
      [
        `COPY events (seq, event_id, type, action, biz_step, disposition, event_time, event_ms, record_time,
           read_point, biz_location, source, destination, t_id, void_seq, persistent_set, persistent_unset) FROM STDIN`,
        buf.events,
      ],
      ['COPY event_objects (seq, node_id, role, quantity, uom, pos) FROM STDIN', buf.objects],
      ['COPY flows (t_id, node_id, dir, quantity, uom, seq, via_unit, pos) FROM STDIN', buf.flows],
      ['COPY event_terms (term, seq, kind, value) FROM STDIN', buf.terms],
    ];
    if (buf.log[0]!.length <= SMALL_BATCH) {
      // A few rows: one statement for all four tables costs one round trip instead of four COPYs.
      await this.raw(
        `WITH l AS (INSERT INTO log (${LOG_COLUMNS})
                    SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])),
              e AS (INSERT INTO events (seq, event_id, type, action, biz_step, disposition, event_time, event_ms, record_time,
                      read_point, biz_location, source, destination, t_id, void_seq, persistent_set, persistent_unset)
                    SELECT * FROM unnest($11::bigint[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::bigint[], $19::text[],
                      $20::text[], $21::text[], $22::text[], $23::text[], $24::bigint[], $25::bigint[], $26::text[], $27::text[])),
              o AS (INSERT INTO event_objects (seq, node_id, role, quantity, uom, pos)
                    SELECT * FROM unnest($28::bigint[], $29::bigint[], $30::text[], $31::float8[], $32::text[], $33::int[])),
              f AS (INSERT INTO flows (t_id, node_id, dir, quantity, uom, seq, via_unit, pos)
                    SELECT * FROM unnest($34::bigint[], $35::bigint[], $36::text[], $37::float8[], $38::text[], $39::bigint[], $40::bigint[], $41::int[])),
              t AS (INSERT INTO event_terms (term, seq, kind, value)
                    SELECT * FROM unnest($42::text[], $43::bigint[], $44::text[], $45::text[]))
         SELECT 1`,
        [...buf.log, ...buf.events, ...buf.objects, ...buf.flows, ...buf.terms],
      );
      copies.length = 0;
    }
    for (const [sql, cols] of copies) {
      if (cols[0]!.length === 0) continue;
      try {
        await this.client.copyIn(sql, copyText(cols));
      } catch (e) {
        throw storeError(e);
      }
    }
    if (buf.voids[0]!.length > 0) {
      await this.raw(
        `UPDATE events e SET void_seq = u.void_seq
           FROM unnest($1::bigint[], $2::bigint[]) AS u(void_seq, seq)
          WHERE e.seq = u.seq AND e.void_seq IS NULL`,
        buf.voids,
      );
    }
    for (const cols of [buf.log, buf.events, buf.objects, buf.flows, buf.voids, buf.terms]) for (const c of cols) c.length = 0;
  }

  /** Node ids for every object of these projections, creating the missing nodes in order of first mention. */
  private async resolveNodes(projections: readonly (Projection | null)[], cache: Map<string, number>): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const missing = new Map<string, ObjectRef>();
    for (const p of projections) {
      for (const o of p?.objects ?? []) {
        const key = refKey(o.ref);
        if (out.has(key) || missing.has(key)) continue;
        const hit = cache.get(key);
        if (hit !== undefined) out.set(key, hit);
        else missing.set(key, o.ref);
      }
    }
    if (missing.size === 0) return out;
    const cols = [...missing.values()].map(refColumns);
    // Found and created in one round trip; new nodes numbered in order of first mention, as
    // one-at-a-time inserts would number them. The writer lock keeps NOT EXISTS exact.
    const rows = await this.q<{ id: number; kind: string; item: string; code: string }>(
      `WITH u AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS u(kind, item, code, ord)),
            found AS (SELECT n.id, n.kind, n.item, n.code FROM u JOIN nodes n ON n.kind = u.kind AND n.item = u.item AND n.code = u.code),
            created AS (INSERT INTO nodes (kind, item, code)
                        SELECT kind, item, code FROM u
                         WHERE NOT EXISTS (SELECT 1 FROM nodes n WHERE n.kind = u.kind AND n.item = u.item AND n.code = u.code)
                         ORDER BY ord
                        RETURNING id, kind, item, code)
       SELECT * FROM found UNION ALL SELECT * FROM created`,
      [cols.map((c) => c.kind), cols.map((c) => c.item), cols.map((c) => c.code)],
    );
    for (const r of rows) {
      const key = refKey(refFromColumns(r.kind, r.item, r.code));
      out.set(key, r.id);
      remember(cache, key, r.id);
    }
    return out;
  }

  /** Transformation ids for these projections' keys, creating the missing ones in order of first mention. */
  private async resolveTransformations(projections: readonly (Projection | null)[], cache: Map<string, number>): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const missing: string[] = [];
    for (const p of projections) {
      const key = p?.transformationKey;
      if (key === undefined || key === null || out.has(key) || missing.includes(key)) continue;
      const hit = cache.get(key);
      if (hit !== undefined) out.set(key, hit);
      else missing.push(key);
    }
    if (missing.length === 0) return out;
    const rows = await this.q<{ id: number; key: string }>(
      `WITH u AS (SELECT * FROM unnest($1::text[]) WITH ORDINALITY AS u(key, ord)),
            found AS (SELECT t.id, t.key FROM u JOIN transformations t ON t.key = u.key),
            created AS (INSERT INTO transformations (key)
                        SELECT key FROM u WHERE NOT EXISTS (SELECT 1 FROM transformations t WHERE t.key = u.key) ORDER BY ord
                        RETURNING id, key)
       SELECT * FROM found UNION ALL SELECT * FROM created`,
      [missing],
    );
    for (const r of rows) {
      out.set(r.key, r.id);
      remember(cache, r.key, r.id);
    }
    return out;
  }

  /** What a consumed unit held at `atMs`, units inside it resolved to their lots (src/store/unit-contents.ts). */
  private async consumedContents(unit: number, atMs: number) {
    const steps = new Map<number, AggregationStep[]>();
    let frontier = [unit];
    // Fetch the aggregation history of the unit and of every unit it may hold, level by level.
    while (frontier.length > 0) {
      const fetched = await this.unitSteps(frontier);
      for (const n of frontier) steps.set(n, fetched.get(n) ?? []);
      const next = new Set<number>();
      for (const n of frontier) for (const s of steps.get(n)!) for (const c of s.children) if (!steps.has(c.node)) next.add(c.node);
      frontier = [...next];
    }
    const held = contentsAt(steps.get(unit)!, atMs);
    const nestedOf = (n: number) => {
      const s = steps.get(n) ?? [];
      return s.length > 0 ? contentsAt(s, atMs) : undefined;
    };
    return flattenContents(held, nestedOf, new Set([unit]));
  }

  private async unitSteps(units: readonly number[]): Promise<Map<number, AggregationStep[]>> {
    const rows = await this.q<{ unit: number; seq: number; event_ms: number; action: string | null; node_id: number | null; quantity: number | null; uom: string | null }>(
      `SELECT p.node_id AS unit, e.seq, e.event_ms, e.action, c.node_id, c.quantity, c.uom
         FROM event_objects p JOIN events e ON e.seq = p.seq
         LEFT JOIN event_objects c ON c.seq = p.seq AND c.role = 'object'
        WHERE p.node_id = ANY($1::bigint[]) AND p.role = 'parent' AND e.type = 'AggregationEvent' AND e.void_seq IS NULL
        ORDER BY e.seq, c.pos`,
      [units],
    );
    const out = new Map<number, Map<number, { seq: number; eventMs: number; action: string | null; children: { node: number; quantity: number | null; uom: string | null }[] }>>();
    for (const r of rows) {
      let bySeq = out.get(r.unit);
      if (!bySeq) out.set(r.unit, (bySeq = new Map()));
      let step = bySeq.get(r.seq);
      if (!step) bySeq.set(r.seq, (step = { seq: r.seq, eventMs: r.event_ms, action: r.action, children: [] }));
      if (r.node_id !== null) step.children.push({ node: r.node_id, quantity: r.quantity, uom: r.uom });
    }
    return new Map([...out].map(([unit, bySeq]) => [unit, [...bySeq.values()]]));
  }

  async findNodes(refs: readonly ObjectRef[]): Promise<Map<string, NodeRow>> {
    const out = new Map<string, NodeRow>();
    if (refs.length === 0) return out;
    const cols = refs.map(refColumns);
    const rows = await this.q<{ id: number; kind: string; item: string; code: string }>(
      `SELECT n.id, n.kind, n.item, n.code
         FROM unnest($1::text[], $2::text[], $3::text[]) AS u(kind, item, code)
         JOIN nodes n ON n.kind = u.kind AND n.item = u.item AND n.code = u.code`,
      [cols.map((c) => c.kind), cols.map((c) => c.item), cols.map((c) => c.code)],
    );
    const byColumns = new Map(rows.map((r) => [`${r.kind}\u0000${r.item}\u0000${r.code}`, r.id]));
    for (let i = 0; i < refs.length; i++) {
      const c = cols[i]!;
      const id = byColumns.get(`${c.kind}\u0000${c.item}\u0000${c.code}`);
      if (id !== undefined) out.set(refKey(refs[i]!), { id, ref: refs[i]! });
    }
    return out;
  }

  /**
   * Runs `sql` (with `$1` the id array) per block of ids, in the caller's order: blocks and the
   * ORDER BY of each query give the rows in the order the SQLite adapter gives them.
   */
  private async byIds<R>(sql: string, ids: readonly number[], extra: readonly unknown[] = []): Promise<R[]> {
    const out: R[] = [];
    for (let i = 0; i < ids.length; i += READ_BLOCK) {
      for (const r of await this.q<R>(sql, [ids.slice(i, i + READ_BLOCK), ...extra])) out.push(r);
    }
    return out;
  }

  async nodesById(ids: readonly number[]): Promise<NodeRow[]> {
    const rows = await this.byIds<{ id: number; kind: string; item: string; code: string }>('SELECT id, kind, item, code FROM nodes WHERE id = ANY($1::bigint[]) ORDER BY id', ids);
    return rows.map((r) => ({ id: r.id, ref: refFromColumns(r.kind, r.item, r.code) }));
  }

  private async flows(where: 'f.node_id' | 'f.t_id', ids: readonly number[], dir?: 'in' | 'out'): Promise<FlowRow[]> {
    const rows = await this.byIds<FlowDbRow>(
      `SELECT f.t_id, f.node_id, f.dir, f.quantity, f.uom, f.seq, e.event_ms, e.void_seq
         FROM flows f JOIN events e ON e.seq = f.seq
        WHERE ${where} = ANY($1::bigint[])${dir ? ' AND f.dir = $2' : ''}
        ORDER BY ${where}, f.dir, f.seq, f.pos`,
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
    // Within one event: inputs before outputs, each in the order written, as the SQLite adapter reads them.
    const rows = await this.q<FlowDbRow>(
      `SELECT f.t_id, f.node_id, f.dir, f.quantity, f.uom, f.seq, e.event_ms, e.void_seq
         FROM events e JOIN flows f ON f.t_id = e.t_id AND f.seq = e.seq
        WHERE e.seq > $1 AND e.seq <= $2 AND e.t_id IS NOT NULL
        ORDER BY f.seq, f.dir, f.pos`,
      [afterSeq, upToSeq],
    );
    return rows.map(toFlowRow);
  }

  async voidedBetween(afterSeq: number, upToSeq: number): Promise<{ seq: number; voidSeq: number }[]> {
    const rows = await this.q<{ seq: number; void_seq: number }>(
      `SELECT l.seq, d.seq AS void_seq
         FROM log d JOIN log l ON l.event_id = d.event_id AND l.entry_kind = 'event'
        WHERE d.seq > $1 AND d.seq <= $2 AND d.entry_kind = 'declaration'
        ORDER BY d.seq`,
      [afterSeq, upToSeq],
    );
    return rows.map((r) => ({ seq: r.seq, voidSeq: r.void_seq }));
  }

  async eventsRecorded(afterSeq: number, upToSeq: number): Promise<EventRow[]> {
    const rows = await this.q<EventDbRow>(`SELECT ${EVENT_COLUMNS} FROM events e JOIN log l ON l.seq = e.seq WHERE e.seq > $1 AND e.seq <= $2 ORDER BY e.seq`, [afterSeq, upToSeq]);
    return rows.map(toEventRow);
  }

  async eventObjectsRecorded(afterSeq: number, upToSeq: number): Promise<EventObjectRow[]> {
    const rows = await this.q<ObjectDbRow>('SELECT seq, node_id, role, quantity, uom FROM event_objects WHERE seq > $1 AND seq <= $2 ORDER BY seq, pos', [afterSeq, upToSeq]);
    return rows.map(toObjectRow);
  }

  async eventsBySeq(seqs: readonly number[]): Promise<EventRow[]> {
    return (await this.byIds<EventDbRow>(`SELECT ${EVENT_COLUMNS} FROM events e JOIN log l ON l.seq = e.seq WHERE e.seq = ANY($1::bigint[]) ORDER BY e.seq`, seqs)).map(toEventRow);
  }

  private async objects(column: 'node_id' | 'seq', ids: readonly number[]): Promise<EventObjectRow[]> {
    const rows = await this.byIds<ObjectDbRow>(
      `SELECT seq, node_id, role, quantity, uom FROM event_objects WHERE ${column} = ANY($1::bigint[])
        ORDER BY ${column === 'node_id' ? 'node_id, seq, pos' : 'seq, pos'}`,
      ids,
    );
    return rows.map(toObjectRow);
  }

  async eventObjectsOfNodes(nodeIds: readonly number[]): Promise<EventObjectRow[]> {
    return this.objects('node_id', nodeIds);
  }

  async eventObjectsOfEvents(seqs: readonly number[]): Promise<EventObjectRow[]> {
    return this.objects('seq', seqs);
  }

  async eventBodies(seqs: readonly number[]): Promise<Map<number, RawEvent>> {
    if (seqs.length === 0) return new Map();
    const rows = await this.q<{ seq: number; body: string }>('SELECT seq, body FROM log WHERE seq = ANY($1::bigint[])', [[...seqs]]);
    return new Map(rows.map((r) => [r.seq, JSON.parse(r.body) as RawEvent]));
  }

  async eventById(eventId: string): Promise<{ row: EventRow; body: RawEvent } | undefined> {
    const rows = await this.q<EventDbRow & { body: string }>(
      `SELECT ${EVENT_COLUMNS}, l.body FROM log l JOIN events e ON e.seq = l.seq WHERE l.event_id = $1 AND l.entry_kind = 'event'`,
      [eventId],
    );
    const r = rows[0];
    return r ? { row: toEventRow(r), body: JSON.parse(r.body) as RawEvent } : undefined;
  }

  async queryEvents(q: EventQuery): Promise<EventRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const cond = (sql: (p: string) => string, value: unknown): void => {
      if (value !== undefined) where.push(sql(param(value)));
    };
    const inList = (column: string, type: 'text' | 'bigint', values: readonly unknown[] | undefined): void => {
      if (values === undefined) return;
      // An empty list matches nothing, as in the SQLite adapter.
      where.push(values.length === 0 ? 'false' : `${column} = ANY(${param([...values])}::${type}[])`);
    };
    cond((p) => `e.seq > ${p}`, q.afterSeq);
    inList('e.type', 'text', q.types);
    cond((p) => `e.event_ms >= ${p}`, q.eventMsFrom);
    cond((p) => `e.event_ms < ${p}`, q.eventMsTo);
    cond((p) => `e.record_time >= ${p}`, q.recordTimeFrom);
    inList('e.biz_step', 'text', q.bizSteps);
    inList('e.disposition', 'text', q.dispositions);
    inList('e.biz_location', 'text', q.bizLocations);
    for (const m of q.objects ?? []) {
      if (m.nodeIds.length === 0 || m.roles.length === 0) {
        where.push('false');
        continue;
      }
      where.push(`EXISTS (SELECT 1 FROM event_objects o WHERE o.seq = e.seq AND o.node_id = ANY(${param([...m.nodeIds])}::bigint[]) AND o.role = ANY(${param([...m.roles])}::text[]))`);
    }
    const limit = param(Math.max(0, Math.floor(q.limit)));
    const rows = await this.q<EventDbRow>(`SELECT ${EVENT_COLUMNS} FROM events e JOIN log l ON l.seq = e.seq${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY e.seq LIMIT ${limit}`, params);
    return rows.map(toEventRow);
  }

  async lotsOfItem(item: string): Promise<NodeRow[]> {
    const rows = await this.q<{ id: number; kind: string; item: string; code: string }>("SELECT id, kind, item, code FROM nodes WHERE kind IN ('lot', 'serial') AND item = $1 ORDER BY id", [item]);
    return rows.map((r) => ({ id: Number(r.id), ref: refFromColumns(r.kind, r.item, r.code) }));
  }

  async searchNodes(text: string, limit: number): Promise<NodeRow[]> {
    const n = Math.max(0, Math.floor(limit));
    // Codes by equality (nodes_by_code) or prefix, items by equality (nodes_by_ref); byte order as in SQLite.
    const direct = await this.q<{ id: number; kind: string; item: string; code: string }>(
      `SELECT id, kind, item, code FROM (
         SELECT id, kind, item, code FROM nodes WHERE code = $1 OR starts_with(code, $1)
         UNION SELECT id, kind, item, code FROM nodes WHERE kind IN ('lot', 'serial', 'class') AND item = $1
       ) found ORDER BY item COLLATE "C", code COLLATE "C" LIMIT $2`,
      [text, n],
    );
    // Supplier lot codes live in receipt bodies only (native `supplierLot`): a scan of the receipts,
    // each body filtered by a substring test before it is parsed.
    const supplier =
      direct.length >= n
        ? []
        : await this.q<{ id: number; kind: string; item: string; code: string }>(
            `SELECT DISTINCT n.id, n.kind, n.item, n.code FROM events e JOIN log l ON l.seq = e.seq JOIN event_objects o ON o.seq = e.seq JOIN nodes n ON n.id = o.node_id
              WHERE e.biz_step = 'receiving' AND strpos(l.body, $1) > 0 AND (l.body::jsonb ->> 'lotline:supplierLot') = $2
              ORDER BY n.id LIMIT $3`,
            [JSON.stringify(text), text, n],
          );
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
    // event_terms_by_term: one range in byte order (as in SQLite), newest events first
    const rows = await this.q<{ seq: number; kind: TermKind; value: string }>(
      'SELECT seq, kind, value FROM event_terms WHERE term COLLATE "C" >= $1 AND term COLLATE "C" < $2 ORDER BY seq DESC LIMIT $3',
      [from, to, Math.max(0, Math.floor(limit)) * 4],
    );
    return firstPerEvent(rows, limit);
  }

  async seqAt(recordTime: string): Promise<number> {
    const rows = await this.q<{ seq: number | null }>('SELECT max(seq) AS seq FROM log WHERE record_time <= $1', [recordTime]);
    return rows[0]?.seq ?? 0;
  }

  async headSeq(): Promise<number> {
    const rows = await this.q<{ seq: number }>('SELECT seq FROM log ORDER BY seq DESC LIMIT 1');
    return rows[0]?.seq ?? 0;
  }

  async readLog(afterSeq: number, limit: number): Promise<LogEntry[]> {
    return (await this.q<LogDbRow>(`SELECT ${LOG_COLUMNS} FROM log WHERE seq > $1 ORDER BY seq LIMIT $2`, [afterSeq, limit])).map(toLogEntry);
  }

  async verify(): Promise<VerifyResult> {
    const head = { seq: 0, hash: GENESIS_HASH };
    let entries = 0;
    for (;;) {
      const page = await this.readLog(head.seq, VERIFY_PAGE);
      for (const e of page) {
        const broken = chainBreak(head, e);
        if (broken) return { ok: false, entries, headHash: head.hash, brokenAt: { seq: e.seq, reason: broken } };
        head.seq = e.seq;
        head.hash = e.hash;
        entries++;
      }
      if (page.length < VERIFY_PAGE) return { ok: true, entries, headHash: head.hash };
    }
  }

  async stats() {
    const rows = await this.q<{ events: number; declarations: number; nodes: number; transformations: number }>(
      `SELECT (SELECT count(*) FROM log WHERE entry_kind = 'event') AS events,
              (SELECT count(*) FROM log WHERE entry_kind = 'declaration') AS declarations,
              (SELECT count(*) FROM nodes) AS nodes,
              (SELECT count(*) FROM transformations) AS transformations`,
    );
    return rows[0]!;
  }

  /**
   * Compares the stored projections with those in the schema `scratchSchema` of the same database,
   * up to log position `head` (see projection-check.ts). Reads only.
   */
  async compareProjectionsWith(scratchSchema: string, head: number): Promise<TableDifference[]> {
    return compareProjections((sql) => this.q<Record<string, unknown>>(sql), '', `"${scratchSchema}".`, head);
  }

  /**
   * Replaces every projection with one recomputed from the log, in one transaction that holds the
   * writer lock throughout (`lotline rebuild`): `fill(head)` recomputes the projections of the log
   * up to `head` into another schema (reading the log through this store, inside the transaction),
   * whose rows then replace the stored ones. Returns what differed before.
   */
  async rebuildProjections(fill: (head: number) => Promise<string>): Promise<{ head: number; differences: TableDifference[] }> {
    if (this.sessionOpen) throw new Error('a capture session is already open on this connection');
    this.sessionOpen = true;
    try {
      await this.q('BEGIN');
      try {
        await this.q(`SET LOCAL lock_timeout = ${this.lockTimeoutMs}`);
        await this.q("SELECT value FROM meta WHERE key = 'writer' FOR UPDATE");
        const head = (await this.q<{ seq: number }>('SELECT seq FROM log ORDER BY seq DESC LIMIT 1'))[0]?.seq ?? 0;
        const scratch = await fill(head);
        const differences = await this.compareProjectionsWith(scratch, head);
        const from = (table: string) => `"${scratch}".${table}`;
        // DELETE, not TRUNCATE: readers (a running server) keep their snapshot instead of waiting on an exclusive lock
        for (const table of ['event_terms', 'event_objects', 'flows', 'events', 'transformations', 'nodes']) await this.q(`DELETE FROM ${table}`);
        await this.q(`INSERT INTO nodes (id, kind, item, code) SELECT id, kind, item, code FROM ${from('nodes')}`);
        await this.q(`INSERT INTO transformations (id, key) SELECT id, key FROM ${from('transformations')}`);
        const eventColumns = `seq, event_id, type, action, biz_step, disposition, event_time, event_ms, record_time,
           read_point, biz_location, source, destination, t_id, void_seq, persistent_set, persistent_unset`;
        await this.q(`INSERT INTO events (${eventColumns}) SELECT ${eventColumns} FROM ${from('events')}`);
        await this.q(`INSERT INTO flows (t_id, node_id, dir, quantity, uom, seq, via_unit, pos) SELECT t_id, node_id, dir, quantity, uom, seq, via_unit, pos FROM ${from('flows')}`);
        await this.q(`INSERT INTO event_objects (seq, node_id, role, quantity, uom, pos) SELECT seq, node_id, role, quantity, uom, pos FROM ${from('event_objects')}`);
        await this.q(`INSERT INTO event_terms (term, seq, kind, value) SELECT term, seq, kind, value FROM ${from('event_terms')}`);
        // the next generated ids follow the copied ones
        for (const table of ['nodes', 'transformations']) {
          await this.q(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), coalesce((SELECT max(id) FROM ${table}), 0) + 1, false)`);
        }
        await this.q('COMMIT');
        return { head, differences };
      } catch (e) {
        await this.client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    } finally {
      this.sessionOpen = false;
    }
  }

  async close(): Promise<void> {
    await this.settle().catch(() => undefined);
    if (this.sessionOpen) await this.client.query('ROLLBACK').catch(() => undefined);
    this.sessionOpen = false;
    await this.client.end();
  }
}
