/**
 * The FSMA 204 report built straight from the genealogy index's columns (the service's way): the
 * events around the lots, their object rows, what pallets held and where each lot came from are
 * read from the typed arrays in place — no event row, object row or node object is made — and the
 * few body fields the report prints are read once per event and kept next to the index
 * (body-facts.ts). Each output row is made once, in its final shape; rows are sorted by numbers
 * (event time, then the ranks of their lot codes and event ids). The answer is the one
 * fsma204-report.ts gives from the store's rows, row for row and in the same order
 * (test/reports/fsma204-columns.test.ts and fsma204-generated.test.ts compare them).
 */
import type { BizTransactionEntry, PartyEntry } from '../../domain/event-facts.js';
import type { EventColumns } from '../../genealogy/event-index.js';
import { NODE_KIND, OBJ_ROLE } from '../../genealogy/event-index.js';
import type { GenealogyIndex } from '../../genealogy/genealogy-index.js';
import type { Visibility } from '../../genealogy/visibility.js';
import type { MasterDataView } from '../../masterdata/master-data-view.js';
import type { EventStore } from '../../store/event-store.js';
import { describePlace } from '../place-description.js';
import type { Cell, Row } from '../report-table.js';
import { localDate } from '../report-table.js';
import { UnitContentsFromColumns } from '../unit-contents-at.js';
import type { BodyFacts } from './body-facts.js';
import { readBodyFacts } from './body-facts.js';
import type { Amount } from './fsma204-cells.js';
import { add, addInto, documents, partyAndPlace } from './fsma204-cells.js';
import type { FsmaCte } from './fsma204-ctes.js';
import { CTE_SHEETS, FSMA_CTES } from './fsma204-ctes.js';
import type { Fsma204Report, MissingKde } from './fsma204-report.js';

/** Units inside units deeper than this are a data error, not a pallet (as lot-events.ts). */
const MAX_NESTING = 8;

const INITIAL_PACKING = 0;
const RECEIVING = 1;
const TRANSFORMATION = 2;
const SHIPPING = 3;

/** Mutable while the report is built; the caller gets it as a Row. */
type MutableRow = Record<string, Cell>;

/** A lot's amount in one shipping or receiving record, and the logistic units it travelled in. */
interface Carried extends Amount {
  readonly via: number[];
}

export interface ColumnsInput {
  readonly index: GenealogyIndex;
  /** Where bodies are read (once per event and process) and the window's events are queried. */
  readonly store: Pick<EventStore, 'eventBodies'>;
  readonly vis: Visibility;
  /** The lots the report is about, traced ones included; null: every CTE event of `windowSeqs`. */
  readonly selected: ReadonlySet<number> | null;
  /** With `selected` null: the log positions of the CTE events in the window. */
  readonly windowSeqs?: Iterable<number>;
  readonly masterData?: MasterDataView;
}

