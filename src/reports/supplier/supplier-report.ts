/**
 * The supplier report: a supplier's lots, where they went, and the holds and exceptions linked to
 * them. For supplier reviews, and for the first hour of a supplier's recall notice: what was
 * received (quantities, dates, POs, the supplier's own lot codes), what each lot went into, which
 * customers received it and how much, and what quality already found on any of those lots.
 */
import { LotlineError } from '../../domain/errors.js';
import type { ObjectRef } from '../../domain/identifiers/object-ref.js';
import { refLabel } from '../../domain/identifiers/object-ref.js';
import { lotlineUri, partyUri } from '../../domain/identifiers/lotline-uri.js';
import type { LotState } from '../../genealogy/lot-state.js';
import { lotState } from '../../genealogy/lot-state.js';
import { toMs, trace, visibilityFor } from '../../genealogy/trace.js';
import type { QualityStore } from '../../quality/quality-store.js';
import type { EventStore } from '../../store/event-store.js';
import { documentNumber, documentType } from '../document-number.js';
import { queryAllSeqs } from '../lot-events.js';
import { describePlace } from '../place-description.js';
import { readReportEvents } from '../report-events.js';
import { UnitContentsAt } from '../unit-contents-at.js';

export interface SupplierReceipt {
  readonly time: string;
  readonly lot: string;
  readonly item: string;
  readonly lotCode: string;
  readonly quantity: number | null;
  readonly uom: string | null;
  readonly purchaseOrder: string | null;
  readonly despatchAdvice: string | null;
  readonly supplierLot: string | null;
  /** The unit it came on, when it was received on a pallet or case. */
  readonly via: string | null;
  readonly receivedAt: string | null;
  readonly eventId: string;
  /** What the lot is now: status and on-hand quantity. */
  readonly status: string | null;
  readonly onHand: number | null;
}

/** One lot made (at any depth) from a received lot. */
export interface SupplierReach {
  readonly receivedLot: string;
  readonly lot: string;
  readonly depth: number;
  /** Fraction of the lot's content that comes from the received lot (null when unknown). */
  readonly share: number | null;
  readonly status: string | null;
}

export interface SupplierShipment {
  readonly receivedLot: string;
  readonly shippedLot: string;
  readonly customer: string;
  readonly time: string;
  readonly quantity: number | null;
  readonly uom: string | null;
  /** share × quantity: how much of the supplier's lot went to the customer (null when unknown). */
  readonly exposure: number | null;
  readonly via: string | null;
  readonly eventId: string;
}

export interface SupplierHold {
  readonly lot: string;
  readonly time: string;
  readonly reason: string | null;
  readonly reference: string | null;
  readonly statusNow: string | null;
  readonly eventId: string;
  readonly recordedBy: string | null;
}

export interface SupplierException {
  readonly id: number;
  readonly lot: string;
  readonly rule: string;
  readonly severity: string;
  readonly state: string;
  readonly detectedAt: string;
  readonly owner: string | null;
  readonly explanation: string;
}

export interface SupplierReport {
  /** The supplier as the report names it (describePlace), and the identifiers it matched. */
  readonly supplier: string;
  readonly supplierIds: readonly string[];
  readonly from: string | null;
  readonly to: string | null;
  readonly asOfSeq: number;
  readonly receipts: readonly SupplierReceipt[];
  readonly reach: readonly SupplierReach[];
  readonly shipments: readonly SupplierShipment[];
  readonly holds: readonly SupplierHold[];
  readonly exceptions: readonly SupplierException[];
  /** Distinct customers that received any lot made from the supplier's lots. */
  readonly customers: readonly string[];
}

export interface SupplierOptions {
  /** Receipts at or after / before these event times (a date is midnight UTC). */
  readonly from?: string;
  readonly to?: string;
}

