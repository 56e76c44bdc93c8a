/** Builds the events of quality decisions from native commands, so they read exactly as the native `hold`, `release` and `destroy` lines do. */
import { captureEvent } from '../capture/captured-event.js';
import { NativeCommand } from '../capture/native/native-command.js';
import { nativeToEpcis } from '../capture/native/native-to-epcis.js';
import type { Issue } from '../domain/errors.js';
import { LotlineError } from '../domain/errors.js';
import type { RawEvent } from '../domain/event-facts.js';
import { toDigitalLink } from '../domain/identifiers/digital-link.js';
import type { ObjectRef } from '../domain/identifiers/object-ref.js';
import type { CapturedEvent } from '../store/event-store.js';

/** Lots as a native command lists them. */
export function lotSpecs(lots: readonly ObjectRef[]): { ref: string }[] {
  return lots.map((l) => ({ ref: toDigitalLink(l) }));
}

/** The EPCIS event of a native command over these lots; extra fields are added before the id is derived. */
export function commandEvent(command: Record<string, unknown>, lots?: readonly ObjectRef[]): RawEvent {
  const parsed = NativeCommand.safeParse(lots ? { ...command, lots: lotSpecs(lots) } : command);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    const path = `$.${i.path.map(String).join('.')}`;
    throw new LotlineError('INPUT_INVALID', `${path}: ${i.message}`, { issues: [{ path, reason: i.message }] });
  }
  const issues: Issue[] = [];
  const ev = nativeToEpcis(parsed.data, issues);
  if (!ev) throw new LotlineError('INPUT_INVALID', `${issues[0]!.path}: ${issues[0]!.reason}`, { issues });
  return ev;
}

/** The captured form of an event built here (its eventID derived from its content). */
export function captured(ev: RawEvent): CapturedEvent {
  const issues: Issue[] = [];
  const c = captureEvent(ev, '$', issues);
  if (!c) throw new LotlineError('INPUT_INVALID', `${issues[0]!.path}: ${issues[0]!.reason}`, { issues });
  return c;
}
