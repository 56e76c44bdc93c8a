/** The benchmark's correctness gate: every baseline must find exactly the lots Lotline lists. */
import type { ObjectRef } from '../../src/domain/identifiers/object-ref.js';
import type { TraceResult } from '../../src/genealogy/trace.js';

/** Names of the baselines whose sorted lot keys differ from Lotline's, with both sizes. */
export function disagreements(lotline: readonly string[], baselines: Readonly<Record<string, readonly string[]>>): string[] {
  const out: string[] = [];
  for (const [name, s] of Object.entries(baselines)) {
    if (s.length !== lotline.length || s.some((k, i) => k !== lotline[i])) {
      const mine = new Set(lotline);
      const theirs = new Set(s);
      const missing = lotline.filter((k) => !theirs.has(k)).length;
      const extra = s.filter((k) => !mine.has(k)).length;
      out.push(`Lotline lists ${lotline.length} lots, ${name} ${s.length} (${missing} missing from it, ${extra} only in it)`);
    }
  }
  return out;
}


/** A traceable node as a comparable key; units and class-only references are not lots. */
export function lotKey(ref: ObjectRef | undefined): string | undefined {
  if (!ref) return undefined;
  if (ref.kind === 'lot') return `${ref.item}\u0000lot\u0000${ref.lot}`;
  if (ref.kind === 'serial') return `${ref.item}\u0000serial\u0000${ref.serial}`;
  if (ref.kind === 'other') return `\u0000serial\u0000${ref.uri}`;
  return undefined;
}

/** The traceable lots among node ids, as sorted keys. */
export function lotSet(ids: Iterable<number>, refs: readonly (ObjectRef | undefined)[]): string[] {
  const out: string[] = [];
  for (const id of ids) {
    const k = lotKey(refs[id]);
    if (k !== undefined) out.push(k);
  }
  return out.sort();
}

/** The lots a Lotline trace lists, as sorted keys. */
export function traceLots(t: TraceResult): string[] {
  return t.lots.map((l) => (l.lot !== undefined ? `${l.item}\u0000lot\u0000${l.lot}` : `${l.item}\u0000serial\u0000${l.serial}`)).sort();
}
