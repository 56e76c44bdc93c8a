/**
 * What a full trace answer reads besides the genealogy (DESIGN.md §3): the events, their object
 * rows (shipments, receipts, what pallets held) and the nodes, in memory beside the genealogy
 * index and fed from the log the same way, so that a trace through the index makes no store
 * round trip per lot or pallet. Held in columns, with repeated strings (types, steps, locations,
 * parties) kept once, event ids as their 32-byte digests, times as numbers with their offset and
 * node codes in one UTF-8 buffer (compact-values.ts): a few heap objects in all, not several per
 * event, so a full garbage collection has little to walk. Rows are made only for what an answer
 * returns.
 */
import type { RawEvent } from '../domain/event-facts.js';
import type { ObjectRef } from '../domain/identifiers/object-ref.js';
import { refColumns, refFromColumns } from '../domain/identifiers/object-ref.js';
import type { EventObjectRow, EventRow, EventStore, NodeRow, ObjectRole } from '../store/event-store.js';
import { OBJECT_ROLES } from '../store/event-store.js';
import type { EventHead } from './trace-graph.js';
import { buildCsr, Column, nextEpoch, pushTo } from './columns.js';
import type { LotFacts, ShippingFacts } from './body-facts.js';
import { lotFactsOf, NO_LOT_FACTS, shippingFactsOf } from './body-facts.js';
import { formatTime, OFFSET_NONE, OFFSET_Z, packEventId, packTime, StringPool, unpackEventId } from './compact-values.js';

/** Node ids asked of the store per call while catching up. */
const NODE_CHUNK = 10_000;

/** Strings kept once each, by number; −1 stands for null. */
class Strings {
  private readonly ids = new Map<string, number>();
  readonly values: string[] = [];
  id(s: string | null): number {
    if (s === null) return -1;
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.values.push(s) - 1;
      this.ids.set(s, i);
    }
    return i;
  }
  get(i: number): string | null {
    return i < 0 ? null : this.values[i]!;
  }
  /** The number of a string already kept, without keeping it. */
  idOf(s: string): number | undefined {
    return this.ids.get(s);
  }
  /** The number of a string held, −1 if it is not. */
  find(s: string): number {
    return this.idOf(s) ?? -1;
  }
}

const KINDS = ['lot', 'serial', 'class', 'unit', 'other'] as const;
const ROLE_INPUT = OBJECT_ROLES.indexOf('input');
const ROLE_OUTPUT = OBJECT_ROLES.indexOf('output');
const ROLE_OBJECT = OBJECT_ROLES.indexOf('object');

/** The string-valued fields of an event row that repeat across events, one column each. */
const SHARED_FIELDS = ['type', 'action', 'bizStep', 'disposition', 'readPoint', 'bizLocation', 'source', 'destination', 'recordedBy', 'recordedFrom'] as const;

export class EventIndex {
  // ── events, one slot per log position (declarations leave theirs empty) ──
  /** 1 where an event is held at that position. */
  private readonly held = new Column((n) => new Uint8Array(n));
  /** 32 bytes per position: the digest of a GS1 event-hash id (`idPacked` 1); other ids are in `otherIds`. */
  private readonly idDigest = new Column((n) => new Uint8Array(n));
  private readonly idPacked = new Column((n) => new Uint8Array(n));
  private readonly otherIds = new Map<number, string>();
  private readonly eventMs = new Column((n) => new Float64Array(n));
  /** The event time's offset in minutes (compact-values.ts); OFFSET_NONE: the string is in `otherTimes`. */
  private readonly eventOffset = new Column((n) => new Int16Array(n));
  private readonly otherTimes = new Map<number, string>();
  /** Record times are UTC (`Z`): their ms; NaN: the string is in `otherRecordTimes`. */
  private readonly recordMs = new Column((n) => new Float64Array(n));
  private readonly otherRecordTimes = new Map<number, string>();
  /** 0 = not voided (log positions start at 1). */
  private readonly voidSeq = new Column((n) => new Int32Array(n));
  /** One column per SHARED_FIELDS entry, same order. */
  private readonly shared: Column<Int32Array>[] = SHARED_FIELDS.map(() => new Column((n) => new Int32Array(n)));
  /** Index into `lists` of the persistent disposition lists. */
  private readonly persistentSet = new Column((n) => new Int32Array(n));
  private readonly persistentUnset = new Column((n) => new Int32Array(n));
  private readonly strings = new Strings();
  private readonly lists: (readonly string[])[] = [];
  private readonly listIds = new Map<string, number>();
  private slots = 1;

