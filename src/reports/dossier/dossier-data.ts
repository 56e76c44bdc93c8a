/**
 * Everything the genealogy dossier of one lot shows, gathered through the store port and the
 * quality port: both traces with quantities and shares, the events around the chain, holds and
 * signed releases, exceptions and the links recorded after the fact, shipments and receipts.
 *
 * Which events: those of every lot of the chain (both ways) while the chain has at most
 * EVENT_LOT_LIMIT lots — an auditor following a lot needs the mixing parameters of its batch and
 * the receipt of each ingredient, not only its own events. A raw lot that went into thousands of
 * products would make a book, not a dossier: there only the lot and its direct parents and children
 * are listed, the dossier says so, and the tables still list every lot of the chain.
 *
 * The dossier is "as of" an instant: the log up to that record time, and the exception history
 * up to it. The same instant gives the same data, hence the same content hash (dossier-hash.ts).
 */
import { LotlineError } from '../../domain/errors.js';
import type { RawEvent } from '../../domain/event-facts.js';
import type { ObjectRef } from '../../domain/identifiers/object-ref.js';
import { refKey, refLabel } from '../../domain/identifiers/object-ref.js';
import { lotlineUri } from '../../domain/identifiers/lotline-uri.js';
import { RETROACTIVE_LINK_BIZ_STEP } from '../../domain/lotline-vocabulary.js';
import { isHoldEvent, isReleaseEvent, lotState } from '../../genealogy/lot-state.js';
import type { Movement } from '../../genealogy/movements.js';
import type { RefJson, TraceCorrection, TraceGap, TraceLink, TraceLot, TraceResult } from '../../genealogy/trace.js';
import { toMs, trace } from '../../genealogy/trace.js';
import { SIGNATURES_FIELD, verifySignatures } from '../../quality/e-signature.js';
import type { ExceptionChange, ExceptionRecord, QualityStore } from '../../quality/quality-store.js';
import type { EventRow, EventStore } from '../../store/event-store.js';
import { eventsAroundLots, tracedNodes } from '../lot-events.js';
import { describePlace } from '../place-description.js';
import type { ReportEvent } from '../report-events.js';
import { readReportEvents } from '../report-events.js';

/** Chains with more lots than this, in either direction, are refused: a dossier is read, not searched. */
export const DOSSIER_MAX_LOTS = 20_000;
/** Up to this many lots in the chain, the events of all of them are listed; beyond, the lot's and its neighbours'. */
export const EVENT_LOT_LIMIT = 300;
/** Events listed at most (the newest are kept out and the dossier says how many). */
export const MAX_EVENTS = 5_000;

export interface DossierOptions {
  /** The instant the dossier reflects (ISO date-time with offset); default: now. */
  readonly asOf?: string;
  /** Who asks for it (`user:NAME`, `key:NAME`, `cli:OS-USER`): printed, not hashed. */
  readonly generatedBy: string;
  /** When it is made (ISO); default now. Printed, not hashed. */
  readonly generatedAt?: string;
  /** Refuse chains with more lots than this in either direction (default DOSSIER_MAX_LOTS). */
  readonly maxLots?: number;
}

export interface DossierLot {
  readonly ref: RefJson;
  readonly label: string;
  readonly depth: number;
  /** Backward: the fraction of the dossier's lot that comes from this lot. Forward: of this lot that comes from the dossier's lot. */
  readonly share: number | null;
  /** Some hold on it was not ended as of the dossier's instant. */
  readonly held: boolean;
}

export interface DossierLink {
  readonly from: string;
  readonly to: string;
  readonly quantity: number | null;
  readonly uom: string | null;
  readonly eventId: string;
  /** Recorded after the fact to close a gap: who confirmed it, when, for which exception. */
  readonly retroactive: { readonly exception: number | null; readonly confirmedBy: string | null; readonly confirmedAt: string | null } | null;
}

export interface DossierChain {
  readonly lots: DossierLot[];
  readonly links: DossierLink[];
}

export interface DossierMovement {
  readonly lot: string;
  readonly time: string;
  /** Customer (shipments) or supplier (receipts), as a name. */
  readonly party: string | null;
  readonly quantity: number | null;
  readonly uom: string | null;
  /** The pallet or case it travelled in. */
  readonly via: string | null;
  /** Shipments: the share of the shipped lot that comes from the dossier's lot, and so the exposure. */
  readonly share: number | null;
  readonly exposure: number | null;
  readonly eventId: string;
}

