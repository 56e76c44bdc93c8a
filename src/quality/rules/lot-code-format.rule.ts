/** A lot code that breaks its item's configured format (e.g. `YYYYMMDD-PRODUCT-SEQ`). */
import type { Finding } from '../finding.js';
import type { GapRule } from '../gap-rule.js';
import { label, lotSubject, makeFinding } from '../gap-rule.js';
import { inFocus } from '../plant-view.js';

export const lotCodeFormat: GapRule = {
  id: 'lot-code-format',
  severity: 'warning',
  timing: 'immediate',
  title: "Lot code breaks the item's format",
  explanation: "A lot code does not have the form configured for its item: it was typed by hand, read wrongly, or belongs to another item. A code that cannot be read back (its date, its sequence) makes recalls by date range unreliable. Check the label and correct the event if the code is wrong.",
  check(view, config) {
    if (config.lotFormats.size === 0) return [];
    const out: Finding[] = [];
    for (const [node, ref] of view.nodes) {
      if (ref.kind !== 'lot') continue;
      const format = config.lotFormats.get(ref.item);
      const events = (view.eventsOfNode.get(node) ?? []).filter((e) => inFocus(view, e.seq));
      if (!format || events.length === 0) continue;
      const why = format.check(ref.lot);
      if (why === null) continue;
      out.push(
        makeFinding(this, view, {
          subject: lotSubject(ref),
          keyParts: [lotSubject(ref).ref],
          explanation: `${label(ref)}: ${why}, the format of item ${ref.item}. Check the label; if the code was read or typed wrongly, correct the event.`,
          seqs: [events[0]!.seq],
        }),
      );
    }
    return out;
  },
};
