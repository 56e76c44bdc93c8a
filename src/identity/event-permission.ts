/**
 * Which permission capturing an event needs: decisions about a lot's fitness for use (holds,
 * releases, destruction, recalls, error declarations) belong to quality; everything else that
 * records what happened on the floor is plain capture.
 */
import { HOLD_DISPOSITIONS, RELEASE_DISPOSITIONS } from '../genealogy/lot-state.js';
import type { CapturedEvent } from '../store/event-store.js';
import type { Permission } from './roles.js';

const QUALITY_STEPS: readonly string[] = ['holding', 'destroying', 'recalling'];
const QUALITY_DISPOSITIONS: readonly string[] = [...HOLD_DISPOSITIONS, 'recalled', 'destroyed'];

export function permissionFor(ev: CapturedEvent): Extract<Permission, 'capture' | 'quality'> {
  const f = ev.facts;
  if (f.errorDeclaration !== null) return 'quality';
  if (f.bizStep !== null && QUALITY_STEPS.includes(f.bizStep)) return 'quality';
  if (f.disposition !== null && QUALITY_DISPOSITIONS.includes(f.disposition)) return 'quality';
  if ([...f.persistentSet, ...f.persistentUnset].some((d) => QUALITY_DISPOSITIONS.includes(d))) return 'quality';
  // A release: an inspection (or holding step) that makes the lot usable again.
  if (f.type === 'ObjectEvent' && f.disposition !== null && (RELEASE_DISPOSITIONS as readonly string[]).includes(f.disposition) && (f.bizStep === 'inspecting' || f.bizStep === null)) return 'quality';
  return 'capture';
}
