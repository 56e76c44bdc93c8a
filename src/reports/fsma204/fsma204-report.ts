/**
 * The FSMA 204 sortable spreadsheet (21 CFR 1.1455(c)(3)(ii)): one row per Critical Tracking
 * Event and traceability lot code — one per input lot for transformations — with the Key Data
 * Elements FDA asks for, and the KDEs the records lack. Lotline events map to CTEs as
 * docs/reports/fsma204.md describes: bizStep receiving / shipping, TransformationEvent (events
 * sharing a transformationID are one), ObjectEvent ADD with bizStep commissioning.
 */
import { LotlineError } from '../../domain/errors.js';
import type { BizTransactionEntry, PartyEntry } from '../../domain/event-facts.js';
import { normalizeGtin, parseRef } from '../../domain/identifiers/index.js';
import type { ObjectRef } from '../../domain/identifiers/object-ref.js';
import type { Direction } from '../../genealogy/trace.js';
import { DEFAULT_MAX_NODES, refJson, trace, visibilityFor } from '../../genealogy/trace.js';
import { currentIndex, indexedReach, traceReads } from '../../genealogy/genealogy-index.js';
import type { TraceReads } from '../../genealogy/trace-graph.js';
import { expand } from '../../genealogy/trace-graph.js';
import type { Visibility } from '../../genealogy/visibility.js';
import { isVisible } from '../../genealogy/visibility.js';
import type { EventObjectRow, EventRow, EventStore } from '../../store/event-store.js';
import type { LotEventReads } from '../lot-events.js';
import { eventsAroundLots, queryAllSeqs } from '../lot-events.js';
import { describePlace } from '../place-description.js';
import type { ReportEvent } from '../report-events.js';
import { ReportEventCache } from '../report-events.js';
import type { Cell, Row } from '../report-table.js';
import { localDate } from '../report-table.js';
import { UnitContentsAt } from '../unit-contents-at.js';
import type { CteSheet, FsmaCte } from './fsma204-ctes.js';
import { CTE_SHEETS, FSMA_CTES } from './fsma204-ctes.js';
import { fsma204FromColumns } from './fsma204-columns.js';
import type { Amount } from './fsma204-cells.js';
import { add, addInto, documents, partyAndPlace } from './fsma204-cells.js';
import type { LotOrigin } from './lot-origins.js';
import { lotOrigins } from './lot-origins.js';
import type { MasterDataView } from '../../masterdata/master-data-view.js';

export interface Fsma204Filter {
  /** Traceability lot codes (a lot code, or any identifier form of a lot): only their records. */
  readonly tlcs?: readonly string[];
  /** A product (plant item code or GTIN): only its lots' records. */
  readonly item?: string;
  /** Event-time window: a date (midnight UTC) or a date-time with offset; `to` is exclusive. */
  readonly from?: string;
  readonly to?: string;
  /** The records as Lotline knew them at this record time. */
  readonly asOf?: string;
  /**
   * With `tlcs`: also every lot these lots went into (forward) or came from (backward) — the
   * records FDA asks for when one lot is suspect. The trace honours `from`, `to` and `asOf`.
   */
  readonly trace?: Direction;
  /** The plant's master data: product descriptions and TLC source names come from it when recorded. */
  readonly masterData?: MasterDataView;
}

/** One KDE that some rows of one CTE lack. */
export interface MissingKde {
  readonly cte: FsmaCte;
  readonly sheet: string;
  readonly kde: string;
  readonly rows: number;
  /** The traceability lot codes of those rows (the first 20, sorted). */
  readonly tlcs: readonly string[];
}

export interface Fsma204Report {
  readonly sheets: readonly { readonly sheet: CteSheet; readonly rows: readonly Row[] }[];
  readonly missing: readonly MissingKde[];
  /** The log position the report reflects. */
  readonly asOfSeq: number;
}

const MOVING = new Set(['ObjectEvent', 'AggregationEvent']);

function cteOf(row: EventRow): FsmaCte | null {
  const { type, bizStep, action } = row;
  if (type === 'TransformationEvent') return 'transformation';
  if (MOVING.has(type) && bizStep === 'shipping') return 'shipping';
  if (MOVING.has(type) && bizStep === 'receiving') return 'receiving';
  if (type === 'ObjectEvent' && action === 'ADD' && bizStep === 'commissioning') return 'initial_packing';
  return null;
}

/** A lot's amount in one shipping or receiving record, and the logistic units it travelled in. */
interface Carried extends Amount {
  readonly via: number[];
}

