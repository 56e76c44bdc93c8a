/**
 * The per-station state machine: one scan in, the station's new state and a short answer out
 * (what was understood, what the station expects next), or a refusal (SCAN_REFUSED) that leaves
 * the state as it was. A completed sequence yields one native command, which the caller turns
 * into an ordinary EPCIS event through the native capture path. Pure: lookups are done before.
 *
 *   receiving:  supplier label → receipt (asks for the PO / supplier when the label lacks them)
 *   production: input lots …, then the output label → transformation
 *   packing:    lots …, then the SSCC label → aggregation
 *   shipping:   SSCCs or lots …, then the order number (then the customer if unknown) → shipment
 */
import { LotlineError } from '../../domain/errors.js';
import type { ObjectRef } from '../../domain/identifiers/index.js';
import { gtinRef, normalizeGtin, parseRef, plainRef, refKey, refLabel, toDigitalLink } from '../../domain/identifiers/index.js';
import type { NativeCommand, ObjectSpec } from '../native/native-command.js';
import type { BarcodeReading } from './read-barcode.js';
import type { StationRecord } from './station-store.js';

/** What the store knows of a scanned lot or unit (looked up before the step). */
export type ObjectStatus = 'unknown' | 'released' | 'on_hold' | 'consumed' | 'shipped' | 'recalled' | 'destroyed' | 'unit';

/** One object collected in the current sequence. */
export interface Collected {
  readonly key: string;
  readonly label: string;
  /** A pallet or case (shipped as a unit), not a lot or serial. */
  readonly unit: boolean;
  readonly spec: ObjectSpec;
}

/** A station's sequence state, saved after every scan (JSON). */
export interface StationState {
  /** Collected inputs (production), contents (packing), lots and units (shipping). */
  readonly items: readonly Collected[];
  /** Receiving: the label being received while the PO or supplier is asked for. */
  readonly receipt?: { readonly item: Collected; readonly po?: string; readonly supplier?: string };
  /** Shipping: the order number once scanned (the customer is then asked for). */
  readonly order?: string;
  /** Shipping: the customer named by a label (AI 410) or a scan. */
  readonly customer?: string;
  /** A completed sequence's command not yet confirmed stored (written again after a crash). */
  readonly pending?: { readonly id: string; readonly command: NativeCommand };
  /** Message ids already handled (MQTT redelivery), newest last. */
  readonly recent: readonly string[];
  /** The answer to the last scan, repeated for a redelivered message. */
  readonly lastReply?: ScanReply;
  /** Sequences completed by this station. */
  readonly completed: number;
}

export const INITIAL_STATE: StationState = { items: [], recent: [], completed: 0 };

/** How many message ids a station remembers for redelivery. */
export const RECENT_MESSAGES = 200;

export interface ScanReply {
  /** accepted: part of a sequence; completed: an event was made; cancelled; duplicate: a redelivered message. */
  readonly status: 'accepted' | 'completed' | 'cancelled' | 'duplicate';
  /** What the scan was understood as, in a few words. */
  readonly understood: string;
  /** What the station expects next. */
  readonly next: string;
  /** The event made, when the sequence completed. */
  readonly eventId?: string;
}

export type ScanInput = { readonly kind: 'barcode'; readonly reading: BarcodeReading } | { readonly kind: 'cancel' };

export interface ScanFacts {
  /** Status of the object the scan names (looked up by the caller). */
  readonly status?: ObjectStatus;
  /** Event time of a completed sequence (RFC 3339 with offset). */
  readonly now: string;
  /** eventID for a completed sequence (an absolute URI). */
  readonly newEventId: string;
  /** MQTT message id, for redelivery. */
  readonly messageId?: string;
}

export interface ScanOutcome {
  readonly state: StationState;
  readonly reply: ScanReply;
}

/** Commands an operator scans from a printed sheet. */
const CANCEL_WORDS = new Set(['CANCEL', 'ABORT', 'RESET']);

/** The object a scan names, if any: a GS1 label, or an EPC/Lotline URI typed or scanned as text. */
export function scannedRef(reading: BarcodeReading): ObjectRef | undefined {
  if (reading.kind === 'gs1') return reading.ref;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(reading.text)) return undefined;
  try {
    const ref = parseRef(reading.text);
    return ref.kind === 'other' ? undefined : ref;
  } catch {
    return undefined;
  }
}

