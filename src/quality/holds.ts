/**
 * Placing a hold: on one lot, a list, or a recall scope (the lots of a trace), optionally with
 * every descendant (forward trace). The hold is one EPCIS ObjectEvent, bizStep `holding`,
 * disposition `non_sellable_other`, as the native `hold` command writes it.
 */
import { LotlineError } from '../domain/errors.js';
import type { ObjectRef } from '../domain/identifiers/object-ref.js';
import { refKey, refLabel } from '../domain/identifiers/object-ref.js';
import { parseRef } from '../domain/identifiers/index.js';
import type { Direction, TraceLot } from '../genealogy/trace.js';
import { trace } from '../genealogy/trace.js';
import type { CapturedEvent, EventStore } from '../store/event-store.js';
import { captured, commandEvent } from './quality-events.js';
import { nowWithZone } from './e-signature.js';

export interface HoldRequest {
  readonly lots: readonly ObjectRef[];
  /** A recall scope: every lot of this trace (its root included). */
  readonly scope?: { readonly ref: ObjectRef; readonly direction: Direction };
  /** Also hold everything made from the lots (forward trace of each). */
  readonly descendants?: boolean;
  readonly reason: string;
  /** Complaint, supplier notice, deviation number… */
  readonly reference?: string;
  /** Event time (ISO with offset); default now. */
  readonly time?: string;
}

/** A lot of a trace answer as a ref again (an `other` object travels as its URI in `serial`). */
function fromJson(r: TraceLot): ObjectRef {
  if (r.lot !== undefined) return { kind: 'lot', item: r.item, lot: r.lot };
  return r.item === '' ? parseRef(r.serial ?? '') : { kind: 'serial', item: r.item, serial: r.serial ?? '' };
}

/** The lots a hold covers, each once, in a stable order; LOT_NOT_FOUND for a lot no event names. */
export async function holdTargets(store: EventStore, req: Pick<HoldRequest, 'lots' | 'scope' | 'descendants'>): Promise<ObjectRef[]> {
  const out = new Map<string, ObjectRef>();
  const add = (r: ObjectRef): void => void (out.has(refKey(r)) || out.set(refKey(r), r));
  const known = await store.findNodes(req.lots);
  for (const l of req.lots) {
    if (!known.has(refKey(l))) throw new LotlineError('LOT_NOT_FOUND', `no event names ${refLabel(l)}: check the item and the lot code`);
    add(l);
  }
  if (req.scope) for (const t of (await trace(store, req.scope.ref, req.scope.direction)).lots) add(fromJson(t));
  if (req.descendants) for (const l of [...out.values()]) for (const t of (await trace(store, l, 'forward')).lots) add(fromJson(t));
  if (out.size === 0) throw new LotlineError('INPUT_INVALID', 'a hold needs at least one lot: give lots or a scope', { issues: [{ path: '$.lots', reason: 'needs at least one lot' }] });
  return [...out.values()];
}

/** The hold event over the lots of the request. */
export async function holdEvent(store: EventStore, req: HoldRequest): Promise<{ event: CapturedEvent; lots: ObjectRef[] }> {
  const lots = await holdTargets(store, req);
  const ev = commandEvent({ cmd: 'hold', time: req.time ?? nowWithZone(), reason: req.reason, ...(req.reference !== undefined ? { reference: req.reference } : {}) }, lots);
  return { event: captured(ev), lots };
}
