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
import { isLotlineUri } from '../../domain/identifiers/lotline-uri.js';
import type { Direction } from '../../genealogy/trace.js';
import { trace, visibilityFor } from '../../genealogy/trace.js';
import type { Visibility } from '../../genealogy/visibility.js';
import { isVisible } from '../../genealogy/visibility.js';
import type { EventObjectRow, EventRow, EventStore } from '../../store/event-store.js';
import { eventsAroundLots, queryAllSeqs, tracedNodes } from '../lot-events.js';
import { describePlace } from '../place-description.js';
import type { ReportEvent } from '../report-events.js';
import { readReportEvents } from '../report-events.js';
import type { Cell, Row } from '../report-table.js';
import { localDate } from '../report-table.js';
import { UnitContentsAt } from '../unit-contents-at.js';
import type { CteSheet, FsmaCte } from './fsma204-ctes.js';
import { CTE_SHEETS, FSMA_CTES } from './fsma204-ctes.js';
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

const DOC_TYPES: Readonly<Record<string, string>> = {
  po: 'Purchase order',
  poc: 'Purchase order confirmation',
  desadv: 'Despatch advice',
  recadv: 'Receiving advice',
  inv: 'Invoice',
  bol: 'Bill of lading',
  prodorder: 'Production order',
  rma: 'Return merchandise authorisation',
  cert: 'Certificate',
  pedigree: 'Pedigree',
  testprd: 'Test procedure',
  testres: 'Test result',
  upevt: 'Upstream EPCIS event',
};

/** The document number a bizTransaction URI carries: the order code of a Lotline URN, the last field of a CBV `urn:epcglobal:cbv:bt:…`. */
function documentNumber(uri: string): string {
  if (isLotlineUri(uri)) return decodeURIComponent(uri.slice(uri.indexOf(':', 'urn:lotline:'.length) + 1));
  const bt = /^urn:epcglobal:cbv:bt:[^:]*:(.+)$/i.exec(uri);
  return bt ? bt[1]! : uri;
}

function documents(list: readonly BizTransactionEntry[]): { type: string | null; number: string | null } {
  if (list.length === 0) return { type: null, number: null };
  // Without a type a document's number still tells the reader what to ask for; its type cell says so.
  return { type: list.map((b) => (b.type === null ? 'unspecified' : (DOC_TYPES[b.type] ?? b.type))).join('; '), number: list.map((b) => documentNumber(b.id)).join('; ') };
}

/** The party and/or location of a source or destination list: "Party, Location". */
function partyAndPlace(list: readonly PartyEntry[]): string | null {
  const party = list.find((p) => p.type === 'owning_party') ?? list.find((p) => p.type === 'possessing_party');
  const place = list.find((p) => p.type === 'location');
  const parts = [party, place].filter((p): p is PartyEntry => p !== undefined).map((p) => describePlace(p.id));
  if (parts.length === 0 && list.length > 0) parts.push(describePlace(list[0]!.id));
  return parts.length > 0 ? parts.join(', ') : null;
}

function placeOf(list: readonly PartyEntry[], e: ReportEvent): string | null {
  const loc = list.find((p) => p.type === 'location')?.id ?? e.row.bizLocation ?? e.row.readPoint;
  return loc ? describePlace(loc) : null;
}

interface Amount {
  quantity: number | null;
  uom: string | null;
}

