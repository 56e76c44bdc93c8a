/**
 * Which events count for a query: those known at the "as of" log position, not voided by an
 * error declaration known by then, and inside the event-time window.
 */
export interface Visibility {
  /** Last log position the query may see. */
  readonly maxSeq: number;
  /** Event-time window in epoch ms: from (inclusive), to (exclusive). */
  readonly fromMs: number;
  readonly toMs: number;
}

export function isVisible(v: Visibility, e: { readonly seq: number; readonly voidSeq: number | null; readonly eventMs: number }): boolean {
  return e.seq <= v.maxSeq && (e.voidSeq === null || e.voidSeq > v.maxSeq) && e.eventMs >= v.fromMs && e.eventMs < v.toMs;
}
