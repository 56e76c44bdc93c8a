/**
 * Rule `held-lot-used` (critical): a lot on hold was consumed or shipped. The event is stored all
 * the same — the physical world already did it, and the record must say so — and this check runs
 * right after the capture commits, so the quality team hears of it at once. Lots held through the
 * pallet that carried them are not seen here (the gap rules' run finds them).
 */
import { lotlineUri } from '../domain/identifiers/lotline-uri.js';
import { refLabel } from '../domain/identifiers/object-ref.js';
import { lotState } from '../genealogy/lot-state.js';
import type { EventStore } from '../store/event-store.js';
import type { Finding } from './finding.js';

export const HELD_LOT_USED = 'held-lot-used';

/** Findings for the held lots that these newly stored events (by log position) consume or ship. */
export async function heldLotUsed(store: EventStore, seqs: readonly number[], now = new Date()): Promise<Finding[]> {
  if (seqs.length === 0) return [];
  const rows = (await store.eventsBySeq(seqs)).filter((e) => e.voidSeq === null && (e.type === 'TransformationEvent' || e.bizStep === 'shipping'));
  if (rows.length === 0) return [];
  const objects = await store.eventObjectsOfEvents(rows.map((r) => r.seq));
  const used = objects.filter((o) => o.role === 'input' || o.role === 'object');
  // Only lots that some event ever held need their state computed: two queries for all, then lotState for the few.
  const nodes = [...new Set(used.map((o) => o.node))];
  const history = await store.eventObjectsOfNodes(nodes);
  const holding = new Set((await store.eventsBySeq([...new Set(history.map((h) => h.seq))])).filter((e) => e.bizStep === 'holding' || e.persistentSet.length > 0).map((e) => e.seq));
  const everHeld = new Set(history.filter((h) => holding.has(h.seq)).map((h) => h.node));
  const refs = new Map((await store.nodesById(nodes.filter((n) => everHeld.has(n)))).map((n) => [n.id, n.ref]));
  const bodies = await store.eventBodies(rows.map((r) => r.seq));
  const findings: Finding[] = [];
  for (const e of rows) {
    const role = e.type === 'TransformationEvent' ? 'input' : 'object';
    for (const o of used.filter((x) => x.seq === e.seq && x.role === role)) {
      const ref = refs.get(o.node);
      if (!ref || (ref.kind !== 'lot' && ref.kind !== 'serial')) continue;
      const st = await lotState(store, ref);
      if (!('status' in st) || st.hold === null || Date.parse(st.hold.since) > e.eventMs) continue;
      const verb = role === 'input' ? 'consumed' : 'shipped';
      const line = bodies.get(e.seq)?.['lotline:line'];
      findings.push({
        ruleId: HELD_LOT_USED,
        severity: 'critical',
        subject: { kind: 'lot', ref: lotlineUri(ref) },
        key: `${HELD_LOT_USED}:${e.eventId}:${lotlineUri(ref)}`,
        explanation: `${refLabel(ref)} was ${verb} at ${e.eventTime} while on hold since ${st.hold.since}${st.hold.reason ? ` (${st.hold.reason})` : ''}. Find what it went into or where it went, and decide: hold those too, recall, or release with a signature.`,
        eventIds: [st.hold.eventId, e.eventId],
        site: e.bizLocation ?? e.readPoint,
        line: typeof line === 'string' ? line : null,
        detectedAt: now.toISOString(),
      });
    }
  }
  return findings;
}