/** Exposures to a thousandth: a share times a quantity has no meaningful digits beyond. */
const round = (x: number): number => Math.round(x * 1000) / 1000;

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** The supplier report of `party`: a party URI, a GLN URI, or the name a report prints for it. */
export async function supplierReport(store: EventStore, quality: QualityStore, party: string, options: SupplierOptions = {}): Promise<SupplierReport> {
  if (party.trim() === '') throw new LotlineError('USAGE', 'name the supplier: its name as receipts give it, or its party URI or GLN');
  const fromMs = toMs(options.from, 'from', -8.64e15);
  const toMsV = toMs(options.to, 'to', 8.64e15);
  if (fromMs >= toMsV) throw new LotlineError('USAGE', `the period is empty: --from ${options.from} is not before --to ${options.to}`);
  const vis = await visibilityFor(store, {});
  let ownUri: string | null = null;
  try {
    ownUri = partyUri(party.trim());
  } catch {
    // a name that cannot be a party URN (a URI itself) is matched as written
  }
  const seqs = await queryAllSeqs(store, { bizSteps: ['receiving'], eventMsFrom: fromMs, eventMsTo: toMsV }, vis.maxSeq);
  const events = await readReportEvents(store, seqs, (r) => r.voidSeq === null);

  const matched = new Set<string>();
  const known = new Map<string, string>();
  const receipts = [...events.values()].filter((e) => {
    const ids = e.facts.sources.filter((s) => s.type === 'owning_party' || s.type === 'possessing_party').map((s) => s.id);
    let hit = false;
    for (const id of ids) {
      const name = describePlace(id);
      known.set(id, name);
      if (id === party || id === ownUri || sameName(name, party)) {
        matched.add(id);
        hit = true;
      }
    }
    return hit;
  });
  if (receipts.length === 0) {
    const names = [...new Set(known.values())].sort().slice(0, 20);
    throw new LotlineError(
      'SUPPLIER_NOT_FOUND',
      `no receipt${options.from || options.to ? ' in that period' : ''} comes from ${JSON.stringify(party)}${names.length > 0 ? `; suppliers with receipts${options.from || options.to ? ' then' : ''}: ${names.join(', ')}` : ': no receipt has a supplier'}`,
      { issues: [{ path: 'supplier', reason: 'no receipt from this supplier' }] },
    );
  }
  receipts.sort((a, b) => a.row.eventMs - b.row.eventMs || a.row.seq - b.row.seq);

  // The lots of each receipt: named directly, or on the pallets and cases received.
  const objectRows = await store.eventObjectsOfEvents(receipts.map((r) => r.row.seq));
  const nodes = new Map((await store.nodesById([...new Set(objectRows.map((o) => o.node))])).map((n) => [n.id, n.ref]));
  const units = new UnitContentsAt(store, vis);
  await units.load(objectRows.filter((o) => nodes.get(o.node)?.kind === 'unit').map((o) => o.node));
  const heldNodes = new Map<number, ObjectRef>();
  const lines: { e: (typeof receipts)[number]; node: number; quantity: number | null; uom: string | null; via: string | null }[] = [];
  for (const e of receipts) {
    for (const o of objectRows.filter((x) => x.seq === e.row.seq && x.role !== 'input' && x.role !== 'output')) {
      const ref = nodes.get(o.node);
      if (!ref) continue;
      if (ref.kind === 'unit') {
        for (const [n, h] of units.heldAt(o.node, e.row.eventMs)) lines.push({ e, node: n, quantity: h.quantity, uom: h.uom, via: ref.id });
      } else if (ref.kind === 'lot' || ref.kind === 'serial') lines.push({ e, node: o.node, quantity: o.quantity, uom: o.uom, via: null });
    }
  }
  for (const n of await store.nodesById([...new Set(lines.map((l) => l.node))].filter((n) => !nodes.has(n)))) nodes.set(n.id, n.ref);
  for (const l of lines) heldNodes.set(l.node, nodes.get(l.node)!);

  const states = new Map<string, LotState | null>();
  const stateOf = async (ref: ObjectRef): Promise<LotState | null> => {
    const key = lotlineUri(ref);
    if (!states.has(key)) {
      try {
        const s = await lotState(store, ref);
        states.set(key, 'status' in s ? s : null);
      } catch {
        states.set(key, null);
      }
    }
    return states.get(key)!;
  };

  const receiptRows: SupplierReceipt[] = [];
  for (const l of lines) {
    const ref = nodes.get(l.node)!;
    const docs = l.e.facts.bizTransactions;
    const doc = (t: string): string | null => docs.filter((d) => documentType(d.type) === t).map((d) => documentNumber(d.id)).join('; ') || null;
    const sl = l.e.body['lotline:supplierLot'];
    const place = l.e.facts.destinations.find((d) => d.type === 'location')?.id ?? l.e.facts.bizLocation ?? l.e.facts.readPoint;
    const state = await stateOf(ref);
    receiptRows.push({
      time: l.e.facts.eventTime,
      lot: refLabel(ref),
      item: 'item' in ref ? ref.item : '',
      lotCode: ref.kind === 'lot' ? ref.lot : ref.kind === 'serial' ? ref.serial : '',
      quantity: l.quantity,
      uom: l.uom,
      purchaseOrder: doc('po'),
      despatchAdvice: doc('desadv'),
      supplierLot: typeof sl === 'string' ? sl : null,
      via: l.via,
      receivedAt: place ? describePlace(place) : null,
      eventId: l.e.row.eventId,
      status: state?.status ?? null,
      onHand: state?.onHand?.quantity ?? null,
    });
  }

  // Forward reach of each received lot: lots made from it, shipments to customers.
  const reach: SupplierReach[] = [];
  const shipments: SupplierShipment[] = [];
  const linked = new Map<string, ObjectRef>();
  for (const ref of heldNodes.values()) linked.set(lotlineUri(ref), ref);
  for (const root of heldNodes.values()) {
    const t = await trace(store, root, 'forward');
    const label = refLabel(root);
    const shareOf = new Map<string, number | null>();
    for (const l of t.lots) {
      const ref: ObjectRef = l.lot !== undefined ? { kind: 'lot', item: l.item, lot: l.lot } : { kind: 'serial', item: l.item, serial: l.serial! };
      shareOf.set(refLabel(ref), l.share);
      if (l.depth === 0) continue;
      linked.set(lotlineUri(ref), ref);
      reach.push({ receivedLot: label, lot: refLabel(ref), depth: l.depth, share: l.share, status: (await stateOf(ref))?.status ?? null });
    }
    for (const s of t.shipments) {
      const ref: ObjectRef = s.lot !== undefined ? { kind: 'lot', item: s.item, lot: s.lot } : { kind: 'serial', item: s.item, serial: s.serial! };
      const share = shareOf.get(refLabel(ref)) ?? null;
      shipments.push({
        receivedLot: label,
        shippedLot: refLabel(ref),
        customer: s.destination ? describePlace(s.destination) : 'unknown customer',
        time: s.time,
        quantity: s.quantity,
        uom: s.uom,
        exposure: share !== null && s.quantity !== null ? round(share * s.quantity) : null,
        via: s.via ?? null,
        eventId: s.eventId,
      });
    }
  }

  // Holds on any linked lot (holding events naming it), and the exceptions about it or shown by its events.
  const linkedNodes = [...(await store.findNodes([...linked.values()])).values()];
  const nodeById = new Map(linkedNodes.map((n) => [n.id, n]));
  const objectRowsOfLinked = await store.eventObjectsOfNodes([...nodeById.keys()]);
  const linkedEvents = new Map((await store.eventsBySeq([...new Set(objectRowsOfLinked.map((o) => o.seq))])).filter((e) => e.voidSeq === null).map((e) => [e.seq, e]));
  const isHold = (seq: number): boolean => {
    const e = linkedEvents.get(seq);
    return e !== undefined && e.bizStep?.replace(/^.*BizStep-/, '') === 'holding' && e.disposition !== 'available';
  };
  const holdRows = objectRowsOfLinked.filter((o) => o.role === 'object' && isHold(o.seq));
  const holdBodies = await store.eventBodies([...new Set(holdRows.map((o) => o.seq))]);
  const holds: SupplierHold[] = [];
  for (const o of holdRows) {
    const e = linkedEvents.get(o.seq)!;
    const body = holdBodies.get(o.seq) ?? {};
    const ref = nodeById.get(o.node)!.ref;
    holds.push({
      lot: refLabel(ref),
      time: e.eventTime,
      reason: typeof body['lotline:reason'] === 'string' ? body['lotline:reason'] : null,
      reference: typeof body['lotline:reference'] === 'string' ? body['lotline:reference'] : null,
      statusNow: (await stateOf(ref))?.status ?? null,
      eventId: e.eventId,
      recordedBy: e.recordedBy,
    });
  }
  holds.sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || (a.lot < b.lot ? -1 : 1));

  const eventIds = new Map<string, string>();
  for (const o of objectRowsOfLinked) {
    const e = linkedEvents.get(o.seq);
    if (e && !eventIds.has(e.eventId)) eventIds.set(e.eventId, refLabel(nodeById.get(o.node)!.ref));
  }
  const exceptions: SupplierException[] = [];
  for (const x of await quality.queryExceptions({ limit: 10_000 })) {
    const subject = linked.get(x.subject.ref);
    const via = x.eventIds.find((id) => eventIds.has(id));
    if (!subject && via === undefined) continue;
    exceptions.push({ id: x.id, lot: subject ? refLabel(subject) : eventIds.get(via!)!, rule: x.ruleId, severity: x.severity, state: x.state, detectedAt: x.detectedAt, owner: x.owner, explanation: x.explanation });
  }
  exceptions.sort((a, b) => a.id - b.id);

  return {
    supplier: describePlace([...matched][0]!),
    supplierIds: [...matched].sort(),
    from: options.from ?? null,
    to: options.to ?? null,
    asOfSeq: vis.maxSeq,
    receipts: receiptRows,
    reach,
    shipments: shipments.sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || (a.receivedLot < b.receivedLot ? -1 : 1)),
    holds,
    exceptions,
    customers: [...new Set(shipments.map((s) => s.customer))].sort(),
  };
}