/** The SSCCs (or other unit ids) a lot travelled in, sorted: one string per row, most rows have one unit. */
function unitsText(via: readonly number[], refs: ReadonlyMap<number, ObjectRef>): string | null {
  if (via.length === 0) return null;
  if (via.length === 1) {
    const u = refs.get(via[0]!);
    return u?.kind === 'unit' && u.id !== '' ? u.id : null;
  }
  return via.map((u) => refs.get(u)).map((u) => (u?.kind === 'unit' ? u.id : '')).filter((s) => s !== '').sort().join('; ') || null;
}

function itemOf(ref: ObjectRef | undefined): string | null {
  return ref && 'item' in ref ? ref.item : null;
}

function tlcOf(ref: ObjectRef | undefined): string | null {
  return ref?.kind === 'lot' ? ref.lot : null;
}

/** The lots the filter names; null when it names none (every lot). */
async function selectLots(store: EventStore, filter: Fsma204Filter): Promise<Set<number> | null> {
  const item = filter.item?.trim();
  if (item === '') throw new LotlineError('USAGE', 'the item filter is empty: give a plant item code or a GTIN');
  const items = new Set<string>();
  if (item !== undefined) {
    items.add(item);
    if (/^\d{8}$|^\d{12,14}$/.test(item)) {
      try {
        items.add(normalizeGtin(item));
      } catch {
        /* not a valid GTIN: the code as typed */
      }
    }
  }
  const ofItem = (ref: ObjectRef): boolean => items.size === 0 || ('item' in ref && items.has(ref.item));
  const out = new Set<number>();
  if (filter.tlcs && filter.tlcs.length > 0) {
    for (const raw of filter.tlcs) {
      const tlc = raw.trim();
      if (tlc === '') throw new LotlineError('USAGE', 'a traceability lot code is empty');
      const nodes = /^(urn|https?):|^[(\]]/i.test(tlc)
        ? [...(await store.findNodes([parseRef(tlc)])).values()]
        : items.size > 0
          ? // item and code name the lot exactly: no search (a search also scans receipts for supplier lot codes)
            [...(await store.findNodes([...items].map((i) => ({ kind: 'lot' as const, item: i, lot: tlc })))).values()]
          : (await store.searchNodes(tlc, 100_000)).filter((n) => n.ref.kind === 'lot' && n.ref.lot === tlc);
      const matching = nodes.filter((n) => ofItem(n.ref));
      for (const n of matching) out.add(n.id);
      if (matching.length === 0) throw new LotlineError('LOT_NOT_FOUND', `no lot has the traceability lot code ${JSON.stringify(tlc)}${item !== undefined ? ` for item ${JSON.stringify(item)}` : ''}: check the code`, { issues: [{ path: 'tlc', reason: 'no such lot' }] });
    }
    return out;
  }
  if (item !== undefined) {
    for (const text of items) for (const n of await store.searchNodes(text, 1_000_000)) if (n.ref.kind === 'lot' && ofItem(n.ref)) out.add(n.id);
    if (out.size === 0) throw new LotlineError('LOT_NOT_FOUND', `no lot of item ${JSON.stringify(item)} is recorded: check the item code or GTIN`, { issues: [{ path: 'item', reason: 'no lot of this item' }] });
    return out;
  }
  return null;
}

/** What the report reads besides bodies and searches: the store, or the in-memory index beside it. */
type Reads = TraceReads & LotEventReads & Pick<TraceReads, 'originObjectsOfNodes'>;

/**
 * The selected lots and, with `filter.trace`, every lot (and serial) traced from them: the
 * reachable set alone (`expand`, through the index when the store has one), not a full trace
 * answer with shares, links and shipments the report does not print.
 */
