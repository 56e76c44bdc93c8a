/** A lot was consumed or shipped before it was received or produced (event time). */
import type { Finding } from '../finding.js';
import type { GapRule } from '../gap-rule.js';
import { label, lotSubject, makeFinding } from '../gap-rule.js';
import { isJudged, isTraceable, originsOf } from '../plant-view.js';

export const eventBeforePredecessor: GapRule = {
  id: 'event-before-predecessor',
  severity: 'warning',
  timing: 'window',
  title: 'Event before its predecessor',
  explanation: 'A lot was consumed or shipped at a time before it was received or produced: a clock is wrong, a time was typed wrongly, or a different lot was used. Check the times of both events.',
  check(view) {
    if (!view.complete) return [];
    const out: Finding[] = [];
    for (const [node, ref] of view.nodes) {
      if (!isTraceable(ref) || !isJudged(view, node)) continue;
      const origin = originsOf(view, node)[0];
      if (!origin) continue;
      const early = new Map<number, number>();
      for (const f of view.consumedBy.get(node) ?? []) if (f.eventMs < origin.eventMs) early.set(f.seq, f.eventMs);
      for (const m of view.moves.get(node) ?? []) if (m.kind === 'shipped' && m.eventMs < origin.eventMs) early.set(m.seq, m.eventMs);
      for (const seq of early.keys()) {
        const e = view.events.get(seq)!;
        const what = e.type === 'TransformationEvent' ? 'consumed' : 'shipped';
        out.push(
          makeFinding(this, view, {
            subject: lotSubject(ref),
            keyParts: [lotSubject(ref).ref, e.eventId],
            explanation: `${label(ref)} was ${what} at ${e.eventTime}, before it was ${view.producedBy.has(node) ? 'produced' : 'received'} at ${view.events.get(origin.seq)!.eventTime}. Check both times (a scanner clock, a typed time) and whether the right lot was scanned.`,
            seqs: [origin.seq, seq],
            placeSeq: seq,
          }),
        );
      }
    }
    return out;
  },
};
