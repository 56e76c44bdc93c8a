/**
 * What one event contributes to the projections, independent of the database: the adapters
 * turn this into rows. Kept pure so that both adapters project exactly alike.
 */
import type { EventFacts, ObjectEntry, PartyEntry } from '../domain/event-facts.js';
import type { ObjectRef } from '../domain/identifiers/object-ref.js';
import type { ObjectRole } from './event-store.js';

export interface ProjectedObject {
  readonly ref: ObjectRef;
  readonly role: ObjectRole;
  readonly quantity: number | null;
  readonly uom: string | null;
}

export interface Projection {
  readonly objects: readonly ProjectedObject[];
  /** Key of the transformation node: the transformationID, else the event itself. Null for other event types. */
  readonly transformationKey: string | null;
  readonly source: string | null;
  readonly destination: string | null;
}

/** The owning party of a source/destination list, else its location, else its possessing party. */
export function partyOf(list: readonly PartyEntry[]): string | null {
  for (const type of ['owning_party', 'location', 'possessing_party']) {
    const hit = list.find((p) => p.type === type);
    if (hit) return hit.id;
  }
  return list[0]?.id ?? null;
}

export function projectEvent(eventId: string, facts: EventFacts): Projection {
  const objects: ProjectedObject[] = [];
  const add = (entries: readonly ObjectEntry[], role: ObjectRole): void => {
    for (const e of entries) objects.push({ ref: e.ref, role, quantity: e.quantity, uom: e.uom });
  };
  add(facts.objects, 'object');
  if (facts.parent) objects.push({ ref: facts.parent, role: 'parent', quantity: null, uom: null });
  add(facts.inputs, 'input');
  add(facts.outputs, 'output');
  return {
    objects,
    transformationKey: facts.type === 'TransformationEvent' ? (facts.transformationId ?? `event:${eventId}`) : null,
    source: partyOf(facts.sources),
    destination: partyOf(facts.destinations),
  };
}
