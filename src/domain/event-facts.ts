/**
 * The canonical event model. Lotline keeps every event as the EPCIS 2.0 JSON object it
 * came as (native commands are translated into one), so that export is lossless; what the
 * genealogy needs from it is read once, at capture, into these facts.
 */
import type { Issue } from './errors.js';
import { LotlineError } from './errors.js';
import type { ObjectRef } from './identifiers/object-ref.js';
import { parseObjectUri } from './identifiers/index.js';
import { normalizeCbv } from './cbv.js';
import { UOM_PATTERN } from './units.js';

export const EVENT_TYPES = [
  'ObjectEvent',
  'AggregationEvent',
  'TransactionEvent',
  'TransformationEvent',
  'AssociationEvent',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const ACTIONS = ['OBSERVE', 'ADD', 'DELETE'] as const;
export type Action = (typeof ACTIONS)[number];

/** An EPCIS event as a JSON object (already parsed, not yet trusted). */
export type RawEvent = Readonly<Record<string, unknown>>;

/** An object named by an event, with its quantity when the event gave one. */
export interface ObjectEntry {
  readonly ref: ObjectRef;
  readonly quantity: number | null;
  readonly uom: string | null;
}

export interface PartyEntry {
  /** CBV source/destination type, bare (`owning_party`, `location`, …) or a user URI. */
  readonly type: string;
  readonly id: string;
}

export interface BizTransactionEntry {
  readonly type: string | null;
  readonly id: string;
}

export interface ErrorDeclarationFacts {
  readonly declarationTime: string;
  readonly reason: string | null;
  readonly correctiveEventIds: readonly string[];
}

/** What the genealogy, lot state and reports read from one event. */
export interface EventFacts {
  readonly type: EventType;
  readonly action: Action | null;
  /** Event time as given (with its offset). */
  readonly eventTime: string;
  /** Event time in epoch milliseconds, for ordering and windows. */
  readonly eventMs: number;
  readonly eventTimeZoneOffset: string;
  readonly bizStep: string | null;
  readonly disposition: string | null;
  readonly persistentSet: readonly string[];
  readonly persistentUnset: readonly string[];
  readonly readPoint: string | null;
  readonly bizLocation: string | null;
  /** epcList + quantityList (ObjectEvent), or the children of an Aggregation/Transaction/Association event. */
  readonly objects: readonly ObjectEntry[];
  /** parentID of Aggregation/Transaction/Association events. */
  readonly parent: ObjectRef | null;
  readonly inputs: readonly ObjectEntry[];
  readonly outputs: readonly ObjectEntry[];
  readonly transformationId: string | null;
  readonly sources: readonly PartyEntry[];
  readonly destinations: readonly PartyEntry[];
  readonly bizTransactions: readonly BizTransactionEntry[];
  readonly errorDeclaration: ErrorDeclarationFacts | null;
}

const KNOWN_FIELDS: Record<EventType, readonly string[]> = {
  ObjectEvent: ['action', 'epcList', 'quantityList', 'ilmd'],
  AggregationEvent: ['action', 'parentID', 'childEPCs', 'childQuantityList'],
  TransactionEvent: ['action', 'parentID', 'epcList', 'quantityList'],
  TransformationEvent: ['inputEPCList', 'inputQuantityList', 'outputEPCList', 'outputQuantityList', 'transformationID', 'ilmd'],
  AssociationEvent: ['action', 'parentID', 'childEPCs', 'childQuantityList'],
};
const COMMON_FIELDS = [
  '@context', 'type', 'eventTime', 'recordTime', 'eventTimeZoneOffset', 'eventID', 'certificationInfo', 'errorDeclaration',
  'bizStep', 'disposition', 'persistentDisposition', 'readPoint', 'bizLocation', 'bizTransactionList', 'sourceList',
  'destinationList', 'sensorElementList',
];

/** RFC 3339 date-time: the offset is mandatory (EPCIS: `eventTime` is an instant). */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const TZ_OFFSET = /^[+-]((0\d|1[0-3]):[0-5]\d|14:00)$/;
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/;

const ALLOWED_FIELDS = new Map<EventType, ReadonlySet<string>>();

/** The standard fields of an event type (built once per type, not once per event). */
function allowedFields(t: EventType): ReadonlySet<string> {
  let set = ALLOWED_FIELDS.get(t);
  if (!set) ALLOWED_FIELDS.set(t, (set = new Set([...COMMON_FIELDS, ...KNOWN_FIELDS[t]])));
  return set;
}

/** Parses an RFC 3339 date-time with offset to epoch ms, or returns undefined. */
export function parseDateTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = DATE_TIME.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 31 April over into May; refuse instead of guessing.
  if (new Date(Date.UTC(Number(y), month - 1, day)).getUTCDate() !== day) return undefined;
  return ms;
}