export async function fsma204FromColumns(input: ColumnsInput): Promise<Fsma204Report> {
  const { index, store, vis, selected } = input;
  const c = index.records.columnsView();
  const { maxSeq, fromMs, toMs } = vis;
  // −2: a string no event holds, never equal to a column's −1 (null)
  const sid = (s: string): number => {
    const i = c.stringId(s);
    return i < 0 ? -2 : i;
  };
  const T_TRANSFORMATION = sid('TransformationEvent');
  const T_OBJECT = sid('ObjectEvent');
  const T_AGGREGATION = sid('AggregationEvent');
  const S_SHIPPING = sid('shipping');
  const S_RECEIVING = sid('receiving');
  const S_COMMISSIONING = sid('commissioning');
  const A_ADD = sid('ADD');
  const { held, eventMs, voidSeq, type, action, bizStep, objSeq, objNode, objRole, objQuantity, objUom, nodeKind, nodeItem, strings } = c;
  const cteOf = (s: number): number => {
    const t = type[s]!;
    if (t === T_TRANSFORMATION) return TRANSFORMATION;
    const step = bizStep[s]!;
    const moving = t === T_OBJECT || t === T_AGGREGATION;
    if (moving && step === S_SHIPPING) return SHIPPING;
    if (moving && step === S_RECEIVING) return RECEIVING;
    if (t === T_OBJECT && action[s] === A_ADD && step === S_COMMISSIONING) return INITIAL_PACKING;
    return -1;
  };
  const known = (s: number): boolean => s <= maxSeq && (voidSeq[s] === 0 || voidSeq[s]! > maxSeq);
  const visible = (s: number): boolean => known(s) && eventMs[s]! >= fromMs && eventMs[s]! < toMs;
  const isCommissioning = (s: number): boolean => type[s] === T_OBJECT && action[s] === A_ADD && bizStep[s] === S_COMMISSIONING;

  // ── the events around the lots (lot-events.ts, eventsAroundLots), as marks by log position ──
  const mark = new Uint8Array(c.slots);
  if (selected !== null) {
    let nodes: number[] = [...selected];
    // bit 1: the event's parents were looked at (a later level would find only units already met)
    const unitMet = new Uint8Array(nodeKind.length);
    for (let level = 0; level <= MAX_NESTING && nodes.length > 0; level++) {
      const named: number[] = [];
      let any = false;
      for (const n of nodes) {
        c.objectsOfNode(n, (i) => {
          any = true;
          const s = objSeq[i]!;
          mark[s]! |= 1;
          if (objRole[i] === OBJ_ROLE.object && (mark[s]! & 2) === 0) {
            mark[s]! |= 2;
            named.push(s);
          }
        });
      }
      if (!any) break;
      const fresh: number[] = [];
      for (const s of named) {
        for (let k = c.firstObjectOf(s); k < c.objects && objSeq[k] === s; k++) {
          const u = objNode[k]!;
          if (objRole[k] === OBJ_ROLE.parent && unitMet[u] === 0) {
            unitMet[u] = 1;
            fresh.push(u);
          }
        }
      }
      nodes = fresh;
    }
    index.transformationSeqsOfNodes(selected, (s) => {
      if (s < mark.length) mark[s] = 1;
    });
  } else {
    for (const s of input.windowSeqs ?? []) if (s < mark.length) mark[s] = 1;
  }
  const candidates: number[] = [];
  for (let s = 1; s < mark.length; s++) if ((mark[s]! & 1) === 1 && held[s] === 1 && visible(s) && cteOf(s) >= 0) candidates.push(s);
  const facts = await readBodyFacts(index.records, store, candidates);
  // an event without a body (never so) is left out, as the row path leaves it out
  const events = candidates.filter((s) => facts.has(s));

  // ── per-report memos: lot codes, items, places, dates ──
  const codes = new Map<number, string>();
  const code = (n: number): string => {
    let v = codes.get(n);
    if (v === undefined) codes.set(n, (v = c.nodeCode(n)));
    return v;
  };
  const kind = (n: number): number => nodeKind[n] ?? 0;
  /** The item of a lot, serial or class (`itemOf` of fsma204-report.ts). */
  const itemOf = (n: number | null): string | null => {
    if (n === null) return null;
    const k = kind(n);
    return k === NODE_KIND.lot || k === NODE_KIND.serial || k === NODE_KIND.class ? strings[nodeItem[n]!]! : null;
  };
  const tlcOf = (n: number | null): string | null => (n !== null && kind(n) === NODE_KIND.lot ? code(n) : null);
  const places = new Map<string, string>();
  const place = (uri: string): string => {
    let d = places.get(uri);
    if (d === undefined) places.set(uri, (d = describePlace(uri)));
    return d;
  };
  const dates = new Map<string, Date | null>();
  const dateOf = (time: string): Date | null => {
    const day = time.slice(0, 11);
    let d = dates.get(day);
    if (d === undefined) dates.set(day, (d = localDate(time)));
    return d;
  };
  const text = (col: Int32Array, s: number): string | null => {
    const i = col[s]!;
    return i < 0 ? null : strings[i]!;
  };
  const unitsText = (via: readonly number[]): string | null => {
    if (via.length === 0) return null;
    if (via.length === 1) return kind(via[0]!) === NODE_KIND.unit && code(via[0]!) !== '' ? code(via[0]!) : null;
    return (
      via
        .map((u) => (kind(u) === NODE_KIND.unit ? code(u) : ''))
        .filter((s) => s !== '')
        .sort()
        .join('; ') || null
    );
  };

  // ── pallets: what each held when an ObjectEvent named it ──
  const contents = new UnitContentsFromColumns(c, vis);
  const units: number[] = [];
  for (const s of events) {
    if (type[s] !== T_OBJECT || cteOf(s) === TRANSFORMATION) continue;
    for (let k = c.firstObjectOf(s); k < c.objects && objSeq[k] === s; k++) if (objRole[k] === OBJ_ROLE.object && kind(objNode[k]!) === NODE_KIND.unit) units.push(objNode[k]!);
  }
  contents.loadColumns(units);

  // ── rows, per sheet in the order the row path makes them (the sort is stable) ──
  const rows: MutableRow[][] = [[], [], [], []];
  const rowMs: number[][] = [[], [], [], []];
  /** The lot whose origin fills the row's description (and TLC source), and the input lot's. */
  const rowLot: (number | null)[][] = [[], [], [], []];
  const rowInput: (number | null)[][] = [[], [], [], []];
  const keep = (n: number | null): boolean => selected === null || (n !== null && selected.has(n));
  const transformations = new Map<string, number[]>();

  for (const s of events) {
    const cte = cteOf(s);
    const f = facts.get(s)!;
    if (cte === TRANSFORMATION) {
      const key = f.transformationId ?? `seq:${s}`;
      let l = transformations.get(key);
      if (!l) transformations.set(key, (l = []));
      l.push(s);
      continue;
    }
    const ms = eventMs[s]!;
    // one row per lot and event; a lot on a pallet counts as shipped (or received) in that pallet
    const amounts = new Map<number, Carried>();
    const put = (n: number, quantity: number | null, uom: string | null, unit: number | null): void => {
      const before = amounts.get(n);
      if (!before) amounts.set(n, { quantity, uom, via: unit === null ? [] : [unit] });
      else {
        addInto(before, { quantity, uom });
        if (unit !== null && !before.via.includes(unit)) before.via.push(unit);
      }
    };
    for (let k = c.firstObjectOf(s); k < c.objects && objSeq[k] === s; k++) {
      if (objRole[k] !== OBJ_ROLE.object) continue;
      const n = objNode[k]!;
      if (kind(n) === NODE_KIND.unit && type[s] === T_OBJECT) {
        contents.forEachHeld(n, ms, (lot, quantity, uom) => put(lot, quantity, uom, n));
      } else {
        const q = objQuantity[k]!;
        const u = objUom[k]!;
        put(n, Number.isNaN(q) ? null : q, u < 0 ? null : strings[u]!, null);
      }
    }
    let wanted = false;
    for (const n of amounts.keys()) if (kind(n) === NODE_KIND.lot && keep(n)) wanted = true;
    if (!wanted) continue;
    const docs = documents(f.bizTransactions);
    const time = c.eventTime(s);
    const date = dateOf(time);
    const eventId = c.eventId(s);
    const here = (list: readonly PartyEntry[]): string | null => {
      const loc = list.find((p) => p.type === 'location')?.id ?? text(c.bizLocation, s) ?? text(c.readPoint, s);
      return loc ? place(loc) : null;
    };
    const a = cte === SHIPPING ? partyAndPlace(f.destinations, place) : partyAndPlace(f.sources, place);
    const b = cte === SHIPPING ? here(f.sources) : cte === RECEIVING ? here(f.destinations) : null;
    for (const [n, amount] of amounts) {
      if (kind(n) !== NODE_KIND.lot || !keep(n)) continue;
      const uom = amount.quantity === null ? null : amount.uom;
      const row: MutableRow =
        cte === SHIPPING
          ? shippingRow(code(n), amount.quantity, uom, a, b, date, docs, strings[nodeItem[n]!]!, unitsText(amount.via), time, eventId)
          : cte === RECEIVING
            ? receivingRow(code(n), amount.quantity, uom, a, b, date, docs, strings[nodeItem[n]!]!, unitsText(amount.via), time, eventId)
            : packingRow(code(n), amount.quantity, uom, a, date, docs, strings[nodeItem[n]!]!, time, eventId);
      rows[cte]!.push(row);
      rowMs[cte]!.push(ms);
      rowLot[cte]!.push(n);
      rowInput[cte]!.push(null);
    }
  }

  for (const group of transformations.values()) {
    const inputs = new Map<number, Amount>();
    const outputs = new Map<number, Amount>();
    let completed = -1;
    const bizTransactions: BizTransactionEntry[] = [];
    for (const s of group) {
      let outs = false;
      for (let k = c.firstObjectOf(s); k < c.objects && objSeq[k] === s; k++) {
        const r = objRole[k];
        if (r !== OBJ_ROLE.input && r !== OBJ_ROLE.output) continue;
        const q = objQuantity[k]!;
        const u = objUom[k]!;
        const amount = { quantity: Number.isNaN(q) ? null : q, uom: u < 0 ? null : strings[u]! };
        const into = r === OBJ_ROLE.input ? inputs : outputs;
        into.set(objNode[k]!, add(into.get(objNode[k]!), amount));
        if (r === OBJ_ROLE.output) outs = true;
      }
      if (outs && (completed < 0 || eventMs[s]! > eventMs[completed]!)) completed = s;
      for (const b of facts.get(s)!.bizTransactions) if (!bizTransactions.some((x) => x.id === b.id && x.type === b.type)) bizTransactions.push(b);
    }
    const ins: (number | null)[] = inputs.size > 0 ? [...inputs.keys()] : [null];
    const outs: (number | null)[] = outputs.size > 0 ? [...outputs.keys()] : [null];
    let wanted = selected === null;
    for (const o of outs) for (const i of ins) if (keep(o) || keep(i)) wanted = true;
    if (!wanted) continue;
    const last = completed >= 0 ? completed : group[group.length - 1]!;
    const docs = documents(bizTransactions);
    const where = text(c.bizLocation, last) ?? text(c.readPoint, last);
    const source = where ? place(where) : null;
    const time = c.eventTime(last);
    const date = dateOf(time);
    const eventId = group.map((s) => c.eventId(s)).join('; ');
    const ms = eventMs[last]!;
    for (const o of outs) {
      const oa = o === null ? undefined : outputs.get(o);
      for (const i of ins) {
        // a row is kept when its input lot or its new lot is one the report is about
        if (selected !== null && !keep(o) && !keep(i)) continue;
        const ia = i === null ? undefined : inputs.get(i);
        rows[TRANSFORMATION]!.push({
          inputTlc: tlcOf(i),
          inputProductDescription: null,
          inputQuantity: ia?.quantity ?? null,
          inputUom: ia?.quantity == null ? null : ia.uom,
          tlc: tlcOf(o),
          productDescription: null,
          quantity: oa?.quantity ?? null,
          uom: oa?.quantity == null ? null : oa.uom,
          // the place where the new code was assigned: this transformation's own
          tlcSource: o !== null ? source : null,
          date,
          referenceDocumentType: docs.type,
          referenceDocumentNumber: docs.number,
          inputProductId: itemOf(i),
          productId: itemOf(o),
          eventTime: time,
          eventId,
          missingKdes: null,
        });
        rowMs[TRANSFORMATION]!.push(ms);
        rowLot[TRANSFORMATION]!.push(o);
        rowInput[TRANSFORMATION]!.push(i);
      }
    }
  }

  // ── where each lot came from: its product description and TLC source ──
  const lotIds = new Set<number>();
  for (let k = 0; k < 4; k++) {
    for (const n of rowLot[k]!) if (n !== null) lotIds.add(n);
    for (const n of rowInput[k]!) if (n !== null) lotIds.add(n);
  }
  const origins = await originsFromColumns(c, input, [...lotIds], { T_TRANSFORMATION, S_RECEIVING, isCommissioning, known });
  for (let k = 0; k < 4; k++) {
    const list = rows[k]!;
    for (let j = 0; j < list.length; j++) {
      const row = list[j]!;
      const lot = rowLot[k]![j]!;
      const o = lot === null ? undefined : origins.get(lot);
      row['productDescription'] = o?.productDescription ?? null;
      if (k !== TRANSFORMATION) row['tlcSource'] = o?.tlcSource ?? null;
      else {
        const i = rowInput[k]![j]!;
        row['inputProductDescription'] = i === null ? null : (origins.get(i)?.productDescription ?? null);
      }
    }
  }

  // ── sorted by event time, lot code, input lot code, event id; the missing KDEs ──
  const missing: MissingKde[] = [];
  const sheets = FSMA_CTES.map((cte: FsmaCte, k) => {
    const sheet = CTE_SHEETS[cte];
    const list = rows[k]!;
    const ms = rowMs[k]!;
    const rank = (key: string): Int32Array => {
      const values = list.map((r) => (r[key] === null || r[key] === undefined ? '' : String(r[key])));
      // sort()'s default order is the row path's (`<` on UTF-16 code units), without a call per comparison
      const sorted = [...new Set(values)].sort();
      const at = new Map(sorted.map((v, j) => [v, j]));
      return Int32Array.from(values, (v) => at.get(v)!);
    };
    const msRank = (() => {
      const sorted = [...new Set(ms)].sort((a, b) => a - b);
      const at = new Map(sorted.map((v, j) => [v, j]));
      return Int32Array.from(ms, (v) => at.get(v)!);
    })();
    const keys = [msRank, rank('tlc'), ...(k === TRANSFORMATION ? [rank('inputTlc')] : []), rank('eventId')];
    const order = stableOrder(list.length, keys);
    const kdes = sheet.columns.filter((col) => col.kde);
    const counts = new Map<string, { rows: number; tlcs: Set<string> }>();
    // the "Missing KDEs" text of each set of missing KDEs, made once
    const lackingText = new Map<number, string | null>();
    const out: Row[] = new Array(order.length);
    for (let j = 0; j < order.length; j++) {
      const row = list[order[j]!]!;
      let lacks = 0;
      for (let q = 0; q < kdes.length; q++) {
        const col = kdes[q]!;
        const v = row[col.key];
        if (v !== null && v !== undefined && v !== '') continue;
        lacks |= 1 << q;
        let m = counts.get(col.header);
        if (!m) counts.set(col.header, (m = { rows: 0, tlcs: new Set() }));
        m.rows++;
        const lot = row['tlc'] ?? row['inputTlc'];
        if (typeof lot === 'string') m.tlcs.add(lot);
      }
      let lacking = lackingText.get(lacks);
      if (lacking === undefined) {
        const names = kdes.filter((_, q) => (lacks & (1 << q)) !== 0).map((col) => col.header);
        lackingText.set(lacks, (lacking = names.length === 0 ? null : names.join('; ')));
      }
      row['missingKdes'] = lacking;
      out[j] = row;
    }
    for (const col of kdes) {
      const m = counts.get(col.header);
      if (m) missing.push({ cte, sheet: sheet.title, kde: col.header, rows: m.rows, tlcs: [...m.tlcs].sort().slice(0, 20) });
    }
    return { sheet, rows: out };
  });

  return { sheets, missing, asOfSeq: maxSeq };
}