  // ── event objects, in log order ──
  private objects = 0;
  private readonly objSeq = new Column((n) => new Int32Array(n));
  private readonly objNode = new Column((n) => new Int32Array(n));
  private readonly objRole = new Column((n) => new Uint8Array(n));
  /** NaN = no quantity. */
  private readonly objQuantity = new Column((n) => new Float64Array(n));
  private readonly objUom = new Column((n) => new Int32Array(n));
  /** Object rows by node: [0, compacted) in compressed rows, later ones in a map until the next compaction. */
  private byNodeOffsets: Int32Array = new Int32Array(1);
  private byNodeRows: Int32Array = new Int32Array(0);
  private compacted = 0;
  private readonly recentByNode = new Map<number, number[]>();

  // ── nodes, one slot per id ──
  /** Index into KINDS + 1; 0 = not held. */
  private readonly nodeKind = new Column((n) => new Uint8Array(n));
  private readonly nodeItem = new Column((n) => new Int32Array(n));
  private readonly nodeCodes = new StringPool();

  /** Stamps that drop repeated ids from one lookup (a Set per call was a tenth of a large trace). */
  private seqMark = new Int32Array(0);
  private nodeMark = new Int32Array(0);
  private epoch = 0;

  /** Calls `f` once per distinct id of `ids` below `size`, in the order given. */
  private distinct(ids: readonly number[], which: 'seq' | 'node', size: number, f: (id: number) => void): void {
    let marks = which === 'seq' ? this.seqMark : this.nodeMark;
    if (marks.length < size) {
      marks = new Int32Array(size + (size >> 3) + 1);
      if (which === 'seq') this.seqMark = marks;
      else this.nodeMark = marks;
    }
    const epoch = (this.epoch = nextEpoch(this.epoch, [this.seqMark, this.nodeMark]));
    for (const id of ids) {
      if (!(id >= 0 && id < size) || marks[id] === epoch) continue;
      marks[id] = epoch;
      f(id);
    }
  }

  /** The error declarations' bodies (their reason and corrective events), by log position. */
  private readonly declarations = new Map<number, RawEvent>();

  /** Applies the events logged in (afterSeq, upToSeq], with their object rows and the nodes these name. */
  async apply(store: EventStore, afterSeq: number, upToSeq: number): Promise<void> {
    const events = await store.eventsRecorded(afterSeq, upToSeq);
    const objects = await store.eventObjectsRecorded(afterSeq, upToSeq);
    this.ensureSlots(upToSeq + 1);
    for (const e of events) this.addEvent(e);
    for (const c of [this.objSeq, this.objNode, this.objRole, this.objQuantity, this.objUom]) c.ensure(this.objects + objects.length);
    const newNodes = new Set<number>();
    for (const o of objects) {
      this.addObject(o);
      if (!this.hasNode(o.node)) newNodes.add(o.node);
    }
    await this.loadNodes(store, [...newNodes]);
    // a few thousand rows in the map are fine; beyond a quarter of the index, rebuild the arrays
    if (this.objects - this.compacted > Math.max(4096, this.compacted / 4)) this.compact();
  }