function refuse(message: string): never {
  throw new LotlineError('SCAN_REFUSED', message);
}

/** The station's own item code in the form refs use (GTIN-14 for GTINs). */
function itemCode(item: string): string {
  return /^\d{8}$|^\d{12,14}$/.test(item) ? normalizeGtin(item) : item;
}

function collect(station: StationRecord, reading: BarcodeReading, ref: ObjectRef): Collected {
  const q = reading.kind === 'gs1' ? reading.quantity : undefined;
  const quantity = q?.value ?? station.defaults.quantity;
  const uom = q?.uom ?? (quantity !== undefined ? station.defaults.uom : undefined);
  const spec: ObjectSpec = { ref: toDigitalLink(ref), ...(quantity !== undefined ? { quantity } : {}), ...(quantity !== undefined && uom !== undefined ? { uom } : {}) };
  const label = `${refLabel(ref)}${quantity !== undefined ? `, ${quantity} ${uom ?? 'EA'}` : ''}`;
  return { key: refKey(ref), label, unit: ref.kind === 'unit', spec };
}

const REFUSALS: Partial<Record<ObjectStatus, string>> = {
  unknown: 'unknown lot: it was never received or produced',
  on_hold: 'lot on hold: do not use it',
  consumed: 'already consumed',
  shipped: 'already shipped',
  recalled: 'lot recalled: do not use it',
  destroyed: 'lot destroyed',
};

/** Refuses a lot that may not be used here (production, packing, shipping). */
function checkUsable(station: StationRecord, ref: ObjectRef, status: ObjectStatus | undefined): void {
  const why = status === undefined ? undefined : REFUSALS[status];
  if (why !== undefined) refuse(`${refLabel(ref)}: ${ref.kind === 'unit' && status === 'unknown' ? 'unknown pallet or case: it was never packed or received' : why}`);
  const allowed = station.defaults.items?.map(itemCode);
  if (allowed && allowed.length > 0 && (ref.kind === 'lot' || ref.kind === 'serial') && !allowed.includes(ref.item)) {
    refuse(`${refLabel(ref)}: wrong item for this order; station ${station.id} takes ${allowed.join(', ')}`);
  }
}

function addItem(state: StationState, item: Collected): StationState {
  if (state.items.some((i) => i.key === item.key)) refuse(`${item.label}: already scanned in this sequence`);
  return { ...state, items: [...state.items, item] };
}

function complete(state: StationState, facts: ScanFacts, command: NativeCommand, understood: string, next: string): ScanOutcome {
  const reply: ScanReply = { status: 'completed', understood, next, eventId: facts.newEventId };
  return { state: { ...INITIAL_STATE, recent: state.recent, completed: state.completed + 1, pending: { id: facts.newEventId, command }, lastReply: reply }, reply };
}

function accepted(state: StationState, understood: string, next: string): ScanOutcome {
  const reply: ScanReply = { status: 'accepted', understood, next };
  return { state: { ...state, lastReply: reply }, reply };
}

function common(station: StationRecord, facts: ScanFacts): { time: string; id: string; location: string; line?: string; equipment: string } {
  return { time: facts.now, id: facts.newEventId, location: station.site, ...(station.line !== null ? { line: station.line } : {}), equipment: `station:${station.id}` };
}

/** One scan (or a cancel) at a station. Throws SCAN_REFUSED, with the state unchanged, when the scan does not fit. */
export function scanStep(station: StationRecord, before: StationState, input: ScanInput, facts: ScanFacts): ScanOutcome {
  if (facts.messageId !== undefined && before.recent.includes(facts.messageId)) {
    return { state: before, reply: { ...(before.lastReply ?? { understood: 'already handled', next: 'scan' }), status: 'duplicate' } };
  }
  const state0: StationState = facts.messageId === undefined ? before : { ...before, recent: [...before.recent, facts.messageId].slice(-RECENT_MESSAGES) };
  return step(station, state0, input, facts);
}

