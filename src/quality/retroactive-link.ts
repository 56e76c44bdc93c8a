/**
 * Recording a missing link after the fact: the operator confirms "these inputs went into that
 * batch". The link is a corrective TransformationEvent, attributed (who confirmed, from which
 * exception), time-stamped (event time: when it happened; record time: now) and marked
 * `lotline:retroactive` with the business step RETROACTIVE_LINK_BIZ_STEP, so every trace answer
 * shows the link as retroactive.
 */
import { LotlineError } from '../domain/errors.js';
import { RETROACTIVE_LINK_BIZ_STEP } from '../domain/lotline-vocabulary.js';
import type { ObjectRef } from '../domain/identifiers/object-ref.js';
import { toDigitalLink } from '../domain/identifiers/digital-link.js';
import type { CapturedEvent } from '../store/event-store.js';
import { nowWithZone } from './e-signature.js';
import { captured, commandEvent } from './quality-events.js';

export const RETROACTIVE_FIELD = 'lotline:retroactive';

export interface LinkLot {
  readonly ref: ObjectRef;
  readonly quantity?: number;
  readonly uom?: string;
}

export interface RetroactiveLink {
  readonly inputs: readonly LinkLot[];
  /** The batch's outputs, or (with `batch`) none: the batch's transformationID links them all. */
  readonly outputs: readonly LinkLot[];
  readonly batch?: string;
  /** When the inputs went in (ISO with offset). */
  readonly time: string;
}

const spec = (l: LinkLot) => ({ ref: toDigitalLink(l.ref), ...(l.quantity !== undefined ? { quantity: l.quantity } : {}), ...(l.uom !== undefined ? { uom: l.uom } : {}) });

/** The corrective event; `exceptionId` and `confirmedBy` say why and on whose word. */
export function retroactiveLinkEvent(link: RetroactiveLink, exceptionId: number, confirmedBy: string): CapturedEvent {
  if (link.inputs.length === 0) throw new LotlineError('INPUT_INVALID', 'link.inputs: name the inputs that went into the batch', { issues: [{ path: '$.link.inputs', reason: 'needs at least one input' }] });
  const ev: Record<string, unknown> = commandEvent({
    cmd: 'produce',
    time: link.time,
    inputs: link.inputs.map(spec),
    outputs: link.outputs.map(spec),
    ...(link.batch !== undefined ? { batch: link.batch } : {}),
    note: `link recorded retroactively for exception ${exceptionId}`,
  });
  ev['bizStep'] = RETROACTIVE_LINK_BIZ_STEP;
  ev[RETROACTIVE_FIELD] = { exception: exceptionId, confirmedBy, confirmedAt: nowWithZone() };
  return captured(ev);
}