  /** Voids events declared erroneous (the first declaration counts, as in the store) and keeps the declarations' bodies. */
  async applyVoided(store: EventStore, voided: readonly { seq: number; voidSeq: number }[]): Promise<void> {
    for (const v of voided) if (this.held.data[v.seq] === 1 && this.voidSeq.data[v.seq] === 0) this.voidSeq.data[v.seq] = v.voidSeq;
    const bodies = await store.eventBodies([...new Set(voided.map((v) => v.voidSeq))].filter((s) => !this.declarations.has(s)));
    for (const [seq, body] of bodies) this.declarations.set(seq, body);
  }

  /** Nodes the store may hold that this index has not seen in an event (the flows of units packed earlier name them too). */
  async ensureNodes(store: EventStore, ids: Iterable<number>): Promise<void> {
    const missing: number[] = [];
    for (const id of ids) if (!this.hasNode(id)) missing.push(id);
    await this.loadNodes(store, missing);
  }

  private async loadNodes(store: EventStore, ids: readonly number[]): Promise<void> {
    for (let k = 0; k < ids.length; k += NODE_CHUNK) {
      for (const n of await store.nodesById(ids.slice(k, k + NODE_CHUNK))) this.addNode(n);
    }
  }

  private slotColumns(): Column<Uint8Array | Int16Array | Int32Array | Float64Array>[] {
    return [this.held, this.idPacked, this.eventMs, this.eventOffset, this.recordMs, this.voidSeq, this.persistentSet, this.persistentUnset, ...this.shared];
  }

  private ensureSlots(n: number): void {
    for (const c of this.slotColumns()) c.ensure(n);
    this.idDigest.ensure(32 * n);
    this.slots = Math.max(this.slots, n);
  }

  private listId(list: readonly string[]): number {
    const key = JSON.stringify(list);
    let i = this.listIds.get(key);
    if (i === undefined) {
      i = this.lists.push(Object.freeze([...list])) - 1;
      this.listIds.set(key, i);
    }
    return i;
  }

  private addEvent(e: EventRow): void {
    const s = e.seq;
    this.held.data[s] = 1;
    if (packEventId(e.eventId, this.idDigest.data, 32 * s)) this.idPacked.data[s] = 1;
    else this.otherIds.set(s, e.eventId);
    this.eventMs.data[s] = e.eventMs;
    const offset = packTime(e.eventTime, e.eventMs);
    this.eventOffset.data[s] = offset;
    if (offset === OFFSET_NONE) this.otherTimes.set(s, e.eventTime);
    const recordMs = Date.parse(e.recordTime);
    if (packTime(e.recordTime, recordMs) === OFFSET_Z) this.recordMs.data[s] = recordMs;
    else {
      this.recordMs.data[s] = NaN;
      this.otherRecordTimes.set(s, e.recordTime);
    }
    this.voidSeq.data[s] = e.voidSeq ?? 0;
    SHARED_FIELDS.forEach((f, k) => (this.shared[k]!.data[s] = this.strings.id(e[f])));
    this.persistentSet.data[s] = this.listId(e.persistentSet);
    this.persistentUnset.data[s] = this.listId(e.persistentUnset);
  }

  private addObject(o: EventObjectRow): void {
    const i = this.objects++;
    this.objSeq.data[i] = o.seq;
    this.objNode.data[i] = o.node;
    this.objRole.data[i] = OBJECT_ROLES.indexOf(o.role);
    this.objQuantity.data[i] = o.quantity ?? NaN;
    this.objUom.data[i] = this.strings.id(o.uom);
    pushTo(this.recentByNode, o.node, i);
  }

  private addNode(n: NodeRow): void {
    const c = refColumns(n.ref);
    for (const col of [this.nodeKind, this.nodeItem]) col.ensure(n.id + 1);
    this.nodeKind.data[n.id] = KINDS.indexOf(c.kind) + 1;
    this.nodeItem.data[n.id] = this.strings.id(c.item);
    this.nodeCodes.set(n.id, c.code);
  }

