/** A lot came out of a production that recorded no inputs: its genealogy starts in the middle of the plant. */
import type { GapRule } from '../gap-rule.js';
import { label, lotSubject, makeFinding, when } from '../gap-rule.js';
import { isTraceable } from '../plant-view.js';

export const producedWithoutInputs: GapRule = {
  id: 'produced-without-inputs',
  severity: 'warning',
  timing: 'window',
  title: 'Produced lot without recorded inputs',
  explanation: 'A batch produced this lot but no input was scanned into it, so a backward trace stops here. Find the production order and record the inputs that went into the batch.',
  check(view, config) {
    if (!view.complete) return [];
    const out = [];
    for (const t of view.transformations.values()) {
      if (t.inputs.length > 0) continue;
      const first = t.outputs[0];
      // a continuous run whose inputs may still be on their way is judged after the grace period
      if (!first || t.outputs.some((f) => f.eventMs > view.nowMs - config.graceMs)) continue;
      for (const f of t.outputs) {
        const ref = view.nodes.get(f.node);
        if (!isTraceable(ref)) continue;
        out.push(
          makeFinding(this, view, {
            subject: lotSubject(ref!),
            keyParts: [lotSubject(ref!).ref, view.events.get(f.seq)!.eventId],
            explanation: `${label(ref!)} was produced at ${when(view, f.seq)} without any recorded input: a backward trace stops at this lot. Record the inputs of the batch (or declare the production erroneous if it did not happen).`,
            seqs: t.outputs.map((o) => o.seq),
            placeSeq: f.seq,
          }),
        );
      }
    }
    return out;
  },
};
