/** A production consumed an item without naming its lot (a GTIN alone): the link cannot be traced. */
import type { Finding } from '../finding.js';
import type { GapRule } from '../gap-rule.js';
import { makeFinding } from '../gap-rule.js';
import { inFocus } from '../plant-view.js';

export const classOnlyInput: GapRule = {
  id: 'class-only-input',
  severity: 'warning',
  timing: 'immediate',
  title: 'Input without lot (class only)',
  explanation: 'A production recorded an input by its item (GTIN) only, without a lot or serial: the batch cannot be traced back to the lot actually used. Scan the lot label, not the item barcode.',
  check(view) {
    const out: Finding[] = [];
    for (const e of view.events.values()) {
      if (e.type !== 'TransformationEvent' || !inFocus(view, e.seq)) continue;
      for (const o of e.objects) {
        const ref = view.nodes.get(o.node);
        if (o.role !== 'input' || ref?.kind !== 'class') continue;
        out.push(
          makeFinding(this, view, {
            subject: { kind: 'event', ref: e.eventId },
            keyParts: [e.eventId, ref.item],
            explanation: `The production at ${e.eventTime} consumed item ${ref.item} without a lot: which lot went into the batch is unknown. Find the lot that was used and record it (a corrective event), and make the line scan the lot label.`,
            seqs: [e.seq],
          }),
        );
      }
    }
    return out;
  },
};