  private hasNode(id: number): boolean {
    return id < this.nodeKind.data.length && this.nodeKind.data[id] !== 0;
  }

  private compact(): void {
    let size = 0;
    const node = this.objNode.data;
    for (let i = 0; i < this.objects; i++) if (node[i]! >= size) size = node[i]! + 1;
    const csr = buildCsr(node, this.objects, size, () => true);
    this.byNodeOffsets = csr.offsets;
    this.byNodeRows = csr.flows;
    this.compacted = this.objects;
    this.recentByNode.clear();
    for (const c of [this.objSeq, this.objNode, this.objRole, this.objQuantity, this.objUom]) c.trim(this.objects);
  }

  /** Called once the whole store has been applied: the arrays lose their growth slack. */
  settle(): void {
    this.compact();
    for (const c of this.slotColumns()) c.trim(this.slots);
    this.idDigest.trim(32 * this.slots);
    this.nodeCodes.trim();
  }

  /**
   * Bytes held by the columns and buffers, and by the strings kept as they came (counted at two
   * bytes a character plus 24 of header and pointer: an upper bound of what the engine takes).
   */
  get bytes(): number {
    const cols = [...this.slotColumns(), this.idDigest, this.objSeq, this.objNode, this.objRole, this.objQuantity, this.objUom, this.nodeKind, this.nodeItem];
    let n = cols.reduce((s, c) => s + c.data.byteLength, 0) + this.byNodeOffsets.byteLength + this.byNodeRows.byteLength + this.nodeCodes.byteLength;
    for (const list of [this.otherIds.values(), this.otherTimes.values(), this.otherRecordTimes.values(), this.strings.values.values()]) for (const s of list) n += 24 + 2 * s.length;
    return n;
  }

  /** Event rows held. */
  get events(): number {
    let n = 0;
    for (let s = 0; s < this.slots; s++) n += this.held.data[s]!;
    return n;
  }

  // ── answers, as the store's methods of the same name give them (rows in log order) ──

  /** Whether every position asked for is one this index has applied (else the caller asks the store). */
  covers(seqs: readonly number[], appliedSeq: number): boolean {
    for (const s of seqs) if (s > appliedSeq) return false;
    return true;
  }

  /** Rows of the events held at these positions, in the order asked (the store's order is unspecified too). */
  eventsBySeq(seqs: readonly number[]): EventRow[] {
    const out: EventRow[] = [];
    this.distinct(seqs, 'seq', this.slots, (s) => {
      if (this.held.data[s] === 1) out.push(this.event(s));
    });
    return out;
  }

  /** Id and business step of the events held at these positions, in the order asked: a row without its times and places. */
  eventHeads(seqs: readonly number[]): EventHead[] {
    const out: EventHead[] = [];
    const bizStep = this.shared[SHARED_FIELDS.indexOf('bizStep')]!.data;
    this.distinct(seqs, 'seq', this.slots, (s) => {
      if (this.held.data[s] !== 1) return;
      const step = bizStep[s]!;
      out.push({ seq: s, eventId: this.eventId(s), bizStep: step < 0 ? null : this.strings.values[step]! });
    });
    return out;
  }

  private eventId(s: number): string {
    return this.idPacked.data[s] === 1 ? unpackEventId(this.idDigest.data, 32 * s) : this.otherIds.get(s)!;
  }