async function withTrace(store: EventStore, reads: Reads, vis: Visibility, selected: Set<number> | null, filter: Fsma204Filter): Promise<Set<number> | null> {
  if (filter.trace === undefined) return selected;
  if (selected === null || !filter.tlcs || filter.tlcs.length === 0) throw new LotlineError('USAGE', 'a traced report needs the lots to trace from: give the traceability lot codes (tlc) with the direction');
  const roots = await reads.nodesById([...selected]);
  const out = new Set(selected);
  for (const root of roots) {
    if (root.ref.kind === 'class' || root.ref.kind === 'unit' || (filter.asOf !== undefined && !(await reads.eventObjectsOfNodes([root.id])).some((r) => r.seq <= vis.maxSeq))) {
      // what trace() refuses (a class or a unit; a lot not yet known as of then) it refuses with its own words
      await trace(store, root.ref, filter.trace, { ...(filter.from !== undefined ? { from: filter.from } : {}), ...(filter.to !== undefined ? { to: filter.to } : {}), ...(filter.asOf !== undefined ? { asOf: filter.asOf } : {}) });
    }
    // through the index, the set alone (`reach`: no flow rows made); the same nodes as `expand`
    const reach = indexedReach(store);
    const g = reach ? await reach(root.id, filter.trace, vis, DEFAULT_MAX_NODES) : await expand(store, root.id, filter.trace, vis, DEFAULT_MAX_NODES);
    // A records request answered with part of the lots would look complete: refuse it instead.
    if (g.truncated) {
      throw new LotlineError('TRACE_TOO_LARGE', `the ${filter.trace} trace from ${JSON.stringify(refJson(root.ref))} reaches more than ${DEFAULT_MAX_NODES} nodes, so the spreadsheet would leave lots out; ask for it by --item and --from/--to instead, or in parts by --tlc without --direction`, {
        issues: [{ path: 'tlc', reason: `the trace reaches more than ${DEFAULT_MAX_NODES} nodes` }],
      });
    }
    const reached = 'nodes' in g ? [...g.nodes] : [...g.depth.keys()];
    for (const n of await reads.nodesById(reached)) if (n.ref.kind === 'lot' || n.ref.kind === 'serial') out.add(n.id);
  }
  return out;
}

/** Every CTE event in the window. */
async function eventsInWindow(store: EventStore, vis: Visibility): Promise<Set<number>> {
  const window = { ...(vis.fromMs > -8.64e15 ? { eventMsFrom: vis.fromMs } : {}), ...(vis.toMs < 8.64e15 ? { eventMsTo: vis.toMs } : {}) };
  const seqs = await queryAllSeqs(store, { ...window, bizSteps: ['shipping', 'receiving', 'commissioning'] }, vis.maxSeq);
  for (const s of await queryAllSeqs(store, { ...window, types: ['TransformationEvent'] }, vis.maxSeq)) seqs.add(s);
  return seqs;
}

interface Draft {
  readonly cte: FsmaCte;
  readonly cells: Record<string, Cell>;
  /** The lots of the row, to keep it when a filter names either. */
  readonly lots: readonly number[];
  readonly lot: number | null;
  readonly inputLot?: number | null;
  /** The event time, for the order of rows (offsets differ, text does not sort). */
  readonly ms: number;
}