/**
 * The row order that sorts by `keys` (ranks below `n`, the first key first), ties kept in row
 * order: least significant key first, one counting-sort pass per key (stable), no comparator.
 */
function stableOrder(n: number, keys: readonly Int32Array[]): Int32Array {
  let order = new Int32Array(n);
  for (let j = 0; j < n; j++) order[j] = j;
  let next = new Int32Array(n);
  const count = new Int32Array(n + 1);
  for (let k = keys.length - 1; k >= 0; k--) {
    const key = keys[k]!;
    count.fill(0);
    for (let j = 0; j < n; j++) count[key[j]! + 1]!++;
    for (let r = 1; r <= n; r++) count[r]! += count[r - 1]!;
    for (let j = 0; j < n; j++) {
      const row = order[j]!;
      next[count[key[row]!]!++] = row;
    }
    [order, next] = [next, order];
  }
  return order;
}


type Docs = { type: string | null; number: string | null };

// One literal per sheet, keys in the sheet's column order: the rows of a sheet share one shape.
function shippingRow(tlc: string, quantity: number | null, uom: string | null, recipient: string | null, from: string | null, date: Date | null, docs: Docs, item: string, unit: string | null, time: string, eventId: string): MutableRow {
  return {
    tlc,
    quantity,
    uom,
    productDescription: null,
    subsequentRecipient: recipient,
    shipFrom: from,
    date,
    tlcSource: null,
    referenceDocumentType: docs.type,
    referenceDocumentNumber: docs.number,
    productId: item,
    logisticUnit: unit,
    eventTime: time,
    eventId,
    missingKdes: null,
  };
}