  private event(s: number): EventRow {
    const sh = this.shared;
    const str = this.strings.values;
    // k: the field's place in SHARED_FIELDS
    const g = (k: number): string | null => {
      const i = sh[k]!.data[s]!;
      return i < 0 ? null : str[i]!;
    };
    const v = this.voidSeq.data[s]!;
    const eventMs = this.eventMs.data[s]!;
    const offset = this.eventOffset.data[s]!;
    const recordMs = this.recordMs.data[s]!;
    return {
      seq: s,
      eventId: this.eventId(s),
      type: g(0)!,
      action: g(1),
      bizStep: g(2),
      disposition: g(3),
      eventTime: offset === OFFSET_NONE ? this.otherTimes.get(s)! : formatTime(eventMs, offset),
      eventMs,
      recordTime: Number.isNaN(recordMs) ? this.otherRecordTimes.get(s)! : this.recordTimeText(recordMs),
      readPoint: g(4),
      bizLocation: g(5),
      source: g(6),
      destination: g(7),
      voidSeq: v === 0 ? null : v,
      recordedBy: g(8),
      recordedFrom: g(9),
      persistentSet: this.lists[this.persistentSet.data[s]!]!,
      persistentUnset: this.lists[this.persistentUnset.data[s]!]!,
    };
  }

  /** Events recorded together share their record time: the last one written is kept. */
  private lastRecordMs = NaN;
  private lastRecordText = '';
  private recordTimeText(ms: number): string {
    if (ms !== this.lastRecordMs) {
      this.lastRecordText = formatTime(ms, OFFSET_Z);
      this.lastRecordMs = ms;
    }
    return this.lastRecordText;
  }

  private object(i: number): EventObjectRow {
    const q = this.objQuantity.data[i]!;
    return {
      seq: this.objSeq.data[i]!,
      node: this.objNode.data[i]!,
      role: OBJECT_ROLES[this.objRole.data[i]!] as ObjectRole,
      quantity: Number.isNaN(q) ? null : q,
      uom: this.strings.get(this.objUom.data[i]!),
    };
  }

  /** `movements`: only the rows that are not a transformation's inputs or outputs (the rows a shipment, receipt or packing names), the others not made at all. */
  eventObjectsOfNodes(nodeIds: readonly number[], movements = false): EventObjectRow[] {
    const out: EventObjectRow[] = [];
    const offsets = this.byNodeOffsets;
    const role = this.objRole.data;
    const add = (i: number): void => {
      if (!movements || (role[i] !== ROLE_INPUT && role[i] !== ROLE_OUTPUT)) out.push(this.object(i));
    };
    this.distinct(nodeIds, 'node', Math.max(offsets.length - 1, this.nodeKind.data.length), (id) => {
      if (id + 1 < offsets.length) for (let k = offsets[id]!, e = offsets[id + 1]!; k < e; k++) add(this.byNodeRows[k]!);
      const more = this.recentByNode.get(id);
      if (more) for (const i of more) add(i);
    });
    return out;
  }

  /**
   * The rows that can say where these nodes came from: a transformation's outputs, and the
   * objects of receipts and of commissioning ObjectEvents (ADD) — read from the columns, so the
   * shipments and packing rows that make up most of a lot's rows are never made.
   */
  originObjectsOfNodes(nodeIds: readonly number[]): EventObjectRow[] {
    const out: EventObjectRow[] = [];
    const offsets = this.byNodeOffsets;
    const role = this.objRole.data;
    const seqOf = this.objSeq.data;
    const str = this.strings.values;
    const type = this.shared[SHARED_FIELDS.indexOf('type')]!.data;
    const action = this.shared[SHARED_FIELDS.indexOf('action')]!.data;
    const bizStep = this.shared[SHARED_FIELDS.indexOf('bizStep')]!.data;
    const text = (col: Int32Array, s: number): string | null => (col[s]! < 0 ? null : str[col[s]!]!);
    const add = (i: number): void => {
      const r = role[i];
      if (r === ROLE_OUTPUT) {
        out.push(this.object(i));
        return;
      }
      if (r !== ROLE_OBJECT) return;
      const s = seqOf[i]!;
      if (this.held.data[s] !== 1) return;
      const step = text(bizStep, s);
      if (step === 'receiving' || (step === 'commissioning' && text(type, s) === 'ObjectEvent' && text(action, s) === 'ADD')) out.push(this.object(i));
    };
    this.distinct(nodeIds, 'node', Math.max(offsets.length - 1, this.nodeKind.data.length), (id) => {
      if (id + 1 < offsets.length) for (let k = offsets[id]!, e = offsets[id + 1]!; k < e; k++) add(this.byNodeRows[k]!);
      const more = this.recentByNode.get(id);
      if (more) for (const i of more) add(i);
    });
    return out;
  }

