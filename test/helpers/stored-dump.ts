/**
 * Everything a store keeps of a capture, apart from what depends on the clock (record times and
 * the hash chain that covers them): log entries (kind, eventID, fingerprint, canonical body,
 * attribution), event projections, nodes, flows and event objects — one line per row, so that two
 * stores (or one store before and after a change) compare byte for byte.
 */
import { createHash } from 'node:crypto';
import type { EventStore } from '../../src/store/event-store.js';

export interface StoredDump {
  /** Section → sha256 of its lines, and the number of lines. */
  readonly sections: Record<string, { readonly rows: number; readonly sha256: string }>;
  /** The lines themselves, for a diff when a digest differs. */
  readonly lines: Record<string, string[]>;
}

export async function dumpStored(store: EventStore): Promise<StoredDump> {
  const lines: Record<string, string[]> = { log: [], events: [], nodes: [], flows: [], eventObjects: [] };
  const seqs: number[] = [];
  for (let after = 0; ; ) {
    const page = await store.readLog(after, 500);
    if (page.length === 0) break;
    for (const e of page) {
      lines['log']!.push(JSON.stringify([e.seq, e.kind, e.eventId, e.fingerprint, e.body, e.actor, e.origin]));
      seqs.push(e.seq);
    }
    after = page[page.length - 1]!.seq;
  }
  for (const r of await store.eventsBySeq(seqs)) {
    const { recordTime: _recordTime, ...rest } = r;
    lines['events']!.push(JSON.stringify(rest));
  }
  const stats = await store.stats();
  const ids = Array.from({ length: stats.nodes }, (_, i) => i + 1);
  for (const n of await store.nodesById(ids)) lines['nodes']!.push(JSON.stringify(n));
  const tIds = Array.from({ length: stats.transformations }, (_, i) => i + 1);
  for (const f of await store.flowsOfTransformations(tIds)) lines['flows']!.push(JSON.stringify(f));
  for (const o of await store.eventObjectsOfEvents(seqs)) lines['eventObjects']!.push(JSON.stringify(o));
  lines['stats'] = [JSON.stringify(stats)];
  const sections: Record<string, { rows: number; sha256: string }> = {};
  for (const [k, v] of Object.entries(lines)) sections[k] = { rows: v.length, sha256: createHash('sha256').update(v.join('\n')).digest('hex') };
  return { sections, lines };
}