export interface DossierSignature {
  readonly printedName: string | null;
  readonly signer: string | null;
  readonly meaning: string | null;
  readonly signedAt: string | null;
  /** The signature's hash matches the event and the ledger (e-signature.ts). */
  readonly valid: boolean;
  readonly problem: string | null;
}

export interface DossierEventObject {
  readonly label: string;
  readonly role: 'input' | 'output' | 'object' | 'unit';
  readonly quantity: number | null;
  readonly uom: string | null;
}

export interface DossierEvent {
  readonly eventId: string;
  readonly seq: number;
  readonly type: string;
  /** What happened, in words (`receiving`, `holding`, …: the bare business step). */
  readonly step: string | null;
  readonly disposition: string | null;
  /** When it happened, with the zone it was recorded in. */
  readonly time: string;
  /** When Lotline learned it. */
  readonly recordTime: string;
  readonly place: string | null;
  readonly operator: string | null;
  readonly recordedBy: string | null;
  readonly equipment: string | null;
  readonly line: string | null;
  readonly processStep: string | null;
  /** Process parameters and sensor readings: `name = value unit`. */
  readonly parameters: string[];
  /** An inspection's result (`pass`, `fail`), when the event is one. */
  readonly inspection: string | null;
  readonly reason: string | null;
  readonly reference: string | null;
  readonly from: string | null;
  readonly to: string | null;
  readonly documents: string[];
  readonly objects: DossierEventObject[];
  readonly signatures: DossierSignature[];
  readonly retroactive: boolean;
  /** Declared erroneous: it stays in the record and no longer counts. */
  readonly voided: boolean;
}

export interface DossierHold {
  readonly kind: 'hold' | 'release' | 'rejection';
  readonly time: string;
  readonly lots: string[];
  readonly reason: string | null;
  readonly reference: string | null;
  readonly recordedBy: string | null;
  readonly signatures: DossierSignature[];
  readonly eventId: string;
}

export interface DossierException {
  readonly id: number;
  readonly rule: string;
  readonly severity: string;
  readonly lot: string;
  readonly explanation: string;
  readonly state: string;
  readonly owner: string | null;
  readonly resolution: string | null;
  readonly openedAt: string;
  /** The corrective event that recorded the missing link, when the exception was resolved so. */
  readonly correctiveEventId: string | null;
  readonly history: { time: string; actor: string; action: string }[];
}

export interface DossierData {
  readonly lot: RefJson;
  readonly label: string;
  readonly state: {
    readonly status: string;
    readonly onHand: string | null;
    readonly location: string | null;
    readonly supplierLots: string[];
    readonly hold: { since: string; reason: string | null } | null;
  };
  /** Where this lot came from. */
  readonly backward: DossierChain;
  /** Where it went. */
  readonly forward: DossierChain;
  readonly shipments: DossierMovement[];
  readonly receipts: DossierMovement[];
  readonly events: DossierEvent[];
  /** Whose events are listed: every lot of the chain, or the lot and its direct neighbours (see the file comment). */
  readonly eventScope: { readonly kind: 'chain' | 'neighbours'; readonly lots: number; readonly omittedEvents: number };
  readonly holds: DossierHold[];
  readonly exceptions: DossierException[];
  readonly corrections: TraceCorrection[];
  readonly gaps: TraceGap[];
  readonly cycles: string[][];
}

/** Where the dossier stands in the log and who made it: printed in the footer, not part of the hashed content. */
export interface DossierStamp {
  readonly generatedAt: string;
  readonly generatedBy: string;
  /** The instant the dossier reflects. */
  readonly asOf: string;
  /** The last log position at that instant, and the hash of the chain there. */
  readonly logSeq: number;
  readonly logHeadHash: string;
}

export interface Dossier {
  readonly data: DossierData;
  readonly stamp: DossierStamp;
}

const refText = (r: RefJson): string => ('lot' in r ? `${r.item} / ${r.lot}` : `${r.item} # ${r.serial}`);