  eventObjectsOfEvents(seqs: readonly number[]): EventObjectRow[] {
    const out: EventObjectRow[] = [];
    const col = this.objSeq.data;
    this.distinct(seqs, 'seq', this.slots, (s) => {
      let lo = 0;
      let hi = this.objects;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (col[mid]! < s) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < this.objects && col[i] === s; i++) out.push(this.object(i));
    });
    return out;
  }

  /** Nodes by id; undefined when one of them is not held (the caller asks the store). */
  nodesById(ids: readonly number[]): NodeRow[] | undefined {
    const out: NodeRow[] = [];
    let all = true;
    for (const id of ids) if (!this.hasNode(id)) all = false;
    if (!all) return undefined;
    this.distinct(ids, 'node', this.nodeKind.data.length, (id) => out.push({ id, ref: this.ref(id) }));
    return out;
  }

  private ref(id: number): ObjectRef {
    return refFromColumns(KINDS[this.nodeKind.data[id]! - 1]!, this.strings.get(this.nodeItem.data[id]!)!, this.nodeCodes.get(id));
  }

  /** Bodies of error declarations; undefined when one asked for is not a declaration held here. */
  declarationBodies(seqs: readonly number[]): Map<number, RawEvent> | undefined {
    const out = new Map<number, RawEvent>();
    for (const s of seqs) {
      const body = this.declarations.get(s);
      if (body === undefined) return undefined;
      out.set(s, body);
    }
    return out;
  }

  // ── recall (issue 8): what a recall prints of each shipping event, read from its body once ──

  /** The ids of the lots and serials of each item, in id order (the store's lotsOfItem, ids only): one pass over the nodes for all the items. */
  lotIdsOfItems(items: readonly string[]): Map<string, number[]> {
    const out = new Map<string, number[]>();
    const byStringId = new Map<number, number[]>();
    for (const item of items) {
      const list: number[] = [];
      out.set(item, list);
      const id = this.strings.idOf(item);
      if (id !== undefined) byStringId.set(id, list);
    }
    if (byStringId.size === 0) return out;
    const kind = this.nodeKind.data;
    const item = this.nodeItem.data;
    const lot = KINDS.indexOf('lot') + 1;
    const serial = KINDS.indexOf('serial') + 1;
    for (let id = 0; id < kind.length; id++) {
      if (kind[id] !== lot && kind[id] !== serial) continue;
      const list = byStringId.get(item[id]!);
      if (list) list.push(id);
    }
    return out;
  }

  /** Per log position and fact (SHIPPING_FACT_KEYS order): index into `strings`; −1 null, −2 not read yet (a fresh slot reads 0, so values are stored +2). */
  private readonly shipFacts = SHIPPING_FACT_KEYS.map(() => new Column((n) => new Int32Array(n)));

  /**
   * The shipping facts of the events at these positions (shipping-facts.ts), those not read yet
   * taken from their bodies through `bodies` and kept: bodies never change, so each is read and
   * parsed once per process, not once per recall.
   */
  async shippingFacts(seqs: readonly number[], bodies: (seqs: readonly number[]) => Promise<ReadonlyMap<number, Record<string, unknown>>>): Promise<Map<number, ShippingFacts>> {
    for (const c of this.shipFacts) c.ensure(this.slots);
    const cols = this.shipFacts.map((c) => c.data);
    const first = cols[0]!;
    const missing: number[] = [];
    this.distinct(seqs, 'seq', this.slots, (s) => {
      if (this.held.data[s] === 1 && first[s] === 0) missing.push(s);
    });
    if (missing.length > 0) {
      const read = await bodies(missing);
      for (const s of missing) {
        const f = shippingFactsOf(read.get(s));
        SHIPPING_FACT_KEYS.forEach((k, i) => (cols[i]![s] = this.strings.id(f[k]) + 2));
      }
    }
    const out = new Map<number, ShippingFacts>();
    const str = this.strings.values;
    const at = (i: number, s: number): string | null => {
      const v = cols[i]![s]!;
      return v < 2 ? null : str[v - 2]!;
    };
    for (const s of seqs) {
      if (out.has(s)) continue;
      if (!(s >= 0 && s < this.slots) || this.held.data[s] !== 1 || first[s] === 0) {
        // not an event held here (or its body was not read): the store's own answer
        const f = shippingFactsOf((await bodies([s])).get(s));
        out.set(s, f);
        continue;
      }
      out.set(s, { order: at(0, s), despatchAdvice: at(1, s), carrier: at(2, s), shipTo: at(3, s) });
    }
    return out;
  }

  /** Per log position: 1 once the lot facts are read; the supplier lot and reason as `strings` indexes (−1 null), the adjustment (NaN none). */
  private readonly lotFactsRead = new Column((n) => new Uint8Array(n));
  private readonly lotFactSupplierLot = new Column((n) => new Int32Array(n));
  private readonly lotFactReason = new Column((n) => new Int32Array(n));
  private readonly lotFactAdjustBy = new Column((n) => new Float64Array(n));

  /** As shippingFacts, the lot-state facts (body-facts.ts) of the events at these positions: each body read once per process. */
  async lotFacts(seqs: readonly number[], bodies: (seqs: readonly number[]) => Promise<ReadonlyMap<number, Record<string, unknown>>>): Promise<Map<number, LotFacts>> {
    for (const c of [this.lotFactsRead, this.lotFactSupplierLot, this.lotFactReason, this.lotFactAdjustBy]) c.ensure(this.slots);
    const read = this.lotFactsRead.data;
    const missing: number[] = [];
    this.distinct(seqs, 'seq', this.slots, (s) => {
      if (this.held.data[s] === 1 && read[s] === 0) missing.push(s);
    });
    if (missing.length > 0) {
      const got = await bodies(missing);
      for (const s of missing) {
        const f = lotFactsOf(got.get(s));
        this.lotFactSupplierLot.data[s] = this.strings.id(f.supplierLot);
        this.lotFactReason.data[s] = this.strings.id(f.reason);
        this.lotFactAdjustBy.data[s] = f.adjustBy ?? NaN;
        read[s] = 1;
      }
    }
    const out = new Map<number, LotFacts>();
    for (const s of seqs) {
      if (out.has(s)) continue;
      if (!(s >= 0 && s < this.slots) || this.held.data[s] !== 1 || read[s] === 0) {
        out.set(s, lotFactsOf((await bodies([s])).get(s)));
        continue;
      }
      const supplierLot = this.strings.get(this.lotFactSupplierLot.data[s]!);
      const reason = this.strings.get(this.lotFactReason.data[s]!);
      const adjustBy = this.lotFactAdjustBy.data[s]!;
      // most events carry none of them: one shared empty answer, no object per event
      out.set(s, supplierLot === null && reason === null && Number.isNaN(adjustBy) ? NO_LOT_FACTS : { adjustBy: Number.isNaN(adjustBy) ? null : adjustBy, supplierLot, reason });
    }
    return out;
  }
  // ── the columns in place, for reports that read them without rows (src/reports/fsma204/fsma204-columns.ts) ──

  /** The columns as they are now, read-only: valid until the next `apply` (the caller holds it for one answer). */
  columnsView(): EventColumns {
    const sh = (f: (typeof SHARED_FIELDS)[number]): Int32Array => this.shared[SHARED_FIELDS.indexOf(f)]!.data;
    const offsets = this.byNodeOffsets;
    const rowsByNode = this.byNodeRows;
    const recent = this.recentByNode;
    const objSeq = this.objSeq.data;
    const objects = this.objects;
    return {
      slots: this.slots,
      held: this.held.data,
      eventMs: this.eventMs.data,
      voidSeq: this.voidSeq.data,
      type: sh('type'),
      action: sh('action'),
      bizStep: sh('bizStep'),
      readPoint: sh('readPoint'),
      bizLocation: sh('bizLocation'),
      strings: this.strings.values,
      objects,
      objSeq,
      objNode: this.objNode.data,
      objRole: this.objRole.data,
      objQuantity: this.objQuantity.data,
      objUom: this.objUom.data,
      nodeKind: this.nodeKind.data,
      nodeItem: this.nodeItem.data,
      stringId: (s) => this.strings.find(s),
      eventId: (s) => this.eventId(s),
      eventTime: (s) => {
        const offset = this.eventOffset.data[s]!;
        return offset === OFFSET_NONE ? this.otherTimes.get(s)! : formatTime(this.eventMs.data[s]!, offset);
      },
      nodeCode: (id) => this.nodeCodes.get(id),
      ref: (id) => this.ref(id),
      objectsOfNode: (id, f) => {
        if (id + 1 < offsets.length) for (let k = offsets[id]!, e = offsets[id + 1]!; k < e; k++) f(rowsByNode[k]!);
        const more = recent.get(id);
        if (more) for (const i of more) f(i);
      },
      firstObjectOf: (s) => {
        let lo = 0;
        let hi = objects;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (objSeq[mid]! < s) lo = mid + 1;
          else hi = mid;
        }
        return lo;
      },
    };
  }

}

