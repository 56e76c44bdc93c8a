/** One lot code used for lots of different items, where the plant forbids it. */
import type { Finding } from '../finding.js';
import type { GapRule } from '../gap-rule.js';
import { lotSubject, makeFinding } from '../gap-rule.js';
import { inFocus } from '../plant-view.js';

export const duplicateLotCode: GapRule = {
  id: 'duplicate-lot-code',
  severity: 'warning',
  timing: 'immediate',
  title: 'Same lot code for different items',
  explanation: 'The plant gives every lot a code of its own, but this code was used for lots of two or more items: a label was printed twice, or a code was typed for the wrong item. A recall by lot code would catch the wrong lot. Check which item the code belongs to.',
  check(view, config) {
    if (!config.forbidDuplicateLotCodes) return [];
    const byCode = new Map<string, { node: number; item: string; firstSeq: number; firstMs: number; focus: boolean }[]>();
    for (const [node, ref] of view.nodes) {
      const events = view.eventsOfNode.get(node);
      if (ref.kind !== 'lot' || !events || events.length === 0) continue;
      const entry = { node, item: ref.item, firstSeq: events[0]!.seq, firstMs: events[0]!.eventMs, focus: events.some((e) => inFocus(view, e.seq)) };
      const l = byCode.get(ref.lot);
      if (l) l.push(entry);
      else byCode.set(ref.lot, [entry]);
    }
    const out: Finding[] = [];
    for (const [code, lots] of byCode) {
      if (new Set(lots.map((l) => l.item)).size < 2 || !lots.some((l) => l.focus)) continue;
      lots.sort((a, b) => a.firstMs - b.firstMs || a.firstSeq - b.firstSeq);
      const newest = view.nodes.get(lots[lots.length - 1]!.node)!;
      out.push(
        makeFinding(this, view, {
          subject: lotSubject(newest),
          keyParts: [code],
          explanation: `The lot code "${code}" is used for ${lots.length} lots of different items (${[...new Set(lots.map((l) => l.item))].join(', ')}), which this plant forbids. Check which item the code belongs to and correct the others.`,
          seqs: lots.map((l) => l.firstSeq),
          placeSeq: lots[lots.length - 1]!.firstSeq,
        }),
      );
    }
    return out;
  },
};
