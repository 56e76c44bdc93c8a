/** A lot was used as an input, but was never received or produced: it appears from nowhere. */
import type { Finding } from '../finding.js';
import type { GapRule } from '../gap-rule.js';
import { label, lotSubject, makeFinding } from '../gap-rule.js';
import { isJudged, isTraceable, originsOf } from '../plant-view.js';

export const inputWithoutOrigin: GapRule = {
  id: 'input-without-origin',
  severity: 'warning',
  timing: 'window',
  title: 'Input never received or produced',
  explanation: 'A lot was consumed in production, but no receipt or production of it is recorded: the trace cannot reach its supplier or its own inputs. Record the missing receipt (with the supplier lot) or production.',
  check(view, config) {
    if (!view.complete) return [];
    const out: Finding[] = [];
    for (const [node, flows] of view.consumedBy) {
      const ref = view.nodes.get(node);
      if (!isJudged(view, node) || !isTraceable(ref) || originsOf(view, node).length > 0) continue;
      if (flows.every((f) => f.eventMs > view.nowMs - config.graceMs)) continue;
      out.push(
        makeFinding(this, view, {
          subject: lotSubject(ref!),
          keyParts: [lotSubject(ref!).ref],
          explanation: `${label(ref!)} was consumed ${flows.length === 1 ? 'once' : `${flows.length} times`} but was never received or produced: a backward trace cannot reach its supplier. Record its receipt (supplier, supplier lot) or its production.`,
          seqs: flows.map((f) => f.seq),
        }),
      );
    }
    return out;
  },
};