/** Node kinds as `EventColumns.nodeKind` holds them (0: not held). */
export const NODE_KIND = { lot: 1, serial: 2, class: 3, unit: 4, other: 5 } as const;
/** Object roles as `EventColumns.objRole` holds them (the place in OBJECT_ROLES). */
export const OBJ_ROLE = { object: ROLE_OBJECT, parent: OBJECT_ROLES.indexOf('parent'), input: ROLE_INPUT, output: ROLE_OUTPUT } as const;

/**
 * The event index's columns in place (EventIndex.columnsView): events by log position, object
 * rows in log order, nodes by id; strings by number (−1: null). Read-only.
 */
export interface EventColumns {
  /** One past the last log position held. */
  readonly slots: number;
  readonly held: Uint8Array;
  readonly eventMs: Float64Array;
  /** 0: not voided. */
  readonly voidSeq: Int32Array;
  readonly type: Int32Array;
  readonly action: Int32Array;
  readonly bizStep: Int32Array;
  readonly readPoint: Int32Array;
  readonly bizLocation: Int32Array;
  readonly strings: readonly string[];
  /** Object rows held: [0, objects) of the obj* columns. */
  readonly objects: number;
  readonly objSeq: Int32Array;
  readonly objNode: Int32Array;
  readonly objRole: Uint8Array;
  /** NaN: no quantity. */
  readonly objQuantity: Float64Array;
  readonly objUom: Int32Array;
  readonly nodeKind: Uint8Array;
  readonly nodeItem: Int32Array;
  /** The number of a string, −1 when no event or node holds it. */
  stringId(s: string): number;
  eventId(seq: number): string;
  eventTime(seq: number): string;
  /** A node's lot code, serial, unit id or URI. */
  nodeCode(id: number): string;
  ref(id: number): ObjectRef;
  /** Calls `f` with each object row of this node. */
  objectsOfNode(id: number, f: (row: number) => void): void;
  /** The first object row of this log position (rows of one position are consecutive). */
  firstObjectOf(seq: number): number;
}

const SHIPPING_FACT_KEYS = ['order', 'despatchAdvice', 'carrier', 'shipTo'] as const satisfies readonly (keyof ShippingFacts)[];
