/**
 * Translates a native command into the EPCIS 2.0 event it stands for. Lotline-specific
 * details (operator, equipment, parameters, supplier lot…) travel as extension fields in
 * the `lotline:` namespace, so the event exports as valid EPCIS and comes back the same.
 */
import type { Issue } from '../../domain/errors.js';
import type { RawEvent } from '../../domain/event-facts.js';
import { isUri } from '../../domain/event-facts.js';
import type { ObjectRef } from '../../domain/identifiers/object-ref.js';
import { gtinRef, locationUri, normalizeSscc, parseRef, partyUri, plainRef, toDigitalLink } from '../../domain/identifiers/index.js';
import { ADJUSTING_BIZ_STEP, LOTLINE_CONTEXT } from '../../domain/lotline-vocabulary.js';
import type { NativeCommand, ObjectSpec } from './native-command.js';


const OFFSET = /([+-]\d{2}:\d{2}|[Zz])$/;

interface Lists {
  epcs: string[];
  quantities: { epcClass: string; quantity?: number; uom?: string }[];
}

function refOf(spec: ObjectSpec, path: string, issues: Issue[]): ObjectRef | undefined {
  const keys = (['ref', 'sscc', 'unit', 'gtin', 'item'] as const).filter((k) => spec[k] !== undefined);
  if (keys.length !== 1) {
    issues.push({ path, reason: keys.length === 0 ? 'name the object with one of: item+lot, gtin+lot, item+serial, gtin+serial, sscc, unit or ref' : `give only one of ${keys.join(', ')}` });
    return undefined;
  }
  try {
    if (spec.ref !== undefined) return parseRef(spec.ref);
    if (spec.sscc !== undefined) return { kind: 'unit', scheme: 'sscc', id: normalizeSscc(spec.sscc) };
    if (spec.unit !== undefined) return plainUnit(spec.unit);
    if (spec.lot !== undefined && spec.serial !== undefined) {
      issues.push({ path, reason: 'give lot or serial, not both' });
      return undefined;
    }
    const codes = { ...(spec.lot !== undefined ? { lot: spec.lot } : {}), ...(spec.serial !== undefined ? { serial: spec.serial } : {}) };
    if (spec.gtin !== undefined) return gtinRef({ gtin: spec.gtin, ...codes });
    return plainRef({ item: spec.item!, ...codes });
  } catch (e) {
    issues.push({ path: `${path}.${keys[0]}`, reason: e instanceof Error ? e.message : String(e) });
    return undefined;
  }
}

function plainUnit(id: string): ObjectRef {
  return { kind: 'unit', scheme: 'plant', id };
}

function addTo(lists: Lists, spec: ObjectSpec, ref: ObjectRef): void {
  const uri = toDigitalLink(ref);
  // Lots and class references travel in quantity lists (with or without quantity); instances in EPC lists.
  if (ref.kind === 'lot' || ref.kind === 'class') {
    lists.quantities.push({
      epcClass: uri,
      ...(spec.quantity !== undefined ? { quantity: spec.quantity } : {}),
      ...(spec.quantity !== undefined && spec.uom !== undefined ? { uom: spec.uom } : {}),
    });
  } else lists.epcs.push(uri);
}

function listsOf(specs: readonly ObjectSpec[] | undefined, path: string, issues: Issue[]): Lists {
  const lists: Lists = { epcs: [], quantities: [] };
  (specs ?? []).forEach((spec, i) => {
    const ref = refOf(spec, `${path}[${i}]`, issues);
    if (!ref) return;
    if (spec.uom !== undefined && spec.quantity === undefined) issues.push({ path: `${path}[${i}].uom`, reason: 'uom is given without a quantity' });
    addTo(lists, spec, ref);
  });
  return lists;
}

/** A party or place: a URI as given, a GLN (13 digits) as a Digital Link, else a plant name. */
export function partyOrPlace(value: string, kind: 'party' | 'location'): string {
  if (isUri(value)) return value;
  if (/^\d{13}$/.test(value)) return `https://id.gs1.org/${kind === 'party' ? '417' : '414'}/${value}`;
  return kind === 'party' ? partyUri(value) : locationUri(value);
}

function orderUri(kind: string, value: string): string {
  return isUri(value) ? value : `urn:lotline:${kind}:${encodeURIComponent(value)}`;
}