export function isUri(value: unknown): value is string {
  return typeof value === 'string' && URI.test(value);
}

/** Reads facts from a raw EPCIS event; every problem is added to `issues` (with `path`). */
export function interpretEvent(raw: unknown, path: string, issues: Issue[]): EventFacts | undefined {
  const before = issues.length;
  const bad = (p: string, reason: string): undefined => {
    issues.push({ path: p, reason });
    return undefined;
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad(path, 'an event must be a JSON object');
  const e = raw as Record<string, unknown>;
  const type = e['type'];
  if (typeof type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(type)) {
    return bad(`${path}.type`, `"type" must be one of ${EVENT_TYPES.join(', ')}${type === undefined ? ' (it is missing)' : `, not ${JSON.stringify(type)}`}`);
  }
  const t = type as EventType;
  const allowed = allowedFields(t);
  for (const key of Object.keys(e)) {
    // Extensions are namespaced (`prefix:name` or a full IRI); a bare unknown word is a typo.
    if (!allowed.has(key) && !key.includes(':')) bad(`${path}.${key}`, `unknown field "${key}" for ${article(t)} ${t} (extension fields need a namespace prefix, like "example:${key}")`);
  }

  const eventMs = parseDateTime(e['eventTime']);
  if (e['eventTime'] === undefined) bad(`${path}.eventTime`, 'eventTime is required');
  else if (eventMs === undefined) bad(`${path}.eventTime`, `eventTime must be a date-time with a time-zone offset, like 2026-05-04T10:15:00+02:00 (got ${JSON.stringify(e['eventTime'])})`);
  const tz = e['eventTimeZoneOffset'];
  if (tz === undefined) bad(`${path}.eventTimeZoneOffset`, 'eventTimeZoneOffset is required, like "+02:00"');
  else if (typeof tz !== 'string' || !TZ_OFFSET.test(tz)) bad(`${path}.eventTimeZoneOffset`, `eventTimeZoneOffset must look like "+02:00" or "-05:00" (got ${JSON.stringify(tz)})`);
  if (e['recordTime'] !== undefined && parseDateTime(e['recordTime']) === undefined) bad(`${path}.recordTime`, 'recordTime must be a date-time with a time-zone offset');
  if (e['eventID'] !== undefined && !isUri(e['eventID'])) bad(`${path}.eventID`, `eventID must be a URI (got ${JSON.stringify(e['eventID'])})`);
  if (e['certificationInfo'] !== undefined && !isUri(e['certificationInfo']) && !(Array.isArray(e['certificationInfo']) && e['certificationInfo'].every(isUri))) {
    bad(`${path}.certificationInfo`, 'certificationInfo must be a URI or a list of URIs');
  }

  let action: Action | null = null;
  if (t !== 'TransformationEvent') {
    const a = e['action'];
    if (a === undefined) bad(`${path}.action`, `action is required on ${article(t)} ${t} (OBSERVE, ADD or DELETE)`);
    else if (typeof a !== 'string' || !(ACTIONS as readonly string[]).includes(a)) bad(`${path}.action`, `action must be OBSERVE, ADD or DELETE (got ${JSON.stringify(a)})`);
    else action = a as Action;
  }

  const cbv = (field: 'bizStep' | 'disposition'): string | null => {
    const v = e[field];
    if (v === undefined) return null;
    if (typeof v !== 'string') return bad(`${path}.${field}`, `${field} must be a string`) ?? null;
    try {
      return normalizeCbv(field, v);
    } catch (err) {
      return bad(`${path}.${field}`, reasonOf(err)) ?? null;
    }
  };
  const bizStep = cbv('bizStep');
  const disposition = cbv('disposition');

  const persistentSet: string[] = [];
  const persistentUnset: string[] = [];
  const pd = e['persistentDisposition'];
  if (pd !== undefined) {
    if (typeof pd !== 'object' || pd === null || Array.isArray(pd)) bad(`${path}.persistentDisposition`, 'persistentDisposition must be an object with "set" and/or "unset"');
    else {
      const o = pd as Record<string, unknown>;
      for (const key of Object.keys(o)) if (key !== 'set' && key !== 'unset') bad(`${path}.persistentDisposition.${key}`, 'only "set" and "unset" are allowed');
      if (o['set'] === undefined && o['unset'] === undefined) bad(`${path}.persistentDisposition`, 'persistentDisposition needs "set" or "unset"');
      for (const [key, into] of [['set', persistentSet], ['unset', persistentUnset]] as const) {
        const list = o[key];
        if (list === undefined) continue;
        if (!Array.isArray(list) || list.length === 0) {
          bad(`${path}.persistentDisposition.${key}`, `"${key}" must be a non-empty list of dispositions`);
          continue;
        }
        list.forEach((v, i) => {
          try {
            if (typeof v !== 'string') throw new LotlineError('CBV_INVALID', 'a disposition must be a string');
            into.push(normalizeCbv('disposition', v));
          } catch (err) {
            bad(`${path}.persistentDisposition.${key}[${i}]`, reasonOf(err));
          }
        });
      }
    }
  }

  const place = (field: 'readPoint' | 'bizLocation'): string | null => {
    const v = e[field];
    if (v === undefined) return null;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad(`${path}.${field}`, `${field} must be an object like {"id": "urn:epc:id:sgln:…"}`) ?? null;
    const id = (v as Record<string, unknown>)['id'];
    if (!isUri(id)) return bad(`${path}.${field}.id`, `${field}.id must be a URI`) ?? null;
    return id;
  };
  const readPoint = place('readPoint');
  const bizLocation = place('bizLocation');

  const epcs = (field: string): ObjectEntry[] => {
    const v = e[field];
    if (v === undefined) return [];
    if (!Array.isArray(v)) return bad(`${path}.${field}`, `${field} must be a list of identifiers`) ?? [];
    const out: ObjectEntry[] = [];
    v.forEach((item, i) => {
      const ref = objectRef(item, `${path}.${field}[${i}]`, issues);
      // each EPC of a list is one instance: a serial counts as 1; a lot named there has no quantity
      if (ref) out.push({ ref, quantity: ref.kind === 'serial' || ref.kind === 'other' ? 1 : null, uom: null });
    });
    return out;
  };
  const quantities = (field: string): ObjectEntry[] => {
    const v = e[field];
    if (v === undefined) return [];
    if (!Array.isArray(v)) return bad(`${path}.${field}`, `${field} must be a list of {epcClass, quantity, uom}`) ?? [];
    const out: ObjectEntry[] = [];
    v.forEach((item, i) => {
      const p = `${path}.${field}[${i}]`;
      if (typeof item !== 'object' || item === null || Array.isArray(item)) return bad(p, 'a quantity element must be an object {epcClass, quantity, uom}');
      const q = item as Record<string, unknown>;
      for (const key of Object.keys(q)) if (!['epcClass', 'quantity', 'uom'].includes(key)) bad(`${p}.${key}`, `unknown field "${key}" in a quantity element (allowed: epcClass, quantity, uom)`);
      if (q['epcClass'] === undefined) return bad(`${p}.epcClass`, 'epcClass is required');
      const ref = objectRef(q['epcClass'], `${p}.epcClass`, issues);
      let quantity: number | null = null;
      if (q['quantity'] !== undefined) {
        const v = q['quantity'];
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          const hint = typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? `; write ${v} without quotes` : '';
          bad(`${p}.quantity`, `quantity must be a number (got ${JSON.stringify(v)}${hint})`);
        } else if (v < 0) bad(`${p}.quantity`, `quantity must not be negative (got ${v})`);
        else quantity = v;
      }
      let uom: string | null = null;
      if (q['uom'] !== undefined) {
        if (typeof q['uom'] !== 'string' || !UOM_PATTERN.test(q['uom'])) bad(`${p}.uom`, `uom must be a UN/CEFACT Rec. 20 code of 2–3 capitals or digits, like KGM (got ${JSON.stringify(q['uom'])})`);
        else if (q['quantity'] === undefined) bad(`${p}.uom`, 'uom is given without a quantity');
        else uom = q['uom'];
      }
      if (ref) out.push({ ref, quantity, uom });
      return undefined;
    });
    return out;
  };

  let objects: ObjectEntry[] = [];
  let parent: ObjectRef | null = null;
  let inputs: ObjectEntry[] = [];
  let outputs: ObjectEntry[] = [];
  let transformationId: string | null = null;
  switch (t) {
    case 'ObjectEvent':
      if (e['epcList'] === undefined && e['quantityList'] === undefined) bad(`${path}`, 'an ObjectEvent needs epcList or quantityList');
      objects = [...epcs('epcList'), ...quantities('quantityList')];
      break;
    case 'TransactionEvent':
      if (e['bizTransactionList'] === undefined) bad(`${path}.bizTransactionList`, 'a TransactionEvent needs bizTransactionList');
      objects = [...epcs('epcList'), ...quantities('quantityList')];
      parent = e['parentID'] === undefined ? null : (objectRef(e['parentID'], `${path}.parentID`, issues) ?? null);
      break;
    case 'AggregationEvent':
    case 'AssociationEvent':
      // EPCIS wants a parent for ADD/DELETE aggregations, but the official JSON schema does not, and
      // Lotline accepts what the schema accepts; an association always names its parent.
      if (e['parentID'] === undefined && t === 'AssociationEvent') bad(`${path}.parentID`, 'parentID is required on an AssociationEvent');
      parent = e['parentID'] === undefined ? null : (objectRef(e['parentID'], `${path}.parentID`, issues) ?? null);
      objects = [...epcs('childEPCs'), ...quantities('childQuantityList')];
      break;
    case 'TransformationEvent': {
      inputs = [...epcs('inputEPCList'), ...quantities('inputQuantityList')];
      outputs = [...epcs('outputEPCList'), ...quantities('outputQuantityList')];
      const tid = e['transformationID'];
      if (tid !== undefined) {
        if (!isUri(tid)) bad(`${path}.transformationID`, 'transformationID must be a URI');
        else transformationId = tid;
      }
      const hasIn = e['inputEPCList'] !== undefined || e['inputQuantityList'] !== undefined;
      const hasOut = e['outputEPCList'] !== undefined || e['outputQuantityList'] !== undefined;
      if (!hasIn && !hasOut) bad(path, 'a TransformationEvent needs inputs (inputEPCList/inputQuantityList) or outputs (outputEPCList/outputQuantityList)');
      else if (transformationId === null && (!hasIn || !hasOut)) bad(path, 'a TransformationEvent without transformationID needs both inputs and outputs');
      break;
    }
  }

  const parties = (field: 'sourceList' | 'destinationList', key: 'source' | 'destination'): PartyEntry[] => {
    const v = e[field];
    if (v === undefined) return [];
    if (!Array.isArray(v)) return bad(`${path}.${field}`, `${field} must be a list`) ?? [];
    const out: PartyEntry[] = [];
    v.forEach((item, i) => {
      const p = `${path}.${field}[${i}]`;
      if (typeof item !== 'object' || item === null) return bad(p, `each entry needs "type" and "${key}"`);
      const o = item as Record<string, unknown>;
      for (const k of Object.keys(o)) if (k !== 'type' && k !== key) bad(`${p}.${k}`, `unknown field "${k}" (allowed: type, ${key})`);
      if (!isUri(o[key])) return bad(`${p}.${key}`, `${key} must be a URI`);
      if (typeof o['type'] !== 'string') return bad(`${p}.type`, 'type is required (owning_party, possessing_party or location)');
      try {
        out.push({ type: normalizeCbv('sdt', o['type']), id: o[key] as string });
      } catch (err) {
        bad(`${p}.type`, reasonOf(err));
      }
      return undefined;
    });
    return out;
  };
  const sources = parties('sourceList', 'source');
  const destinations = parties('destinationList', 'destination');

  const bizTransactions: BizTransactionEntry[] = [];
  const btl = e['bizTransactionList'];
  if (btl !== undefined) {
    if (!Array.isArray(btl)) bad(`${path}.bizTransactionList`, 'bizTransactionList must be a list');
    else
      btl.forEach((item, i) => {
        const p = `${path}.bizTransactionList[${i}]`;
        if (typeof item !== 'object' || item === null) return bad(p, 'each entry needs "bizTransaction"');
        const o = item as Record<string, unknown>;
        for (const k of Object.keys(o)) if (k !== 'type' && k !== 'bizTransaction') bad(`${p}.${k}`, `unknown field "${k}" (allowed: type, bizTransaction)`);
        if (!isUri(o['bizTransaction'])) return bad(`${p}.bizTransaction`, 'bizTransaction must be a URI');
        let type: string | null = null;
        if (o['type'] !== undefined) {
          try {
            if (typeof o['type'] !== 'string') throw new LotlineError('CBV_INVALID', 'type must be a string');
            type = normalizeCbv('btt', o['type']);
          } catch (err) {
            return bad(`${p}.type`, reasonOf(err));
          }
        }
        bizTransactions.push({ type, id: o['bizTransaction'] as string });
        return undefined;
      });
  }

  let errorDeclaration: ErrorDeclarationFacts | null = null;
  const ed = e['errorDeclaration'];
  if (ed !== undefined) {
    if (typeof ed !== 'object' || ed === null || Array.isArray(ed)) bad(`${path}.errorDeclaration`, 'errorDeclaration must be an object');
    else {
      const o = ed as Record<string, unknown>;
      const declMs = parseDateTime(o['declarationTime']);
      if (declMs === undefined) bad(`${path}.errorDeclaration.declarationTime`, 'declarationTime is required, a date-time with offset');
      let reason: string | null = null;
      if (o['reason'] !== undefined) {
        try {
          if (typeof o['reason'] !== 'string') throw new LotlineError('CBV_INVALID', 'reason must be a string');
          reason = normalizeCbv('er', o['reason']);
        } catch (err) {
          bad(`${path}.errorDeclaration.reason`, reasonOf(err));
        }
      }
      const ids = o['correctiveEventIDs'];
      if (ids !== undefined && (!Array.isArray(ids) || !ids.every(isUri))) bad(`${path}.errorDeclaration.correctiveEventIDs`, 'correctiveEventIDs must be a list of event id URIs');
      errorDeclaration = { declarationTime: String(o['declarationTime']), reason, correctiveEventIds: Array.isArray(ids) ? (ids as string[]) : [] };
    }
  }

  for (const field of ['ilmd'] as const) {
    const v = e[field];
    if (v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v))) bad(`${path}.${field}`, `${field} must be an object`);
  }
  const sel = e['sensorElementList'];
  if (sel !== undefined) {
    if (!Array.isArray(sel)) bad(`${path}.sensorElementList`, 'sensorElementList must be a list');
    else
      sel.forEach((s, i) => {
        if (typeof s !== 'object' || s === null || !Array.isArray((s as Record<string, unknown>)['sensorReport'])) {
          bad(`${path}.sensorElementList[${i}]`, 'each sensor element needs a "sensorReport" list');
        }
      });
  }

  if (issues.length > before) return undefined;
  return {
    type: t,
    action,
    eventTime: e['eventTime'] as string,
    eventMs: eventMs as number,
    eventTimeZoneOffset: tz as string,
    bizStep,
    disposition,
    persistentSet,
    persistentUnset,
    readPoint,
    bizLocation,
    objects,
    parent,
    inputs,
    outputs,
    transformationId,
    sources,
    destinations,
    bizTransactions,
    errorDeclaration,
  };
}

/**
 * The same lot, item and place strings recur from event to event, and an identifier's parse
 * depends on its string alone: parsed refs are remembered (frozen, as they are shared), and the
 * memo is cleared when full to bound memory. Identifiers that do not parse are not remembered.
 */
const REF_MEMO_LIMIT = 50_000;
const refMemo = new Map<string, ObjectRef>();

function objectRef(value: unknown, path: string, issues: Issue[]): ObjectRef | undefined {
  if (typeof value !== 'string') {
    issues.push({ path, reason: `an identifier must be a string URI (got ${JSON.stringify(value)})` });
    return undefined;
  }
  const known = refMemo.get(value);
  if (known !== undefined) return known;
  try {
    const ref = Object.freeze(parseObjectUri(value));
    if (refMemo.size >= REF_MEMO_LIMIT) refMemo.clear();
    refMemo.set(value, ref);
    return ref;
  } catch (err) {
    issues.push({ path, reason: reasonOf(err) });
    return undefined;
  }
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function article(word: string): string {
  return /^[AEIOU]/.test(word) ? 'an' : 'a';
}