/** Two amounts of one lot in one record: they add up in one unit, otherwise the quantity is unknown (and reported missing). */
function add(a: Amount | undefined, b: Amount): Amount {
  if (!a) return { ...b };
  if (a.quantity === null || b.quantity === null || a.uom !== b.uom) return { quantity: null, uom: a.uom === b.uom ? a.uom : null };
  return { quantity: a.quantity + b.quantity, uom: a.uom };
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

/** The selected lots and, with `filter.trace`, every lot traced from them. */
async function withTrace(store: EventStore, selected: Set<number> | null, filter: Fsma204Filter): Promise<Set<number> | null> {
  if (filter.trace === undefined) return selected;
  if (selected === null || !filter.tlcs || filter.tlcs.length === 0) throw new LotlineError('USAGE', 'a traced report needs the lots to trace from: give the traceability lot codes (tlc) with the direction');
  const roots = await store.nodesById([...selected]);
  const out = new Set(selected);
  for (const root of roots) {
    const t = await trace(store, root.ref, filter.trace, { ...(filter.from !== undefined ? { from: filter.from } : {}), ...(filter.to !== undefined ? { to: filter.to } : {}), ...(filter.asOf !== undefined ? { asOf: filter.asOf } : {}) });
    for (const id of await tracedNodes(store, root.ref, t)) out.add(id);
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
  const selected = await withTrace(store, await selectLots(store, filter), filter);
  const seqs = selected ? await eventsAroundLots(store, [...selected]) : await eventsInWindow(store, vis);
  const events = [...(await readReportEvents(store, seqs, (row) => isVisible(vis, row) && cteOf(row) !== null)).values()].sort((a, b) => a.row.seq - b.row.seq);
  const objectRows = new Map<number, EventObjectRow[]>();
  for (const r of await store.eventObjectsOfEvents(events.map((e) => e.row.seq))) {
    let l = objectRows.get(r.seq);
    if (!l) objectRows.set(r.seq, (l = []));
    l.push(r);
  }
  const refs = new Map((await store.nodesById([...new Set([...objectRows.values()].flat().map((r) => r.node))])).map((n) => [n.id, n.ref]));
  const unitContents = new UnitContentsAt(store, vis);
  const moving = events.filter((e) => e.row.type === 'ObjectEvent' && cteOf(e.row) !== 'transformation');
  await unitContents.load(moving.flatMap((e) => (objectRows.get(e.row.seq) ?? []).filter((r) => r.role === 'object' && refs.get(r.node)?.kind === 'unit').map((r) => r.node)));
  const drafts: Draft[] = [];
  const transformations = new Map<string, ReportEvent[]>();
  const carried: { e: ReportEvent; cte: FsmaCte; amounts: Map<number, Amount & { via: Set<number> }> }[] = [];

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
    const amounts = new Map<number, Amount & { via: Set<number> }>();
    for (const r of objs) {
      if (r.role !== 'object') continue;
      if (refs.get(r.node)?.kind === 'unit' && e.row.type === 'ObjectEvent') {
        for (const [n, h] of unitContents.heldAt(r.node, e.row.eventMs)) {
          const before = amounts.get(n);
          amounts.set(n, { ...add(before, h), via: new Set([...(before?.via ?? []), r.node]) });
        }
      } else amounts.set(r.node, { ...add(amounts.get(r.node), r), via: amounts.get(r.node)?.via ?? new Set() });
    }
    carried.push({ e, cte, amounts });
  }
  // the lots found on pallets need their refs too
  const unseen = new Set<number>();
  for (const c of carried) for (const [n, a] of c.amounts) for (const id of [n, ...a.via]) if (!refs.has(id)) unseen.add(id);
  for (const n of await store.nodesById([...unseen])) refs.set(n.id, n.ref);
  for (const { e, cte, amounts } of carried) {
    const docs = documents(e.facts.bizTransactions);
    for (const [node, a] of amounts) {
      const ref = refs.get(node);
      if (ref?.kind !== 'lot') continue;
      const cells: Record<string, Cell> = {
        tlc: ref.lot,
        productId: ref.item,
        quantity: a.quantity,
        uom: a.quantity === null ? null : a.uom,
        date: localDate(e.row.eventTime),
        referenceDocumentType: docs.type,
        referenceDocumentNumber: docs.number,
        logisticUnit: [...a.via].map((u) => refs.get(u)).map((u) => (u?.kind === 'unit' ? u.id : '')).filter((s) => s !== '').sort().join('; ') || null,
        eventTime: e.row.eventTime,
        eventId: e.row.eventId,
      };
      if (cte === 'shipping') {
        cells['subsequentRecipient'] = partyAndPlace(e.facts.destinations);
        cells['shipFrom'] = placeOf(e.facts.sources, e);
      } else if (cte === 'receiving') {
        cells['previousSource'] = partyAndPlace(e.facts.sources);
        cells['receivedAt'] = placeOf(e.facts.destinations, e);
      } else {
        cells['harvestLocation'] = partyAndPlace(e.facts.sources);
      }
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
    const place = last.row.bizLocation ?? last.row.readPoint;
    const ins: (number | null)[] = inputs.size > 0 ? [...inputs.keys()] : [null];
    const outs: (number | null)[] = outputs.size > 0 ? [...outputs.keys()] : [null];
    for (const o of outs) {
      for (const i of ins) {
        const oRef = o === null ? undefined : refs.get(o);
        const iRef = i === null ? undefined : refs.get(i);
        const oa = o === null ? undefined : outputs.get(o);
        const ia = i === null ? undefined : inputs.get(i);
        drafts.push({
          cte: 'transformation',
          lots: [o, i].filter((n): n is number => n !== null),
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
            tlcSource: o !== null && place ? describePlace(place) : null,
            date: localDate(last.row.eventTime),
            referenceDocumentType: docs.type,
            referenceDocumentNumber: docs.number,
            eventTime: last.row.eventTime,
            eventId: group.map((g) => g.row.eventId).join('; '),
          },
        });
      }
    }
  }

  const kept = selected ? drafts.filter((d) => d.lots.some((n) => selected.has(n))) : drafts;
  const lotIds = [...new Set(kept.flatMap((d) => d.lots))];
  const origins = await lotOrigins(store, lotIds, vis, filter.masterData);
  const none: LotOrigin = { productDescription: null, tlcSource: null };
  for (const d of kept) {
    const o = d.lot === null ? none : (origins.get(d.lot) ?? none);
    d.cells['productDescription'] = o.productDescription;
    if (d.cte !== 'transformation') d.cells['tlcSource'] = o.tlcSource;
    if (d.cte === 'transformation') d.cells['inputProductDescription'] = d.inputLot == null ? null : (origins.get(d.inputLot) ?? none).productDescription;
  }

  const missing: MissingKde[] = [];
  const sheets = FSMA_CTES.map((cte) => {
    const sheet = CTE_SHEETS[cte];
    const kdes = sheet.columns.filter((c) => c.kde);
    const counts = new Map<string, { rows: number; tlcs: Set<string> }>();
    const rows = kept
      .filter((d) => d.cte === cte)
      .sort((a, b) => a.ms - b.ms || cmp(String(a.cells['tlc'] ?? ''), String(b.cells['tlc'] ?? '')) || cmp(String(a.cells['inputTlc'] ?? ''), String(b.cells['inputTlc'] ?? '')) || cmp(String(a.cells['eventId']), String(b.cells['eventId'])))
      .map((d) => {
        const lacking = kdes.filter((c) => d.cells[c.key] === null || d.cells[c.key] === undefined || d.cells[c.key] === '');
        for (const c of lacking) {
          let m = counts.get(c.header);
          if (!m) counts.set(c.header, (m = { rows: 0, tlcs: new Set() }));
          m.rows++;
          const tlc = d.cells['tlc'] ?? d.cells['inputTlc'];
          if (typeof tlc === 'string') m.tlcs.add(tlc);
        }
        const row: Record<string, Cell> = {};
        for (const c of sheet.columns) row[c.key] = d.cells[c.key] ?? null;
        row['missingKdes'] = lacking.length > 0 ? lacking.map((c) => c.header).join('; ') : null;
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