/** A trace lot or movement (item with lot or serial) as a ref. */
function asRefJson(l: { readonly item: string; readonly lot?: string | undefined; readonly serial?: string | undefined }): RefJson {
  return l.lot !== undefined ? { item: l.item, lot: l.lot } : { item: l.item, serial: l.serial ?? '' };
}

function toRef(r: RefJson): ObjectRef {
  return 'lot' in r ? { kind: 'lot', item: r.item, lot: r.lot } : { kind: 'serial', item: r.item, serial: r.serial };
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null);

/** The head of the log at an instant: its position and the hash of the entry there. */
async function logAt(store: EventStore, asOfIso: string): Promise<{ seq: number; hash: string }> {
  const seq = await store.seqAt(asOfIso);
  if (seq === 0) return { seq: 0, hash: '0'.repeat(64) };
  const [entry] = await store.readLog(seq - 1, 1);
  return { seq, hash: entry?.hash ?? '' };
}

/** Gathers the dossier of one lot. LOT_NOT_FOUND for an unknown lot, DOSSIER_TOO_LARGE past DOSSIER_MAX_LOTS. */
export async function dossierData(store: EventStore, quality: QualityStore, ref: ObjectRef, options: DossierOptions): Promise<Dossier> {
  const generatedAt = options.generatedAt ?? new Date().toISOString();
  // The instant is fixed to the millisecond, in UTC, so that it can be typed again to check the hash.
  const asOf = new Date(toMs(options.asOf, 'as-of', Date.parse(generatedAt))).toISOString();
  const log = await logAt(store, asOf);
  const maxLots = options.maxLots ?? DOSSIER_MAX_LOTS;
  // The trace counts its root among the nodes it visits.
  const traceOptions = { asOf, maxNodes: maxLots + 1 };
  const back = await trace(store, ref, 'backward', traceOptions);
  const fwd = await trace(store, ref, 'forward', traceOptions);
  for (const [t, dir] of [[back, 'came from'], [fwd, 'went into']] as const) {
    if (t.truncated) {
      throw new LotlineError('DOSSIER_TOO_LARGE', `${refLabel(ref)} ${dir} more than ${maxLots.toLocaleString('en')} lots: too many for a dossier to be read; use the FSMA 204 spreadsheet or the trace JSON for this lot`);
    }
  }
  const st = await lotState(store, ref, { asOf });
  if (!('status' in st)) throw new LotlineError('USAGE', `${refLabel(ref)} is a logistic unit: a dossier is made for a lot`);

  // Whose events: the chain, or the lot and its neighbours (see the file comment).
  const chainSize = back.lots.length + fwd.lots.length + 1;
  const scopeKind = chainSize <= EVENT_LOT_LIMIT ? 'chain' : 'neighbours';
  const near = (l: TraceLot): boolean => scopeKind === 'chain' || l.depth <= 1;
  const scopeResult = (t: TraceResult): TraceResult => ({ ...t, lots: t.lots.filter(near) });
  const nodeIds = [...new Set([...(await tracedNodes(store, ref, scopeResult(back))), ...(await tracedNodes(store, ref, scopeResult(fwd)))])];
  const seqs = [...(await eventsAroundLots(store, nodeIds))].filter((s) => s <= log.seq).sort((a, b) => a - b);
  const chainLabels = new Set([refLabel(ref), ...[...back.lots, ...fwd.lots].map((l) => refText(asRefJson(l)))]);
  // A flour lot's other batches are not this lot's history: a transformation counts when it made a lot of the chain.
  // Events sharing a transformationID with one that made a chain lot are the same batch (a link recorded after the fact, inputs fed over a shift).
  const all = [...(await readReportEvents(store, seqs)).values()];
  const makesChainLot = (e: ReportEvent): boolean => e.facts.outputs.some((o) => chainLabels.has(refLabel(o.ref)));
  const chainBatches = new Set(all.filter(makesChainLot).map((e) => e.facts.transformationId).filter((id): id is string => id !== null));
  const relevant = (e: ReportEvent): boolean => e.facts.type !== 'TransformationEvent' || makesChainLot(e) || (e.facts.transformationId !== null && chainBatches.has(e.facts.transformationId));
  const read = all.filter(relevant);
  const omittedEvents = Math.max(0, read.length - MAX_EVENTS);
  const ordered = read.sort((a, b) => a.row.eventMs - b.row.eventMs || a.row.seq - b.row.seq).slice(0, MAX_EVENTS);
  const events: DossierEvent[] = [];
  for (const e of ordered) events.push(await dossierEvent(e, quality));

  const held = await heldLots(store, [...back.lots, ...fwd.lots], log.seq);
  const chain = (t: TraceResult): DossierChain => ({
    lots: t.lots.filter((l) => l.depth > 0).map((l) => {
      const r = asRefJson(l);
      return { ref: r, label: refText(r), depth: l.depth, share: l.share, held: held.has(refText(r)) };
    }),
    links: t.links.map(dossierLink),
  });
  const forwardShare = new Map(fwd.lots.map((l) => [refText(asRefJson(l)), l.share]));
  const movement = (m: Movement, party: string | null | undefined, withShare: boolean): DossierMovement => {
    const lot = refText(asRefJson(m));
    const share = withShare ? (forwardShare.get(lot) ?? null) : null;
    return {
      lot,
      time: m.time,
      party: party ? describePlace(party) : null,
      quantity: m.quantity,
      uom: m.uom,
      via: m.via ?? null,
      share,
      exposure: share !== null && m.quantity !== null ? round(share * m.quantity) : null,
      eventId: m.eventId,
    };
  };
  const label = refLabel(ref);
  const scopeLabels = new Set([label, ...[...back.lots, ...fwd.lots].filter(near).map((l) => refText(asRefJson(l)))]);
  const data: DossierData = {
    lot: back.root,
    label,
    state: {
      status: st.status,
      onHand: st.onHand ? `${fmtNumber(st.onHand.quantity)} ${st.onHand.uom}` : null,
      location: st.location ? describePlace(st.location) : null,
      supplierLots: st.supplierLots,
      hold: st.hold ? { since: st.hold.since, reason: st.hold.reason } : null,
    },
    backward: chain(back),
    forward: chain(fwd),
    shipments: fwd.shipments.map((m) => movement(m, m.destination, true)),
    receipts: back.receipts.map((m) => movement(m, m.source, false)),
    events,
    eventScope: { kind: scopeKind, lots: scopeLabels.size, omittedEvents },
    holds: holdsOf(events),
    exceptions: await exceptionsOf(quality, [ref, ...[...back.lots, ...fwd.lots].filter(near).map((l) => toRef(asRefJson(l)))], asOf),
    corrections: mergeCorrections(back.corrections, fwd.corrections),
    gaps: [...back.gaps, ...fwd.gaps].filter((g, i, all) => all.findIndex((o) => o.eventId === g.eventId && o.item === g.item && o.role === g.role) === i),
    cycles: [...back.cycles, ...fwd.cycles].map((c) => c.map(refText)),
  };
  return { data, stamp: { generatedAt, generatedBy: options.generatedBy, asOf, logSeq: log.seq, logHeadHash: log.hash } };
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/** A number as a person reads it: no float noise. */
export function fmtNumber(n: number): string {
  return String(round(n));
}

function dossierLink(l: TraceLink): DossierLink {
  const r = l.retroactive;
  return {
    from: refText(l.from),
    to: refText(l.to),
    quantity: l.quantity,
    uom: l.uom,
    eventId: l.eventId,
    retroactive: r
      ? { exception: typeof r['exception'] === 'number' ? r['exception'] : null, confirmedBy: str(r['confirmedBy']), confirmedAt: str(r['confirmedAt']) }
      : null,
  };
}

function mergeCorrections(a: readonly TraceCorrection[], b: readonly TraceCorrection[]): TraceCorrection[] {
  const byId = new Map([...a, ...b].map((c) => [c.eventId, c]));
  return [...byId.values()].sort((x, y) => (x.eventId < y.eventId ? -1 : x.eventId > y.eventId ? 1 : 0));
}

/** Lots of the chain whose last hold-or-release event (as of the log position) is a hold. */
async function heldLots(store: EventStore, lots: readonly TraceLot[], maxSeq: number): Promise<Set<string>> {
  const refs = lots.map((l) => toRef(asRefJson(l)));
  const nodes = await store.findNodes(refs);
  const byNode = new Map<number, string>();
  for (const r of refs) {
    const n = nodes.get(refKey(r));
    if (n) byNode.set(n.id, refLabel(r));
  }
  const held = new Set<string>();
  if (byNode.size === 0) return held;
  const rows = await store.eventObjectsOfNodes([...byNode.keys()]);
  const events = new Map((await store.eventsBySeq([...new Set(rows.map((r) => r.seq))])).filter((e) => e.seq <= maxSeq && e.voidSeq === null).map((e) => [e.seq, e]));
  const last = new Map<number, EventRow>();
  for (const r of rows) {
    const e = events.get(r.seq);
    if (!e || !(isHoldEvent(e) || isReleaseEvent(e) || e.bizStep === 'destroying')) continue;
    const prev = last.get(r.node);
    if (!prev || prev.eventMs < e.eventMs || (prev.eventMs === e.eventMs && prev.seq < e.seq)) last.set(r.node, e);
  }
  for (const [node, e] of last) if (isHoldEvent(e)) held.add(byNode.get(node)!);
  return held;
}

function signaturesOf(checks: Awaited<ReturnType<typeof verifySignatures>>): DossierSignature[] {
  return checks.signatures.map((s) => ({ printedName: s.printedName, signer: s.signer, meaning: s.meaning, signedAt: s.signedAt, valid: s.valid, problem: s.reason }));
}

function objectRows(e: ReportEvent): DossierEventObject[] {
  const f = e.facts;
  const out: DossierEventObject[] = [];
  for (const o of f.inputs) out.push({ label: refLabel(o.ref), role: 'input', quantity: o.quantity, uom: o.uom });
  for (const o of f.outputs) out.push({ label: refLabel(o.ref), role: 'output', quantity: o.quantity, uom: o.uom });
  if (f.parent) out.push({ label: refLabel(f.parent), role: 'unit', quantity: null, uom: null });
  for (const o of f.objects) out.push({ label: refLabel(o.ref), role: 'object', quantity: o.quantity, uom: o.uom });
  return out;
}

/** Process parameters (`lotline:parameters`) and EPCIS sensor reports, as `name = value unit`. */
function parametersOf(body: RawEvent): string[] {
  const out: string[] = [];
  const p = body['lotline:parameters'];
  if (typeof p === 'object' && p !== null && !Array.isArray(p)) {
    for (const [k, v] of Object.entries(p as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) out.push(`${k} = ${str(v) ?? JSON.stringify(v)}`);
  }
  const sensors = body['sensorElementList'];
  if (Array.isArray(sensors)) {
    for (const el of sensors) {
      const reports = (el as Record<string, unknown> | null)?.['sensorReport'];
      if (!Array.isArray(reports)) continue;
      for (const r of reports as Record<string, unknown>[]) {
        const type = str(r['type'])?.replace(/^.*[/#:-]/, '') ?? 'reading';
        const value = str(r['value']) ?? str(r['stringValue']) ?? str(r['booleanValue']) ?? (r['minValue'] !== undefined ? `${str(r['minValue'])}..${str(r['maxValue'])}` : '?');
        const uom = str(r['uom']);
        const time = str(r['time']);
        out.push(`${type} = ${value}${uom ? ` ${uom}` : ''}${time ? ` at ${time}` : ''}`);
      }
    }
  }
  return out;
}

async function dossierEvent(e: ReportEvent, quality: QualityStore): Promise<DossierEvent> {
  const b = e.body;
  const f = e.facts;
  const party = (list: readonly { type: string; id: string }[]): string | null => {
    const owner = list.find((p) => p.type === 'owning_party') ?? list[0];
    return owner ? describePlace(owner.id) : null;
  };
  const place = e.row.bizLocation ?? e.row.readPoint;
  const result = str(b['lotline:result']) ?? (e.row.bizStep === 'inspecting' && e.row.disposition === 'conformant' ? 'pass' : e.row.bizStep === 'inspecting' && e.row.disposition === 'non_conformant' ? 'fail' : null);
  return {
    eventId: e.row.eventId,
    seq: e.row.seq,
    type: e.row.type,
    step: e.row.bizStep === RETROACTIVE_LINK_BIZ_STEP ? 'linking retroactively' : bareStep(e.row.bizStep),
    disposition: bareStep(e.row.disposition),
    time: f.eventTime,
    recordTime: e.row.recordTime,
    place: place ? describePlace(place) : null,
    operator: str(b['lotline:operator']),
    recordedBy: e.row.recordedBy,
    equipment: str(b['lotline:equipment']),
    line: str(b['lotline:line']),
    processStep: str(b['lotline:step']),
    parameters: parametersOf(b),
    inspection: result,
    reason: str(b['lotline:reason']) ?? str(b['lotline:note']),
    reference: str(b['lotline:reference']),
    from: party(f.sources),
    to: party(f.destinations),
    documents: f.bizTransactions.map((t) => `${t.type ? `${bareStep(t.type)} ` : ''}${describePlace(t.id).replace(/^urn:lotline:[a-z]+:/, '')}`),
    objects: objectRows(e),
    signatures: b[SIGNATURES_FIELD] === undefined ? [] : signaturesOf(await verifySignatures(b, quality)),
    retroactive: e.row.bizStep === RETROACTIVE_LINK_BIZ_STEP,
    voided: e.row.voidSeq !== null,
  };
}

/** A CBV value without its namespace (`https://ref.gs1.org/cbv/BizStep-shipping` → `shipping`). */
function bareStep(v: string | null): string | null {
  if (v === null) return null;
  return v.replace(/^https:\/\/ref\.gs1\.org\/cbv\/[A-Za-z]+-/, '').replace(/^urn:epcglobal:cbv:[a-z]+:/, '').replace(/_/g, ' ');
}

function holdsOf(events: readonly DossierEvent[]): DossierHold[] {
  const out: DossierHold[] = [];
  for (const e of events) {
    if (e.voided) continue;
    const lots = e.objects.filter((o) => o.role === 'object' || o.role === 'unit').map((o) => o.label);
    const kind = e.step === 'holding' ? 'hold' : e.signatures.length > 0 && e.step === 'destroying' ? 'rejection' : e.signatures.length > 0 || (e.step === 'inspecting' && e.disposition === 'available') ? 'release' : null;
    if (kind === null) continue;
    out.push({ kind, time: e.time, lots, reason: e.reason, reference: e.reference, recordedBy: e.recordedBy, signatures: e.signatures, eventId: e.eventId });
  }
  return out;
}

/** The state of an exception as of an instant, rebuilt from its append-only history. */
function exceptionAt(x: ExceptionRecord, history: readonly ExceptionChange[], asOfMs: number): DossierException | null {
  const seen = history.filter((h) => Date.parse(h.time) <= asOfMs);
  if (seen.length === 0) return null;
  let state = 'open';
  let owner: string | null = null;
  let resolution: string | null = null;
  let corrective: string | null = null;
  for (const h of seen) {
    const d = h.details;
    if (h.action === 'acknowledged') state = 'acknowledged';
    if (h.action === 'acknowledged' || h.action === 'assigned') owner = str(d['owner']) ?? owner;
    if (h.action === 'resolved') {
      state = 'resolved';
      resolution = str(d['note']);
      corrective = str(d['correctiveEventId']);
    }
    if (h.action === 'dismissed') {
      state = 'dismissed';
      resolution = str(d['reason']);
    }
  }
  return {
    id: x.id,
    rule: x.ruleId,
    severity: x.severity,
    lot: x.subject.ref,
    explanation: x.explanation,
    state,
    owner,
    resolution,
    openedAt: seen[0]!.time,
    correctiveEventId: corrective,
    history: seen.map((h) => ({ time: h.time, actor: h.actor, action: h.action })),
  };
}

async function exceptionsOf(quality: QualityStore, lots: readonly ObjectRef[], asOf: string): Promise<DossierException[]> {
  const asOfMs = Date.parse(asOf);
  const out: DossierException[] = [];
  for (const lot of lots) {
    for (const x of await quality.queryExceptions({ lot: lotlineUri(lot), limit: 10_000 })) {
      const at = exceptionAt(x, await quality.historyOf(x.id), asOfMs);
      if (at) out.push({ ...at, lot: refLabel(lot) });
    }
  }
  return out.sort((a, b) => a.id - b.id);
}