function step(station: StationRecord, state: StationState, input: ScanInput, facts: ScanFacts): ScanOutcome {
  if (input.kind === 'cancel' || (input.reading.kind === 'text' && CANCEL_WORDS.has(input.reading.text.toUpperCase()))) {
    const reply: ScanReply = { status: 'cancelled', understood: 'cancel', next: firstPrompt(station) };
    return { state: { ...INITIAL_STATE, recent: state.recent, completed: state.completed, lastReply: reply }, reply };
  }
  const reading = input.reading;
  const ref = scannedRef(reading);
  switch (station.role) {
    case 'receiving':
      return receiving(station, state, reading, ref, facts);
    case 'production':
      return production(station, state, reading, ref, facts);
    case 'packing':
      return packing(station, state, reading, ref, facts);
    case 'shipping':
      return shipping(station, state, reading, ref, facts);
  }
}

/** What an idle station asks for. */
export function firstPrompt(station: StationRecord): string {
  switch (station.role) {
    case 'receiving':
      return 'Scan the supplier label';
    case 'production':
      return 'Scan an input lot';
    case 'packing':
      return 'Scan a lot to pack';
    case 'shipping':
      return 'Scan a pallet (SSCC) or lot to ship';
  }
}

function receiving(station: StationRecord, state: StationState, reading: BarcodeReading, ref: ObjectRef | undefined, facts: ScanFacts): ScanOutcome {
  let receipt = state.receipt;
  let understood: string;
  if (receipt === undefined) {
    if (ref === undefined || ref.kind === 'class') refuse(`${reading.kind === 'text' ? `"${reading.text}"` : 'this label'} names no lot: scan the supplier label (GTIN and batch)`);
    const item = collect(station, reading, ref);
    const g = reading.kind === 'gs1' ? reading : undefined;
    const supplier = g?.glns.purchasedFrom ?? station.defaults.supplier;
    receipt = { item, ...(g?.purchaseOrder !== undefined ? { po: g.purchaseOrder } : {}), ...(supplier !== undefined ? { supplier } : {}) };
    understood = `Received ${item.label}`;
  } else if (reading.kind === 'gs1') {
    const po = receipt.po ?? reading.purchaseOrder;
    const supplier = receipt.supplier ?? reading.glns.purchasedFrom ?? reading.glns.party;
    if (po === receipt.po && supplier === receipt.supplier) refuse(`finish receiving ${receipt.item.label} first: ${receipt.po === undefined ? 'scan the PO number' : 'scan the supplier'}, or CANCEL`);
    receipt = { ...receipt, ...(po !== undefined ? { po } : {}), ...(supplier !== undefined ? { supplier } : {}) };
    understood = po !== state.receipt?.po ? `PO ${po}` : `Supplier ${supplier}`;
  } else if (receipt.po === undefined) {
    receipt = { ...receipt, po: reading.text };
    understood = `PO ${reading.text}`;
  } else {
    receipt = { ...receipt, supplier: reading.text };
    understood = `Supplier ${reading.text}`;
  }
  if (receipt.po === undefined) return accepted({ ...state, receipt }, understood, 'Scan the PO number');
  if (receipt.supplier === undefined) return accepted({ ...state, receipt }, understood, 'Scan the supplier (GLN) or type its name');
  const command: NativeCommand = { cmd: 'receive', ...common(station, facts), lots: [receipt.item.spec], from: receipt.supplier, po: receipt.po };
  return complete(state, facts, command, `${understood}: receipt of ${receipt.item.label} from ${receipt.supplier}, PO ${receipt.po}`, firstPrompt(station));
}

function production(station: StationRecord, state: StationState, reading: BarcodeReading, ref: ObjectRef | undefined, facts: ScanFacts): ScanOutcome {
  const output = station.defaults.outputItem !== undefined ? itemCode(station.defaults.outputItem) : undefined;
  let target = ref;
  // A plain lot code at a station that makes one item is the new lot of that item.
  if (target === undefined && reading.kind === 'text' && output !== undefined) target = plainOrGtinLot(output, reading.text);
  if (target === undefined || target.kind === 'class' || target.kind === 'other') {
    refuse(`${reading.kind === 'text' ? `"${reading.text}"` : 'this label'} names no lot: scan an input lot${output !== undefined ? ' or the output label' : ''}`);
  }
  const isOutput = output !== undefined && (target.kind === 'lot' || target.kind === 'serial') && target.item === output;
  if (!isOutput) {
    checkUsable(station, target, facts.status);
    const item = collect(station, reading, target);
    const next = addItem(state, item);
    return accepted(next, `Input ${item.label}`, output !== undefined ? 'Scan the next input, or the output label' : 'Scan the next input');
  }
  if (state.items.length === 0) refuse(`${refLabel(target)} is this station's output: scan the inputs first`);
  const out = collect(station, reading, target);
  const command: NativeCommand = { cmd: 'produce', ...common(station, facts), inputs: state.items.map((i) => i.spec), outputs: [out.spec] };
  return complete(state, facts, command, `Output ${out.label} from ${state.items.length} input(s)`, firstPrompt(station));
}