function receivingRow(tlc: string, quantity: number | null, uom: string | null, source: string | null, at: string | null, date: Date | null, docs: Docs, item: string, unit: string | null, time: string, eventId: string): MutableRow {
  return {
    tlc,
    quantity,
    uom,
    productDescription: null,
    previousSource: source,
    receivedAt: at,
    date,
    tlcSource: null,
    referenceDocumentType: docs.type,
    referenceDocumentNumber: docs.number,
    productId: item,
    logisticUnit: unit,
    eventTime: time,
    eventId,
    missingKdes: null,
  };
}

function packingRow(tlc: string, quantity: number | null, uom: string | null, harvest: string | null, date: Date | null, docs: Docs, item: string, time: string, eventId: string): MutableRow {
  return {
    tlc,
    productDescription: null,
    quantity,
    uom,
    harvestLocation: harvest,
    tlcSource: null,
    date,
    referenceDocumentType: docs.type,
    referenceDocumentNumber: docs.number,
    productId: item,
    eventTime: time,
    eventId,
    missingKdes: null,
  };
}

interface Origin {
  readonly productDescription: string | null;
  readonly tlcSource: string | null;
}

/**
 * lot-origins.ts from the columns: the events that made (transformation output, commissioning)
 * or received each lot, by event time; the description from the first of them that names one
 * product and carries one, the TLC source from the first made here with a place, else what a
 * receipt says the supplier gave.
 */
