/** More of a lot was consumed or shipped than was ever produced or received. */
import { inBase } from '../../genealogy/quantity.js';
import type { Finding } from '../finding.js';
import type { GapRule } from '../gap-rule.js';
import { label, lotSubject, makeFinding } from '../gap-rule.js';
import type { PlantView } from '../plant-view.js';
import { isJudged, isTraceable } from '../plant-view.js';

/** A lot's ins and outs in one base unit, or null when a quantity is missing or the units do not convert (then nothing is claimed). */
export function lotBalance(view: PlantView, node: number): { in: number; out: number; base: string; outSeqs: number[] } | null {
  let base: string | undefined;
  let inQ = 0;
  let outQ = 0;
  const outSeqs: number[] = [];
  const add = (q: number | null, uom: string | null, dir: 'in' | 'out', seq: number): boolean => {
    const b = inBase(q, uom);
    if (b === null || (base !== undefined && b.base !== base)) return false;
    base = b.base;
    if (dir === 'in') inQ += b.value;
    else {
      outQ += b.value;
      outSeqs.push(seq);
    }
    return true;
  };
  for (const f of view.producedBy.get(node) ?? []) if (!add(f.quantity, f.uom, 'in', f.seq)) return null;
  for (const f of view.consumedBy.get(node) ?? []) if (!add(f.quantity, f.uom, 'out', f.seq)) return null;
  for (const m of view.moves.get(node) ?? []) if (!add(m.quantity, m.uom, m.kind === 'received' ? 'in' : 'out', m.seq)) return null;
  for (const e of view.eventsOfNode.get(node) ?? []) {
    const own = e.objects.find((o) => o.node === node && o.role === 'object');
    if (!own || e.type !== 'ObjectEvent') continue;
    // a count resets the balance: the ledger before it is not comparable
    if (e.bizStep === 'cycle_counting' || e.bizStep === 'stock_taking') return null;
    if (e.adjustBy !== null) {
      if (!add(Math.abs(e.adjustBy), own.uom, e.adjustBy >= 0 ? 'in' : 'out', e.seq)) return null;
    } else if (e.bizStep === 'destroying' && own.quantity !== null && !add(own.quantity, own.uom, 'out', e.seq)) return null;
  }
  return base === undefined ? null : { in: inQ, out: outQ, base, outSeqs };
}

export const massBalance: GapRule = {
  id: 'mass-balance',
  severity: 'warning',
  timing: 'window',
  title: 'Mass balance broken',
  explanation: 'More of a lot was consumed or shipped than was produced or received (beyond the tolerance): an input, a receipt or a production quantity is missing or wrong, or another lot was used under this lot code. Check the quantities recorded against the lot.',
  check(view, config) {
    if (!view.complete) return [];
    const out: Finding[] = [];
    const { tolerance, absolute } = config.massBalance;
    for (const [node, ref] of view.nodes) {
      if (!isTraceable(ref) || !isJudged(view, node)) continue;
      const b = lotBalance(view, node);
      if (b === null || b.in <= 0 || b.out <= b.in * (1 + tolerance) + absolute + 1e-9) continue;
      const pct = Math.round(((b.out - b.in) / b.in) * 1000) / 10;
      out.push(
        makeFinding(this, view, {
          subject: lotSubject(ref),
          keyParts: [lotSubject(ref).ref],
          explanation: `${label(ref)}: ${round(b.out)} ${b.base} consumed or shipped, but only ${round(b.in)} ${b.base} produced or received (${pct} % more, tolerance ${tolerance * 100} %). A receipt or production quantity is missing or wrong, or another lot was used under this code.`,
          seqs: b.outSeqs,
        }),
      );
    }
    return out;
  },
};

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
