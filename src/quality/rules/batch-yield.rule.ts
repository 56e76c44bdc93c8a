/** A batch gave out more or less than its configured yield allows (output ÷ input quantity). */
import { sumInBase } from '../../genealogy/quantity.js';
import type { Finding } from '../finding.js';
import type { GapRule } from '../gap-rule.js';
import { label, lotSubject, makeFinding } from '../gap-rule.js';

export const batchYield: GapRule = {
  id: 'batch-yield',
  severity: 'warning',
  timing: 'window',
  title: 'Batch yield outside its bounds',
  explanation: "A batch's output is out of proportion with its recorded inputs (the item's configured yield bounds): an input was not scanned, or a quantity is wrong. Check the batch record against the production order.",
  check(view, config) {
    if (!view.complete || config.yieldBounds.size === 0) return [];
    const out: Finding[] = [];
    for (const t of view.transformations.values()) {
      if (t.inputs.length === 0 || t.outputs.length === 0) continue;
      if ([...t.inputs, ...t.outputs].some((f) => f.eventMs > view.nowMs - config.graceMs)) continue;
      const first = view.nodes.get(t.outputs[0]!.node);
      if (!first || !('item' in first)) continue;
      const bounds = config.yieldBounds.get(first.item);
      const ins = sumInBase(t.inputs);
      const outs = sumInBase(t.outputs);
      if (!bounds || ins === null || outs === null || ins.base !== outs.base || ins.value <= 0) continue;
      const ratio = outs.value / ins.value;
      if (ratio >= bounds.min - 1e-9 && ratio <= bounds.max + 1e-9) continue;
      const firstEvent = view.events.get(t.outputs[0]!.seq)!;
      out.push(
        makeFinding(this, view, {
          subject: lotSubject(first),
          keyParts: [lotSubject(first).ref, firstEvent.eventId],
          explanation: `The batch that made ${label(first)} turned ${round(ins.value)} ${ins.base} of inputs into ${round(outs.value)} ${outs.base}: a yield of ${round(ratio * 100)} %, outside ${bounds.min * 100}–${bounds.max * 100} %. An input may not have been scanned, or a quantity is wrong.`,
          seqs: [...t.inputs, ...t.outputs].map((f) => f.seq),
          placeSeq: t.outputs[0]!.seq,
        }),
      );
    }
    return out;
  },
};

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