export async function fsma204Report(store: EventStore, filter: Fsma204Filter = {}): Promise<Fsma204Report> {
  const vis = await visibilityFor(store, filter);
  // Reading the head position brought an index-backed store current: rows, object rows, nodes and
  // flows come from memory then, and only event bodies and the lot search go to the store.
  const r = traceReads(store, vis);
  const reads: Reads = {
    nodesById: (ids) => r.nodesById(ids),
    flowsOfNodes: (ids, dir) => r.flowsOfNodes(ids, dir),
    flowsOfTransformations: (ids) => store.flowsOfTransformations(ids),
    eventsBySeq: (seqs) => r.eventsBySeq(seqs),
    eventObjectsOfNodes: (ids) => r.eventObjectsOfNodes(ids),
    eventObjectsOfEvents: (seqs) => r.eventObjectsOfEvents(seqs),
    eventBodies: (seqs) => r.eventBodies(seqs),
    ...(r.originObjectsOfNodes ? { originObjectsOfNodes: r.originObjectsOfNodes } : {}),
  };
  const eventCache = new ReportEventCache(reads);
  const selected = await withTrace(store, reads, vis, await selectLots(store, filter), filter);
  // the service: straight from the index's columns when it is current (fsma204-columns.ts), the same answer
  const index = currentIndex(store, vis);
  if (index) {
    return fsma204FromColumns({
      index,
      store,
      vis,
      selected,
      ...(selected === null ? { windowSeqs: await eventsInWindow(store, vis) } : {}),
      ...(filter.masterData ? { masterData: filter.masterData } : {}),
    });
  }
  const seqs = selected ? await eventsAroundLots(reads, [...selected]) : await eventsInWindow(store, vis);
  const events = [...(await eventCache.read(seqs, (row) => isVisible(vis, row) && cteOf(row) !== null)).values()].sort((a, b) => a.row.seq - b.row.seq);
  const objectRows = new Map<number, EventObjectRow[]>();
  const named = new Set<number>();
  for (const r of await reads.eventObjectsOfEvents(events.map((e) => e.row.seq))) {
    let l = objectRows.get(r.seq);
    if (!l) objectRows.set(r.seq, (l = []));
    l.push(r);
    named.add(r.node);
  }
  const refs = new Map((await reads.nodesById([...named])).map((n) => [n.id, n.ref]));
  const unitContents = new UnitContentsAt(reads, vis);
  const units: number[] = [];
  for (const e of events) {
    if (e.row.type !== 'ObjectEvent' || cteOf(e.row) === 'transformation') continue;
    for (const r of objectRows.get(e.row.seq) ?? []) if (r.role === 'object' && refs.get(r.node)?.kind === 'unit') units.push(r.node);
  }
  await unitContents.load(units);
  // A report names the same few places thousands of times: each URI is described once.
  const places = new Map<string, string>();
  const place = (uri: string): string => {
    let d = places.get(uri);
    if (d === undefined) places.set(uri, (d = describePlace(uri)));
    return d;
  };
  const drafts: Draft[] = [];
  const transformations = new Map<string, ReportEvent[]>();
  const carried: { e: ReportEvent; cte: FsmaCte; amounts: Map<number, Carried> }[] = [];

  for (const e of events) {
    const cte = cteOf(e.row)!;
    const objs = objectRows.get(e.row.seq) ?? [];
    if (cte === 'transformation') {
      const key = e.facts.transformationId ?? `seq:${e.row.seq}`;
      let l = transformations.get(key);
      if (!l) transformations.set(key, (l = []));
      l.push(e);
      continue;
    }
    // One row per lot and event; a lot on a pallet counts as shipped (or received) in that pallet.
    // one mutable entry per lot, summed in place: a report of a wide lot has ~100,000 of them
    const amounts = new Map<number, Carried>();
    const put = (n: number, h: Amount, unit: number | null): void => {
      const before = amounts.get(n);
      if (!before) amounts.set(n, { quantity: h.quantity, uom: h.uom, via: unit === null ? [] : [unit] });
      else {
        addInto(before, h);
        if (unit !== null && !before.via.includes(unit)) before.via.push(unit);
      }
    };
    for (const r of objs) {
      if (r.role !== 'object') continue;
      if (refs.get(r.node)?.kind === 'unit' && e.row.type === 'ObjectEvent') {
        for (const [n, h] of unitContents.heldAt(r.node, e.row.eventMs)) put(n, h, r.node);
      } else put(r.node, r, null);
    }
    carried.push({ e, cte, amounts });
  }
  // the lots found on pallets need their refs too
  const unseen = new Set<number>();
  for (const c of carried) for (const [n, a] of c.amounts) for (const id of [n, ...a.via]) if (!refs.has(id)) unseen.add(id);
  for (const n of await reads.nodesById([...unseen])) refs.set(n.id, n.ref);
  for (const { e, cte, amounts } of carried) {
    const docs = documents(e.facts.bizTransactions);
    const date = localDate(e.row.eventTime);
    const facts = e.facts;
    const here = (list: readonly PartyEntry[]): string | null => {
      const loc = list.find((p) => p.type === 'location')?.id ?? e.row.bizLocation ?? e.row.readPoint;
      return loc ? place(loc) : null;
    };
    const perEvent: Record<string, Cell> =
      cte === 'shipping'
        ? { subsequentRecipient: partyAndPlace(facts.destinations, place), shipFrom: here(facts.sources) }
        : cte === 'receiving'
          ? { previousSource: partyAndPlace(facts.sources, place), receivedAt: here(facts.destinations) }
          : { harvestLocation: partyAndPlace(facts.sources, place) };
    for (const [node, a] of amounts) {
      const ref = refs.get(node);
      if (ref?.kind !== 'lot') continue;
      const cells: Record<string, Cell> = {
        tlc: ref.lot,
        productId: ref.item,
        quantity: a.quantity,
        uom: a.quantity === null ? null : a.uom,
        date,
        referenceDocumentType: docs.type,
        referenceDocumentNumber: docs.number,
        logisticUnit: unitsText(a.via, refs),
        eventTime: e.row.eventTime,
        eventId: e.row.eventId,
        ...perEvent,
      };
      drafts.push({ cte, cells, lots: [node], lot: node, ms: e.row.eventMs });
    }
  }

  for (const group of transformations.values()) {
    const inputs = new Map<number, Amount>();
    const outputs = new Map<number, Amount>();
    let completed: ReportEvent | undefined;
    const bizTransactions: BizTransactionEntry[] = [];
    for (const e of group) {
      for (const r of objectRows.get(e.row.seq) ?? []) {
        if (r.role === 'input') inputs.set(r.node, add(inputs.get(r.node), r));
        if (r.role === 'output') outputs.set(r.node, add(outputs.get(r.node), r));
      }
      if (e.facts.outputs.length > 0 && (!completed || e.row.eventMs > completed.row.eventMs)) completed = e;
      for (const b of e.facts.bizTransactions) if (!bizTransactions.some((x) => x.id === b.id && x.type === b.type)) bizTransactions.push(b);
    }
    const last = completed ?? group[group.length - 1]!;
    const docs = documents(bizTransactions);
    const where = last.row.bizLocation ?? last.row.readPoint;
    const source = where ? place(where) : null;
    const date = localDate(last.row.eventTime);
    const eventId = group.map((g) => g.row.eventId).join('; ');
    const ins: (number | null)[] = inputs.size > 0 ? [...inputs.keys()] : [null];
    const outs: (number | null)[] = outputs.size > 0 ? [...outputs.keys()] : [null];
    for (const o of outs) {
      const oRef = o === null ? undefined : refs.get(o);
      const oa = o === null ? undefined : outputs.get(o);
      for (const i of ins) {
        const iRef = i === null ? undefined : refs.get(i);
        const ia = i === null ? undefined : inputs.get(i);
        drafts.push({
          cte: 'transformation',
          lots: o !== null && i !== null ? [o, i] : o !== null ? [o] : i !== null ? [i] : [],
          lot: o,
          inputLot: i,
          ms: last.row.eventMs,
          cells: {
            inputTlc: tlcOf(iRef),
            inputProductId: itemOf(iRef),
            inputQuantity: ia?.quantity ?? null,
            inputUom: ia?.quantity == null ? null : ia.uom,
            tlc: tlcOf(oRef),
            productId: itemOf(oRef),
            quantity: oa?.quantity ?? null,
            uom: oa?.quantity == null ? null : oa.uom,
            // the place where the new code was assigned: this transformation's own
            tlcSource: o !== null ? source : null,
            date,
            referenceDocumentType: docs.type,
            referenceDocumentNumber: docs.number,
            eventTime: last.row.eventTime,
            eventId,
          },
        });
      }
    }
  }

  const kept = selected ? drafts.filter((d) => d.lots.some((n) => selected.has(n))) : drafts;
  const lotIds = new Set<number>();
  for (const d of kept) for (const n of d.lots) lotIds.add(n);
  const origins = await lotOrigins(reads, [...lotIds], vis, eventCache, filter.masterData);
  const none: LotOrigin = { productDescription: null, tlcSource: null };
  for (const d of kept) {
    const o = d.lot === null ? none : (origins.get(d.lot) ?? none);
    d.cells['productDescription'] = o.productDescription;
    if (d.cte !== 'transformation') d.cells['tlcSource'] = o.tlcSource;
    if (d.cte === 'transformation') d.cells['inputProductDescription'] = d.inputLot == null ? null : (origins.get(d.inputLot) ?? none).productDescription;
  }

  const missing: MissingKde[] = [];
  const text = (c: Cell | undefined): string => (c === null || c === undefined ? '' : String(c));
  const sheets = FSMA_CTES.map((cte) => {
    const sheet = CTE_SHEETS[cte];
    const kdes = sheet.columns.filter((c) => c.kde);
    const counts = new Map<string, { rows: number; tlcs: Set<string> }>();
    // sort keys made once per row, not in every comparison
    const ordered = kept
      .filter((d) => d.cte === cte)
      .map((d) => ({ d, tlc: text(d.cells['tlc']), inputTlc: text(d.cells['inputTlc']), eventId: String(d.cells['eventId']) }))
      .sort((a, b) => a.d.ms - b.d.ms || cmp(a.tlc, b.tlc) || cmp(a.inputTlc, b.inputTlc) || cmp(a.eventId, b.eventId));
    // one pass over the columns per row: the cells copied and the missing KDEs found together
    const rows = ordered.map(({ d }) => {
      const row: Record<string, Cell> = {};
      let lacking: string | null = null;
      for (const c of sheet.columns) {
        const v = d.cells[c.key];
        row[c.key] = v ?? null;
        if (!c.kde || (v !== null && v !== undefined && v !== '')) continue;
        let m = counts.get(c.header);
        if (!m) counts.set(c.header, (m = { rows: 0, tlcs: new Set() }));
        m.rows++;
        const tlc = d.cells['tlc'] ?? d.cells['inputTlc'];
        if (typeof tlc === 'string') m.tlcs.add(tlc);
        lacking = lacking === null ? c.header : `${lacking}; ${c.header}`;
      }
      row['missingKdes'] = lacking;
      return row;
    });
    for (const c of kdes) {
      const m = counts.get(c.header);
      if (m) missing.push({ cte, sheet: sheet.title, kde: c.header, rows: m.rows, tlcs: [...m.tlcs].sort().slice(0, 20) });
    }
    return { sheet, rows };
  });
  return { sheets, missing, asOfSeq: vis.maxSeq };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
