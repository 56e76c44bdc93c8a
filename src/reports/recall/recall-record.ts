/**
 * Running a recall: compute the scope with the plant's master data, save it as computed (who,
 * when, at which log position), and, when asked, place the holds on what is on hand, recording
 * that action beside the saved recall. The hold event is returned for the caller to store through
 * its own writer (the CLI directly, the server through its group commit).
 */
import { randomBytes } from 'node:crypto';
import { LotlineError } from '../../domain/errors.js';
import type { RecallProgress, RecallRequest, RecallScope } from '../../genealogy/recall-scope.js';
import { lotsToHold, recallScope } from '../../genealogy/recall-scope.js';
import { refJson } from '../../genealogy/trace.js';
import { lotlineUri } from '../../domain/identifiers/lotline-uri.js';
import type { MasterDataStore } from '../../masterdata/master-data-store.js';
import { loadMasterDataView } from '../../masterdata/master-data-view.js';
import { holdEvent } from '../../quality/holds.js';
import { lotState } from '../../genealogy/lot-state.js';
import type { ObjectRef } from '../../domain/identifiers/object-ref.js';
import type { CapturedEvent, EventStore } from '../../store/event-store.js';
import type { RecallStore, SavedRecall } from './recall-store.js';

export interface RecallSummary {
  readonly lots: number;
  readonly onHandLots: number;
  readonly shipments: number;
  readonly customers: number;
  readonly customersWithoutContact: number;
  readonly inTransit: number;
  readonly packedNotShipped: number;
  readonly targeted: { quantity: number; uom: string } | null;
  readonly broad: { quantity: number; uom: string } | null;
  readonly ratio: number | null;
}

export function summaryOf(s: RecallScope): RecallSummary {
  return {
    lots: s.lots.length,
    onHandLots: s.onHand.reduce((n, l) => n + l.lots.length, 0),
    shipments: new Set(s.shipments.map((x) => x.eventId)).size,
    customers: s.customers.length,
    customersWithoutContact: s.customers.filter((c) => !c.onFile).length,
    inTransit: s.openOrders.filter((o) => o.kind === 'in_transit').length,
    packedNotShipped: s.openOrders.filter((o) => o.kind === 'packed_not_shipped').length,
    targeted: s.precision.targeted,
    broad: s.precision.broad,
    ratio: s.precision.ratio,
  };
}

/** A new recall id: RC-20260504-101500-a1b2 (when it was computed, and a random tail). */
export function newRecallId(at: Date): string {
  const d = at.toISOString();
  return `RC-${d.slice(0, 10).replace(/-/g, '')}-${d.slice(11, 19).replace(/:/g, '')}-${randomBytes(2).toString('hex')}`;
}

/** The request as saved: identifiers as the plant typed them. */
function requestJson(req: RecallRequest): Record<string, unknown> {
  return {
    ...(req.lots ? { lots: req.lots.map(lotlineUri) } : {}),
    ...(req.supplier !== undefined ? { supplier: req.supplier } : {}),
    ...(req.item !== undefined ? { item: req.item } : {}),
    ...(req.from !== undefined ? { from: req.from } : {}),
    ...(req.to !== undefined ? { to: req.to } : {}),
    ...(req.asOf !== undefined ? { asOf: req.asOf } : {}),
    ...(req.transitDays !== undefined ? { transitDays: req.transitDays } : {}),
  };
}

/** Computes the scope and saves it; returns the saved recall. */
export async function runRecall(
  store: EventStore,
  masterData: MasterDataStore & RecallStore,
  req: RecallRequest,
  actor: string,
  onProgress?: (p: RecallProgress) => void,
): Promise<SavedRecall & { scope: RecallScope }> {
  const view = await loadMasterDataView(masterData);
  const scope = await recallScope(store, view, req, onProgress);
  const now = new Date();
  const saved = { id: newRecallId(now), computedAt: now.toISOString(), computedBy: actor, asOfSeq: scope.asOfSeq, request: requestJson(req), summary: { ...summaryOf(scope) }, scope };
  await masterData.saveRecall(saved);
  return saved;
}

/** The saved recall with this id, or RECALL_NOT_FOUND. */
export async function getRecall(recalls: RecallStore, id: string): Promise<SavedRecall & { scope: RecallScope }> {
  const r = await recalls.getRecall(id);
  if (!r) throw new LotlineError('RECALL_NOT_FOUND', `no saved recall has the id ${JSON.stringify(id)}; list them with GET /api/v1/recalls or 'lotline recall list'`);
  return r as SavedRecall & { scope: RecallScope };
}

/**
 * The hold of a saved recall's on-hand lots, reason given, reference = the recall id; undefined when
 * nothing is left to hold. A lot on hold now (by this recall's earlier hold, or another) is left out:
 * the scope was saved before, so its "already held" marks may be out of date.
 */
export async function recallHoldEvent(store: EventStore, recall: SavedRecall & { scope: RecallScope }, reason: string, time?: string): Promise<{ event: CapturedEvent; lots: ReturnType<typeof refJson>[] } | undefined> {
  const lots: ObjectRef[] = [];
  for (const l of lotsToHold(recall.scope)) {
    const st = await lotState(store, l);
    if (!('status' in st) || st.status !== 'on_hold') lots.push(l);
  }
  if (lots.length === 0) return undefined;
  const { event } = await holdEvent(store, { lots, reason, reference: recall.id, ...(time !== undefined ? { time } : {}) });
  return { event, lots: lots.map(refJson) };
}