async function originsFromColumns(
  c: EventColumns,
  input: ColumnsInput,
  lots: readonly number[],
  is: { T_TRANSFORMATION: number; S_RECEIVING: number; isCommissioning: (s: number) => boolean; known: (s: number) => boolean },
): Promise<Map<number, Origin>> {
  const out = new Map<number, Origin>();
  if (lots.length === 0) return out;
  const { masterData } = input;
  const { objSeq, objRole, objNode, nodeKind, nodeItem, strings, held, type, bizStep, eventMs } = c;
  const made = new Map<number, number[]>();
  const received = new Map<number, number[]>();
  const seqs = new Set<number>();
  const push = (m: Map<number, number[]>, node: number, s: number): void => {
    let l = m.get(node);
    if (!l) m.set(node, (l = []));
    if (!l.includes(s)) l.push(s);
  };
  for (const lot of lots) {
    c.objectsOfNode(lot, (i) => {
      const r = objRole[i];
      if (r !== OBJ_ROLE.output && r !== OBJ_ROLE.object) return;
      const s = objSeq[i]!;
      if (held[s] !== 1 || !is.known(s)) return;
      if (r === OBJ_ROLE.output) {
        if (type[s] !== is.T_TRANSFORMATION && bizStep[s] !== is.S_RECEIVING && !is.isCommissioning(s)) return;
        push(made, lot, s);
      } else if (is.isCommissioning(s)) push(made, lot, s);
      else if (bizStep[s] === is.S_RECEIVING) push(received, lot, s);
      else return;
      seqs.add(s);
    });
  }
  const facts = await readBodyFacts(input.index.records, input.store, [...seqs]);
  // an event names one product when the items of its objects and outputs are one (lot-origins.ts, describesOneItem)
  const oneItem = new Map<number, boolean>();
  const describesOneItem = (s: number): boolean => {
    let one = oneItem.get(s);
    if (one === undefined) {
      const items = new Set<string>();
      for (let k = c.firstObjectOf(s); k < c.objects && objSeq[k] === s; k++) {
        if (objRole[k] !== OBJ_ROLE.object && objRole[k] !== OBJ_ROLE.output) continue;
        const kind = nodeKind[objNode[k]!]!;
        items.add(kind === NODE_KIND.lot || kind === NODE_KIND.serial || kind === NODE_KIND.class ? strings[nodeItem[objNode[k]!]!]! : kind === NODE_KIND.unit ? 'unit' : 'other');
      }
      oneItem.set(s, (one = items.size <= 1));
    }
    return one;
  };
  const byTime = (a: number, b: number): number => eventMs[a]! - eventMs[b]! || a - b;
  const withBody = (l: number[] | undefined): number[] => (l ? l.filter((s) => facts.has(s)).sort(byTime) : []);
  const text = (col: Int32Array, s: number): string | null => (col[s]! < 0 ? null : strings[col[s]!]!);
  for (const lot of lots) {
    let productDescription: string | null = null;
    if (masterData) {
      const k = nodeKind[lot];
      if (k === NODE_KIND.lot || k === NODE_KIND.serial || k === NODE_KIND.class) productDescription = masterData.item(strings[nodeItem[lot]!]!)?.description ?? null;
    }
    const m = withBody(made.get(lot));
    const rc = withBody(received.get(lot));
    if (productDescription === null) {
      for (const s of m.length === 0 ? rc : rc.length === 0 ? m : [...m, ...rc]) {
        const d = facts.get(s)!.description;
        if (d !== null && describesOneItem(s)) {
          productDescription = d;
          break;
        }
      }
    }
    let tlcSource: string | null = null;
    for (const s of m) {
      const p = text(c.bizLocation, s) ?? text(c.readPoint, s);
      if (p !== null) {
        tlcSource = describePlace(p, masterData);
        break;
      }
    }
    if (tlcSource === null) {
      for (const s of rc) {
        const given = (facts.get(s) as BodyFacts).tlcSource;
        if (given !== null) {
          tlcSource = describePlace(given, masterData);
          break;
        }
      }
    }
    out.set(lot, { productDescription, tlcSource });
  }
  return out;
}
