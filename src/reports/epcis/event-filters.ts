/**
 * The EPCIS SimpleEventQuery filters Lotline answers (eventType, times, bizStep, disposition,
 * bizLocation, MATCH_*), turned into a store query. Shared by the EPCIS events endpoint and the
 * EPCIS export (HTTP and CLI), so that one filter means the same everywhere.
 */
import { normalizeCbv } from '../../domain/cbv.js';
import { LotlineError } from '../../domain/errors.js';
import { EVENT_TYPES, parseDateTime } from '../../domain/event-facts.js';
import { parseRef } from '../../domain/identifiers/index.js';
import type { EventQuery, EventStore, ObjectMatch, ObjectRole } from '../../store/event-store.js';

/** Filter values as the EPCIS query interface names them; lists are alternatives. */
export interface EventFilters {
  readonly eventType?: readonly string[] | undefined;
  readonly GE_eventTime?: string | undefined;
  readonly LT_eventTime?: string | undefined;
  readonly GE_recordTime?: string | undefined;
  readonly EQ_bizStep?: readonly string[] | undefined;
  readonly EQ_disposition?: readonly string[] | undefined;
  readonly EQ_bizLocation?: readonly string[] | undefined;
  readonly MATCH_epc?: readonly string[] | undefined;
  readonly MATCH_anyEPC?: readonly string[] | undefined;
  readonly MATCH_epcClass?: readonly string[] | undefined;
  readonly MATCH_anyEPCClass?: readonly string[] | undefined;
}

export type ResolvedFilters = Omit<EventQuery, 'afterSeq' | 'limit'>;

/** How a caller names a filter in errors: over HTTP the query parameter, on the command line its flag. */
export type FilterName = (name: keyof EventFilters) => string;

/**
 * The store query of these filters. A bad value is INPUT_INVALID (or its identifier/CBV code)
 * naming the filter as the caller knows it (`query.EQ_bizStep` over HTTP).
 */
export async function resolveEventFilters(store: EventStore, f: EventFilters, nameOf: FilterName = (n) => `query.${n}`): Promise<ResolvedFilters> {
  const param = <T>(name: keyof EventFilters, fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      const label = nameOf(name);
      if (e instanceof LotlineError) throw new LotlineError(e.code === 'USAGE' ? 'INPUT_INVALID' : e.code, `${label.replace(/^query\./, '')}: ${e.message}`, { issues: [{ path: label, reason: e.message }], cause: e });
      throw e;
    }
  };
  const time = (name: keyof EventFilters, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const ms = parseDateTime(v);
    if (ms === undefined) param(name, () => { throw new LotlineError('INPUT_INVALID', `${JSON.stringify(v)} must be a date-time with offset, such as 2026-05-04T08:00:00Z`); });
    return ms;
  };
  if (f.eventType) for (const t of f.eventType) if (!(EVENT_TYPES as readonly string[]).includes(t)) param('eventType', () => { throw new LotlineError('INPUT_INVALID', `${JSON.stringify(t)} is not one of ${EVENT_TYPES.join(', ')}`); });
  const objects: ObjectMatch[] = [];
  const match = async (name: keyof EventFilters, values: readonly string[] | undefined, roles: ObjectRole[]): Promise<void> => {
    if (!values) return;
    const nodeIds: number[] = [];
    for (const v of values) {
      const ref = param(name, () => parseRef(v));
      for (const n of (await store.findNodes([ref])).values()) nodeIds.push(n.id);
      // A class pattern (urn:epc:idpat:…, a bare GTIN class) matches every lot and serial of the item.
      if (ref.kind === 'class') for (const n of await store.searchNodes(ref.item, 10_000)) if ('item' in n.ref && n.ref.item === ref.item) nodeIds.push(n.id);
    }
    objects.push({ nodeIds, roles });
  };
  await match('MATCH_epc', f.MATCH_epc, ['object']);
  await match('MATCH_anyEPC', f.MATCH_anyEPC, ['object', 'parent', 'input', 'output']);
  await match('MATCH_epcClass', f.MATCH_epcClass, ['object']);
  await match('MATCH_anyEPCClass', f.MATCH_anyEPCClass, ['object', 'input', 'output']);
  const from = time('GE_eventTime', f.GE_eventTime);
  const to = time('LT_eventTime', f.LT_eventTime);
  const recorded = time('GE_recordTime', f.GE_recordTime);
  return {
    ...(f.eventType ? { types: f.eventType } : {}),
    ...(from !== undefined ? { eventMsFrom: from } : {}),
    ...(to !== undefined ? { eventMsTo: to } : {}),
    ...(recorded !== undefined ? { recordTimeFrom: new Date(recorded).toISOString() } : {}),
    ...(f.EQ_bizStep ? { bizSteps: f.EQ_bizStep.map((s) => param('EQ_bizStep', () => normalizeCbv('bizStep', s))) } : {}),
    ...(f.EQ_disposition ? { dispositions: f.EQ_disposition.map((s) => param('EQ_disposition', () => normalizeCbv('disposition', s))) } : {}),
    ...(f.EQ_bizLocation ? { bizLocations: f.EQ_bizLocation } : {}),
    ...(objects.length ? { objects } : {}),
  };
}
