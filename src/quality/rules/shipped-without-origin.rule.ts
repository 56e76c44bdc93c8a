/** A lot left the plant, but was never produced or received there. */
import type { Finding } from '../finding.js';
import type { GapRule } from '../gap-rule.js';
import { label, lotSubject, makeFinding } from '../gap-rule.js';
import { isJudged, isTraceable, originsOf } from '../plant-view.js';

export const shippedWithoutOrigin: GapRule = {
  id: 'shipped-without-origin',
  severity: 'critical',
  timing: 'window',
  title: 'Shipped lot never produced or received',
  explanation: 'A lot was shipped to a customer, but its production or receipt is not recorded: in a recall nobody could say what went into it. Record the production (with its inputs) or the receipt.',
  check(view, config) {
    if (!view.complete) return [];
    const out: Finding[] = [];
    for (const [node, moves] of view.moves) {
      const shipped = moves.filter((m) => m.kind === 'shipped');
      const ref = view.nodes.get(node);
      if (shipped.length === 0 || !isJudged(view, node) || !isTraceable(ref) || originsOf(view, node).length > 0) continue;
      if (shipped.every((m) => m.eventMs > view.nowMs - config.graceMs)) continue;
      out.push(
        makeFinding(this, view, {
          subject: lotSubject(ref!),
          keyParts: [lotSubject(ref!).ref],
          explanation: `${label(ref!)} was shipped ${shipped.length === 1 ? 'once' : `${shipped.length} times`} but was never produced or received: in a recall nobody could say what went into it. Record its production with its inputs, or its receipt.`,
          seqs: shipped.map((m) => m.seq),
        }),
      );
    }
    return out;
  },
};