/** The EPCIS event a native command stands for; bad fields are added to `issues` (paths from `$`). */
export function nativeToEpcis(cmd: NativeCommand, issues: Issue[]): RawEvent | undefined {
  if (cmd.cmd === 'event') return cmd.event;
  const before = issues.length;
  const offset = OFFSET.exec(cmd.time)?.[1];
  if (offset === undefined) {
    issues.push({ path: '$.time', reason: `time needs a time-zone offset, like 2026-05-04T10:15:00+02:00 (got ${JSON.stringify(cmd.time)})` });
  }
  const ev: Record<string, unknown> = {
    '@context': [LOTLINE_CONTEXT],
    type: 'ObjectEvent',
    eventTime: cmd.time,
    eventTimeZoneOffset: offset === undefined || offset.toUpperCase() === 'Z' ? '+00:00' : offset,
  };
  if (cmd.id !== undefined) ev['eventID'] = cmd.id;
  const place = cmd.location !== undefined ? { id: partyOrPlace(cmd.location, 'location') } : undefined;
  const setLists = (lists: Lists, epcKey: string, qtyKey: string): void => {
    if (lists.epcs.length > 0) ev[epcKey] = lists.epcs;
    if (lists.quantities.length > 0) ev[qtyKey] = lists.quantities;
  };
  const objectEvent = (action: string, bizStep: string, disposition: string | undefined, specs: readonly ObjectSpec[], path: string): void => {
    ev['action'] = action;
    const lists = listsOf(specs, path, issues);
    ev['epcList'] = lists.epcs;
    if (lists.quantities.length > 0) ev['quantityList'] = lists.quantities;
    ev['bizStep'] = bizStep;
    if (disposition !== undefined) ev['disposition'] = disposition;
    if (place) {
      ev['readPoint'] = place;
      ev['bizLocation'] = place;
    }
  };
  const unitOf = (c: { sscc?: string | undefined; unit?: string | undefined }): string | undefined => {
    if ((c.sscc === undefined) === (c.unit === undefined)) {
      issues.push({ path: '$.sscc', reason: 'name the logistic unit with exactly one of "sscc" or "unit"' });
      return undefined;
    }
    try {
      return toDigitalLink(c.sscc !== undefined ? { kind: 'unit', scheme: 'sscc', id: normalizeSscc(c.sscc) } : plainUnit(c.unit!));
    } catch (e) {
      issues.push({ path: '$.sscc', reason: e instanceof Error ? e.message : String(e) });
      return undefined;
    }
  };

  switch (cmd.cmd) {
    case 'receive':
      objectEvent('OBSERVE', 'receiving', 'in_progress', cmd.lots, '$.lots');
      ev['sourceList'] = [{ type: 'owning_party', source: partyOrPlace(cmd.from, 'party') }];
      if (place) ev['destinationList'] = [{ type: 'location', destination: place.id }];
      ev['bizTransactionList'] = [
        ...(cmd.po !== undefined ? [{ type: 'po', bizTransaction: orderUri('po', cmd.po) }] : []),
        ...(cmd.despatchAdvice !== undefined ? [{ type: 'desadv', bizTransaction: orderUri('desadv', cmd.despatchAdvice) }] : []),
      ];
      if ((ev['bizTransactionList'] as unknown[]).length === 0) delete ev['bizTransactionList'];
      if (cmd.supplierLot !== undefined) ev['lotline:supplierLot'] = cmd.supplierLot;
      break;
    case 'produce': {
      ev['type'] = 'TransformationEvent';
      if (cmd.inputs.length === 0 && cmd.outputs.length === 0) issues.push({ path: '$.inputs', reason: 'a production needs inputs or outputs' });
      if (cmd.batch === undefined && (cmd.inputs.length === 0 || cmd.outputs.length === 0)) {
        issues.push({ path: cmd.inputs.length === 0 ? '$.inputs' : '$.outputs', reason: 'a production without "batch" needs both inputs and outputs (use "batch" to record a continuous run in several events)' });
      }
      setLists(listsOf(cmd.inputs, '$.inputs', issues), 'inputEPCList', 'inputQuantityList');
      setLists(listsOf(cmd.outputs, '$.outputs', issues), 'outputEPCList', 'outputQuantityList');
      if (cmd.batch !== undefined) ev['transformationID'] = orderUri('batch', cmd.batch);
      ev['bizStep'] = 'creating_class_instance';
      ev['disposition'] = 'active';
      if (place) {
        ev['readPoint'] = place;
        ev['bizLocation'] = place;
      }
      if (cmd.order !== undefined) ev['bizTransactionList'] = [{ type: 'prodorder', bizTransaction: orderUri('prodorder', cmd.order) }];
      break;
    }
    case 'ship': {
      if ((cmd.lots?.length ?? 0) + (cmd.units?.length ?? 0) === 0) issues.push({ path: '$.lots', reason: 'a shipment needs "lots" or "units"' });
      objectEvent('OBSERVE', 'shipping', 'in_transit', [...(cmd.lots ?? []), ...(cmd.units ?? [])], '$.lots');
      delete ev['bizLocation'];
      ev['destinationList'] = [
        { type: 'owning_party', destination: partyOrPlace(cmd.to, 'party') },
        ...(cmd.toLocation !== undefined ? [{ type: 'location', destination: partyOrPlace(cmd.toLocation, 'location') }] : []),
      ];
      if (place) ev['sourceList'] = [{ type: 'location', source: place.id }];
      ev['bizTransactionList'] = [
        ...(cmd.order !== undefined ? [{ type: 'po', bizTransaction: orderUri('order', cmd.order) }] : []),
        ...(cmd.despatchAdvice !== undefined ? [{ type: 'desadv', bizTransaction: orderUri('desadv', cmd.despatchAdvice) }] : []),
      ];
      if ((ev['bizTransactionList'] as unknown[]).length === 0) delete ev['bizTransactionList'];
      if (cmd.carrier !== undefined) ev['lotline:carrier'] = cmd.carrier;
      break;
    }
    case 'pack':
    case 'unpack': {
      ev['type'] = 'AggregationEvent';
      ev['action'] = cmd.cmd === 'pack' ? 'ADD' : 'DELETE';
      const parent = unitOf(cmd);
      if (parent) ev['parentID'] = parent;
      const lists = listsOf(cmd.contents, '$.contents', issues);
      ev['childEPCs'] = lists.epcs;
      if (lists.quantities.length > 0) ev['childQuantityList'] = lists.quantities;
      ev['bizStep'] = cmd.cmd === 'pack' ? 'packing' : 'unpacking';
      ev['disposition'] = 'in_progress';
      if (place) {
        ev['readPoint'] = place;
        ev['bizLocation'] = place;
      }
      break;
    }
    case 'inspect':
      objectEvent('OBSERVE', 'inspecting', cmd.result === 'pass' ? 'conformant' : 'non_conformant', cmd.lots, '$.lots');
      ev['lotline:result'] = cmd.result;
      break;
    case 'hold':
      objectEvent('OBSERVE', 'holding', 'non_sellable_other', cmd.lots, '$.lots');
      ev['lotline:reason'] = cmd.reason;
      if (cmd.reference !== undefined) ev['lotline:reference'] = cmd.reference;
      break;
    case 'release':
      objectEvent('OBSERVE', 'inspecting', 'available', cmd.lots, '$.lots');
      ev['lotline:release'] = true;
      if (cmd.reason !== undefined) ev['lotline:reason'] = cmd.reason;
      break;
    case 'move': {
      objectEvent('OBSERVE', 'storing', undefined, cmd.lots, '$.lots');
      const to = { id: partyOrPlace(cmd.to, 'location') };
      ev['bizLocation'] = to;
      if (!place) ev['readPoint'] = to;
      break;
    }
    case 'adjust': {
      const uom = cmd.uom ?? cmd.lot.uom;
      // without a unit the change would count pieces, which a lot kept in kg cannot add up
      if (uom === undefined) issues.push({ path: '$.uom', reason: 'an adjustment needs a "uom" (the unit of "quantity", like KGM)' });
      // the quantity list carries the size of the change; lotline:adjustBy its sign
      objectEvent('OBSERVE', ADJUSTING_BIZ_STEP, undefined, [{ ...cmd.lot, quantity: Math.abs(cmd.quantity), ...(uom !== undefined ? { uom } : {}) }], '$.lot');
      ev['lotline:adjustBy'] = cmd.quantity;
      ev['lotline:reason'] = cmd.reason;
      break;
    }
    case 'destroy':
      objectEvent('DELETE', 'destroying', 'destroyed', cmd.lots, '$.lots');
      ev['lotline:reason'] = cmd.reason;
      break;
  }
  const extras: [string, unknown][] = [
    ['lotline:operator', cmd.operator],
    ['lotline:equipment', cmd.equipment],
    ['lotline:line', cmd.line],
    ['lotline:step', cmd.step],
    ['lotline:parameters', cmd.parameters],
    ['lotline:note', cmd.note],
  ];
  for (const [k, v] of extras) if (v !== undefined) ev[k] = v;
  return issues.length > before ? undefined : ev;
}
