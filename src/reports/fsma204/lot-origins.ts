/**
 * Where a lot's traceability lot code comes from, and what the product is. The product description
 * is the item's in master data when the plant recorded one; otherwise it is read from the ILMD
 * (or a `lotline:productDescription` field) of the event that made, packed or received the lot;
 * the TLC source is the place of the transformation or initial packing that assigned the code
 * here, else what the receiving event says the supplier gave (`lotline:tlcSource`).
 */
import type { EventRow, EventStore } from '../../store/event-store.js';
import type { TraceReads } from '../../genealogy/trace-graph.js';
import type { Visibility } from '../../genealogy/visibility.js';
import { isVisible } from '../../genealogy/visibility.js';
import { describePlace } from '../place-description.js';
import type { MasterDataView } from '../../masterdata/master-data-view.js';
import type { ReportEvent } from '../report-events.js';
import { ReportEventCache } from '../report-events.js';

export interface LotOrigin {
  readonly productDescription: string | null;
  readonly tlcSource: string | null;
}

/** Local names (after any `prefix:`) of the fields read as a product description. */
const DESCRIPTION_KEYS = new Set(['productDescription', 'descriptionShort', 'tradeItemDescription', 'regulatedProductName']);
/** …and as a traceability lot code source (or its reference). */
const TLC_SOURCE_KEYS = new Set(['tlcSource', 'tlcSourceReference', 'traceabilityLotCodeSource', 'traceabilityLotCodeSourceReference']);

/** field() by event, per key set: a report asks it of the same event for every lot the event made. */
const FIELDS = new WeakMap<ReportEvent, Map<ReadonlySet<string>, string | null>>();

function field(e: ReportEvent, keys: ReadonlySet<string>): string | null {
  let known = FIELDS.get(e);
  if (!known) FIELDS.set(e, (known = new Map()));
  let v = known.get(keys);
  if (v === undefined) known.set(keys, (v = readField(e, keys)));
  return v;
}

function readField(e: ReportEvent, keys: ReadonlySet<string>): string | null {
  const ilmd = e.body['ilmd'];
  for (const obj of [typeof ilmd === 'object' && ilmd !== null && !Array.isArray(ilmd) ? (ilmd as Record<string, unknown>) : {}, e.body as Record<string, unknown>]) {
    for (const [k, v] of Object.entries(obj)) {
      if (keys.has(k.slice(k.lastIndexOf(':') + 1)) && typeof v === 'string' && v.trim() !== '') return v.trim();
    }
  }
  return null;
}

/** A description names one product: an event that names lots of several items cannot say which one it describes. */
const ONE_ITEM = new WeakMap<ReportEvent, boolean>();

function describesOneItem(e: ReportEvent): boolean {
  let one = ONE_ITEM.get(e);
  if (one === undefined) ONE_ITEM.set(e, (one = itemsOf(e) <= 1));
  return one;
}

function itemsOf(e: ReportEvent): number {
  const items = new Set([...e.facts.objects, ...e.facts.outputs].map((o) => ('item' in o.ref ? o.ref.item : o.ref.kind)));
  return items.size;
}

/** The origins of these lots; `events` shares the events a report has read already. */
export async function lotOrigins(
  store: Pick<EventStore, 'eventObjectsOfNodes' | 'eventsBySeq' | 'eventBodies' | 'nodesById'> & Pick<TraceReads, 'originObjectsOfNodes'>,
  lots: readonly number[],
  vis: Visibility,
  events: ReportEventCache = new ReportEventCache(store),
  masterData?: MasterDataView,
): Promise<Map<number, LotOrigin>> {
  const out = new Map<number, LotOrigin>();
  if (lots.length === 0) return out;
  const described = new Map<number, string>();
  if (masterData) {
    for (const n of await store.nodesById(lots)) {
      const d = 'item' in n.ref ? masterData.item(n.ref.item)?.description : undefined;
      if (d !== undefined) described.set(n.id, d);
    }
  }
  // through the index, only the rows that can be origins (a wide lot's rows are mostly shipments and packing)
  const rows = store.originObjectsOfNodes ? await store.originObjectsOfNodes(lots) : await store.eventObjectsOfNodes(lots);
  // The origin of a lot does not depend on the report's window: a lot made last year is shipped today.
  const known: Visibility = { ...vis, fromMs: -8.64e15, toMs: 8.64e15 };
  const origin = (row: EventRow): boolean =>
    isVisible(known, row) && (row.type === 'TransformationEvent' || row.bizStep === 'receiving' || (row.type === 'ObjectEvent' && row.action === 'ADD' && row.bizStep === 'commissioning'));
  const read = await events.read(
    rows.filter((r) => r.role !== 'input' && r.role !== 'parent').map((r) => r.seq),
    origin,
  );
  const made = new Map<number, ReportEvent[]>();
  const received = new Map<number, ReportEvent[]>();
  const push = (m: Map<number, ReportEvent[]>, node: number, e: ReportEvent): void => {
    let l = m.get(node);
    if (!l) m.set(node, (l = []));
    if (!l.includes(e)) l.push(e);
  };
  for (const r of rows) {
    const e = read.get(r.seq);
    if (!e || !isVisible(known, e.row)) continue;
    if (r.role === 'output' || (r.role === 'object' && e.row.type === 'ObjectEvent' && e.row.action === 'ADD' && e.row.bizStep === 'commissioning')) push(made, r.node, e);
    else if (r.role === 'object' && e.row.bizStep === 'receiving') push(received, r.node, e);
  }
  const byTime = (a: ReportEvent, b: ReportEvent): number => a.row.eventMs - b.row.eventMs || a.row.seq - b.row.seq;
  for (const lot of lots) {
    const m = (made.get(lot) ?? []).sort(byTime);
    const rc = (received.get(lot) ?? []).sort(byTime);
    let productDescription: string | null = described.get(lot) ?? null;
    for (const e of [...m, ...rc]) if (productDescription === null && describesOneItem(e)) productDescription = field(e, DESCRIPTION_KEYS);
    let tlcSource: string | null = null;
    const place = m.map((e) => e.row.bizLocation ?? e.row.readPoint).find((p) => p !== null);
    if (place) tlcSource = describePlace(place, masterData);
    for (const e of rc) {
      if (tlcSource !== null) break;
      const given = field(e, TLC_SOURCE_KEYS);
      if (given !== null) tlcSource = describePlace(given, masterData);
    }
    out.set(lot, { productDescription, tlcSource });
  }
  return out;
}