function plainOrGtinLot(item: string, lot: string): ObjectRef | undefined {
  try {
    return /^\d{14}$/.test(item) ? gtinRef({ gtin: item, lot }) : plainRef({ item, lot });
  } catch {
    return undefined;
  }
}

function packing(station: StationRecord, state: StationState, reading: BarcodeReading, ref: ObjectRef | undefined, facts: ScanFacts): ScanOutcome {
  let target = ref;
  if (target === undefined && reading.kind === 'text') target = { kind: 'unit', scheme: 'plant', id: reading.text };
  if (target === undefined || target.kind === 'class' || target.kind === 'other') refuse('this label names no lot and no pallet: scan a lot, or the SSCC label to close');
  if (target.kind !== 'unit') {
    checkUsable(station, target, facts.status);
    const item = collect(station, reading, target);
    return accepted(addItem(state, item), `Pack ${item.label}`, 'Scan the next lot, or the SSCC label to close');
  }
  if (state.items.length === 0) refuse(`${refLabel(target)}: scan the lots to pack first`);
  const command: NativeCommand = { cmd: 'pack', ...common(station, facts), ...(target.scheme === 'sscc' ? { sscc: target.id } : { unit: target.id }), contents: state.items.map((i) => i.spec) };
  return complete(state, facts, command, `${refLabel(target)} packed with ${state.items.length} lot(s)`, firstPrompt(station));
}

function shipping(station: StationRecord, state: StationState, reading: BarcodeReading, ref: ObjectRef | undefined, facts: ScanFacts): ScanOutcome {
  const shipTo = reading.kind === 'gs1' ? reading.glns.shipTo : undefined;
  if (state.order === undefined && ref !== undefined && ref.kind !== 'class' && ref.kind !== 'other') {
    checkUsable(station, ref, facts.status);
    const item = collect(station, reading, ref);
    const next = { ...addItem(state, item), ...(shipTo !== undefined && state.customer === undefined ? { customer: shipTo } : {}) };
    return accepted(next, `Ship ${item.label}`, 'Scan the next pallet or lot, or the order number');
  }
  if (state.items.length === 0) refuse(`${reading.kind === 'text' ? `"${reading.text}"` : 'this label'}: scan the pallets or lots to ship first`);
  let next: StationState = state;
  let understood: string;
  if (state.order === undefined) {
    const order = reading.kind === 'text' ? reading.text : reading.purchaseOrder;
    if (order === undefined) refuse('this label has no order number: scan the order number');
    next = { ...state, order, ...(shipTo !== undefined && state.customer === undefined ? { customer: shipTo } : {}) };
    understood = `Order ${order}`;
  } else {
    const customer = reading.kind === 'text' ? reading.text : (reading.glns.shipTo ?? reading.glns.party);
    if (customer === undefined) refuse('this label names no customer: scan the customer GLN or type its name');
    next = { ...state, customer };
    understood = `Customer ${customer}`;
  }
  const customer = next.customer ?? station.defaults.customer;
  if (customer === undefined) return accepted(next, understood, 'Scan the customer (GLN) or type its name');
  const lots = next.items.filter((i) => !i.unit);
  const units = next.items.filter((i) => i.unit);
  const command: NativeCommand = {
    cmd: 'ship',
    ...common(station, facts),
    ...(lots.length > 0 ? { lots: lots.map((i) => i.spec) } : {}),
    ...(units.length > 0 ? { units: units.map((i) => i.spec) } : {}),
    to: customer,
    order: next.order!,
  };
  return complete(next, facts, command, `${understood}: ${next.items.length} item(s) shipped to ${customer}`, firstPrompt(station));
}
