/**
 * Runs one scan at a station: reads the barcode, looks up the scanned lot's state, steps the
 * station's state machine, saves the new state, and captures the event of a completed sequence
 * through the normal capture path. The completed command is saved with the state before it is
 * captured (an outbox), and its eventID is fixed then: after a crash between the two, the next
 * scan at that station stores it first, and storing it twice is a duplicate, not a second event.
 */
import { randomUUID } from 'node:crypto';
import type { Issue } from '../../domain/errors.js';
import { LotlineError } from '../../domain/errors.js';
import type { ObjectRef } from '../../domain/identifiers/index.js';
import { lotState } from '../../genealogy/lot-state.js';
import type { AppendOutcome, CapturedEvent, CaptureContext, EventStore } from '../../store/event-store.js';
import { readNativeValue } from '../native/read-native-line.js';
import type { NativeCommand } from '../native/native-command.js';
import type { Gs1Reading } from './read-barcode.js';
import { readBarcode } from './read-barcode.js';
import type { ObjectStatus, ScanReply, StationState } from './scan-machine.js';
import { INITIAL_STATE, scannedRef, scanStep, firstPrompt } from './scan-machine.js';
import type { StationRecord, StationStore } from './station-store.js';

export interface ScanDeps {
  readonly stations: StationStore;
  readonly store: EventStore;
  /** Stores events atomically for `context` (the server's group committer). */
  capture(events: readonly CapturedEvent[], context: CaptureContext): Promise<AppendOutcome[]>;
}

/** One scan, or a cancel (`barcode` absent). `messageId` makes a redelivered MQTT message a no-op. */
export interface ScanRequest {
  readonly station: string;
  readonly barcode?: string;
  readonly action?: 'cancel';
  readonly messageId?: string;
}

export interface ScanResult extends ScanReply {
  readonly station: string;
  /** What was read from the barcode (absent for a cancel). */
  readonly read?: { kind: 'gs1'; symbology: string; elements: Gs1Reading['elements'] } | { kind: 'text'; text: string };
  /** What the current sequence holds after this scan. */
  readonly sequence: readonly string[];
}

/** A station's saved state and its version. */
export async function stationState(stations: StationStore, id: string): Promise<{ station: StationRecord; state: StationState; version: number; expects: string }> {
  const station = await stations.getStation(id);
  if (!station) throw new LotlineError('STATION_NOT_FOUND', `there is no scan station ${JSON.stringify(id)}; list them with 'lotline station list' or GET /api/v1/stations`);
  const saved = await stations.readState(id);
  const state = (saved?.state as StationState | undefined) ?? INITIAL_STATE;
  return { station, state, version: saved?.version ?? 0, expects: state.lastReply?.next ?? firstPrompt(station) };
}

async function statusOf(store: EventStore, ref: ObjectRef): Promise<ObjectStatus> {
  try {
    const s = await lotState(store, ref);
    return 'status' in s ? s.status : 'unit';
  } catch (e) {
    if (e instanceof LotlineError && e.code === 'LOT_NOT_FOUND') return 'unknown';
    throw e;
  }
}

/** Serialises the scans of one station within this process (several servers are kept apart by the state's version). */
const queues = new Map<string, Promise<unknown>>();
function serialised<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const run = (queues.get(key) ?? Promise.resolve()).then(fn, fn);
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}

export function handleScan(deps: ScanDeps, request: ScanRequest, context: CaptureContext): Promise<ScanResult> {
  return serialised(request.station, () => scanOnce(deps, request, context));
}

async function save(deps: ScanDeps, id: string, state: StationState, version: number): Promise<number> {
  if (!(await deps.stations.writeState(id, state, version))) {
    throw new LotlineError('STORE_BUSY', `station ${id} was changed by another server at the same moment; scan again`);
  }
  return version + 1;
}

async function flush(deps: ScanDeps, pending: { id: string; command: NativeCommand }, context: CaptureContext): Promise<void> {
  const issues: Issue[] = [];
  const event = readNativeValue(pending.command, issues);
  if (!event) throw new LotlineError('NATIVE_INVALID_FIELD', `the scans made an event Lotline cannot store: ${issues.map((i) => `${i.path}: ${i.reason}`).join('; ')}; CANCEL the sequence`, { issues });
  await deps.capture([event], context);
}

async function scanOnce(deps: ScanDeps, request: ScanRequest, context: CaptureContext): Promise<ScanResult> {
  const current = await stationState(deps.stations, request.station);
  const station = current.station;
  let { state, version } = current;
  if (state.pending) {
    // A sequence completed before a crash: store its event (a duplicate if it was stored) before going on.
    await flush(deps, state.pending, context);
    state = { ...state, pending: undefined };
    version = await save(deps, station.id, state, version);
  }
  if (request.barcode === undefined && request.action !== 'cancel') throw new LotlineError('INPUT_INVALID', 'send "barcode" (what the scanner read) or "action": "cancel"', { issues: [{ path: '$.barcode', reason: '"barcode" is required unless "action" is "cancel"' }] });
  const reading = request.barcode !== undefined ? readBarcode(request.barcode) : undefined;
  const ref = reading ? scannedRef(reading) : undefined;
  const status = ref ? await statusOf(deps.store, ref) : undefined;
  const outcome = scanStep(station, state, reading ? { kind: 'barcode', reading } : { kind: 'cancel' }, {
    ...(status !== undefined ? { status } : {}),
    now: new Date().toISOString(),
    newEventId: `urn:uuid:${randomUUID()}`,
    ...(request.messageId !== undefined ? { messageId: request.messageId } : {}),
  });
  const read = reading === undefined ? undefined : reading.kind === 'gs1' ? { kind: 'gs1' as const, symbology: reading.symbology, elements: reading.elements } : reading;
  const result = (s: StationState): ScanResult => ({ station: station.id, ...outcome.reply, ...(read ? { read } : {}), sequence: s.items.map((i) => i.label).concat(s.receipt ? [s.receipt.item.label] : []) });
  if (outcome.reply.status === 'duplicate') return result(outcome.state);
  version = await save(deps, station.id, outcome.state, version);
  const pending = outcome.state.pending;
  if (pending) {
    await flush(deps, pending, context);
    await save(deps, station.id, { ...outcome.state, pending: undefined }, version);
  }
  return result(outcome.state);
}
