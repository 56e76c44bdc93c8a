/**
 * The lots on hold now: every lot a holding event (or a hold disposition) ever named whose state is
 * still "on hold". Only the lots holds named are read, never every lot of the plant.
 */
import { lotlineUri } from '../domain/identifiers/lotline-uri.js';
import { refLabel } from '../domain/identifiers/object-ref.js';
import type { EventRow, EventStore } from '../store/event-store.js';
import type { LotState } from './lot-state.js';
import { HOLD_DISPOSITIONS, isHoldEvent, lotState } from './lot-state.js';

export interface HeldLot {
  readonly ref: string;
  readonly label: string;
  readonly since: string;
  readonly reason: string | null;
  readonly eventId: string;
  readonly onHand: LotState['onHand'];
  readonly location: string | null;
}

const PAGE = 5000;

async function allEvents(store: EventStore, query: { bizSteps?: readonly string[]; dispositions?: readonly string[] }): Promise<EventRow[]> {
  const out: EventRow[] = [];
  for (let after = 0; ; ) {
    const rows = await store.queryEvents({ ...query, afterSeq: after, limit: PAGE });
    out.push(...rows);
    if (rows.length < PAGE) return out;
    after = rows[rows.length - 1]!.seq;
  }
}

/** Lots on hold now, the most recently held first, at most `limit`; `total` counts them all. */
export async function lotsOnHold(store: EventStore, limit: number): Promise<{ lots: HeldLot[]; total: number }> {
  const holds = [...(await allEvents(store, { bizSteps: ['holding'] })), ...(await allEvents(store, { dispositions: HOLD_DISPOSITIONS }))].filter(
    (e) => e.voidSeq === null && (isHoldEvent(e) || e.persistentSet.some((d) => (HOLD_DISPOSITIONS as readonly string[]).includes(d)) || (HOLD_DISPOSITIONS as readonly string[]).includes(e.disposition ?? '')),
  );
  const seqs = [...new Set(holds.map((e) => e.seq))];
  if (seqs.length === 0) return { lots: [], total: 0 };
  const nodeIds = [...new Set((await store.eventObjectsOfEvents(seqs)).filter((o) => o.role === 'object').map((o) => o.node))];
  const held: HeldLot[] = [];
  for (const n of await store.nodesById(nodeIds)) {
    if (n.ref.kind !== 'lot' && n.ref.kind !== 'serial') continue;
    const st = await lotState(store, n.ref);
    if (!('status' in st) || st.status !== 'on_hold' || st.hold === null) continue;
    held.push({ ref: lotlineUri(n.ref), label: refLabel(n.ref), since: st.hold.since, reason: st.hold.reason, eventId: st.hold.eventId, onHand: st.onHand, location: st.location });
  }
  held.sort((a, b) => Date.parse(b.since) - Date.parse(a.since) || a.label.localeCompare(b.label));
  return { lots: held.slice(0, limit), total: held.length };
}
