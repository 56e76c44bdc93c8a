/**
 * The mock recall (BRCGS, SQF): the exercise a plant runs every year against a chosen lot to show
 * it can find everything in time. Trace both ways, reconcile each lot's quantities
 * (received or produced = consumed + shipped + on hand + scrapped + adjusted), say what share is
 * accounted for, what is not and where it was last seen, how long it took, and which genealogy
 * gaps were met on the way. The result is the record an auditor files.
 */
import type { ObjectRef } from '../../domain/identifiers/object-ref.js';
import { refKey, refLabel } from '../../domain/identifiers/object-ref.js';
import { lotlineUri } from '../../domain/identifiers/lotline-uri.js';
import { lotStates } from '../../genealogy/lot-state.js';
import type { RefJson, TraceResult } from '../../genealogy/trace.js';
import { trace } from '../../genealogy/trace.js';
import type { Finding } from '../../quality/finding.js';
import type { QualityConfig } from '../../quality/quality-config.js';
import { checkView, runImmediateRules, selectRules } from '../../quality/run-gap-rules.js';
import { GAP_RULE_IDS } from '../../quality/rules/index.js';
import { loadLotsWhole } from '../../quality/scheduled-gap-run.js';
import type { EventStore } from '../../store/event-store.js';
import { describePlace } from '../place-description.js';

/** How a lot takes part in the exercise: the chosen lot, a lot made from it, a lot it was made from. */
export type ReconciliationRole = 'chosen' | 'forward' | 'backward';

/** One lot's quantities, in the lot's own unit. */
export interface LotReconciliation {
  readonly lot: RefJson;
  readonly label: string;
  readonly role: ReconciliationRole;
  /** Transformation steps from the chosen lot. */
  readonly depth: number;
  readonly status: string;
  readonly uom: string | null;
  readonly received: number | null;
  readonly produced: number | null;
  readonly consumed: number | null;
  readonly shipped: number | null;
  /** By the book: what no event took out. */
  readonly onHand: number | null;
  readonly scrapped: number | null;
  /** Written off by adjustments and counts (a count that found more is negative). */
  readonly adjusted: number | null;
  /** Quantity whose whereabouts the records do not show (0 when all is accounted for; null when unknown). */
  readonly unaccounted: number | null;
  /** Share of received + produced accounted for, 0–100 (null when nothing came in or units do not convert). */
  readonly percentAccounted: number | null;
  /** Where the lot was last seen: its location and last event. */
  readonly lastSeen: { readonly location: string | null; readonly eventId: string | null; readonly bizStep: string | null; readonly time: string | null };
}

/** A quantity the records do not account for, and why. */
export interface Unaccounted {
  readonly lot: RefJson;
  readonly label: string;
  /** Null when it cannot be counted (units that do not convert). */
  readonly quantity: number | null;
  readonly uom: string | null;
  readonly reason: string;
  readonly lastSeen: LotReconciliation['lastSeen'];
}

export interface MockRecallGap {
  /** A gap rule id (docs/quality-rules.md), or `class-only-input` / `cycle` / `truncated` met by the trace itself. */
  readonly rule: string;
  readonly severity: string;
  readonly subject: string;
  readonly explanation: string;
  readonly eventIds: readonly string[];
}

export interface MockRecallReport {
  readonly lot: RefJson;
  readonly label: string;
  readonly lotUri: string;
  /** Who ran it (`user:NAME`, `key:NAME`, `cli:OS-USER`). */
  readonly runBy: string;
  /** ISO date-times with offset (UTC). */
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly elapsedMs: number;
  /** The log position the exercise reflects. */
  readonly asOfSeq: number;
  readonly forward: TraceResult;
  readonly backward: TraceResult;
  readonly reconciliation: readonly LotReconciliation[];
  /** Per unit: quantities in, unaccounted, and the share accounted for. */
  readonly totals: readonly { readonly uom: string; readonly in: number; readonly unaccounted: number; readonly percentAccounted: number | null }[];
  /** The lowest per-unit share (an auditor reads the worst), null when no quantity could be reconciled. */
  readonly percentAccounted: number | null;
  readonly unaccounted: readonly Unaccounted[];
  readonly gaps: readonly MockRecallGap[];
  /** Customers the recall would notify: shipments of the chosen lot and the lots made from it. */
  readonly customers: readonly { readonly customer: string; readonly shipments: number }[];
  /** The name of every party and place the traces name (describePlace), so the record reads without a lookup. */
  readonly places: readonly { readonly uri: string; readonly name: string }[];
}

export interface MockRecallOptions {
  readonly runBy: string;
  /** The gap rules to run (the plant's quality configuration). */
  readonly quality: QualityConfig;
  /** The clock (tests fix it). */
  readonly now?: () => number;
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;
const pct = (part: number, whole: number): number => Math.round((Math.max(0, part) / whole) * 1000) / 10;

async function place(uri: string | null): Promise<string | null> {
  // describePlace may read master data; awaiting keeps this call right whichever it does.
  return uri === null ? null : describePlace(uri);
}

function toRef(r: RefJson): ObjectRef {
  return 'lot' in r ? { kind: 'lot', item: r.item, lot: r.lot } : { kind: 'serial', item: r.item, serial: r.serial };
}

function labelOf(r: RefJson): string {
  return refLabel(toRef(r));
}

/** Runs the exercise against a stored lot (or serial). */
export async function runMockRecall(store: EventStore, root: ObjectRef, options: MockRecallOptions): Promise<MockRecallReport> {
  const now = options.now ?? Date.now;
  const started = now();
  const asOfSeq = await store.headSeq();
  const forward = await trace(store, root, 'forward');
  const backward = await trace(store, root, 'backward');

  const members = new Map<string, { ref: RefJson; role: ReconciliationRole; depth: number }>();
  const rootJson = forward.root;
  members.set(lotlineUri(toRef(rootJson)), { ref: rootJson, role: 'chosen', depth: 0 });
  for (const [result, role] of [[forward, 'forward'], [backward, 'backward']] as const) {
    for (const l of result.lots) {
      const ref: RefJson = l.lot !== undefined ? { item: l.item, lot: l.lot } : { item: l.item, serial: l.serial! };
      const key = lotlineUri(toRef(ref));
      if (!members.has(key)) members.set(key, { ref, role, depth: l.depth });
    }
  }

  // Movements recorded without a quantity make a lot's book stock unreliable: counted per lot.
  const nodes = await store.findNodes([...members.values()].map((m) => toRef(m.ref)));
  const nodeKey = new Map([...members.keys()].map((k) => [nodes.get(refKeyOf(members.get(k)!.ref))?.id, k]));
  const missing = new Map<string, { eventId: string; what: string }[]>();
  const note = (key: string | undefined, eventId: string, what: string): void => {
    if (key === undefined) return;
    const l = missing.get(key) ?? [];
    if (!l.some((x) => x.eventId === eventId)) l.push({ eventId, what });
    missing.set(key, l);
  };
  const ids = [...nodes.values()].map((n) => n.id);
  const flows = [...(await store.flowsOfNodes(ids, 'in')), ...(await store.flowsOfNodes(ids, 'out'))].filter((f) => f.voidSeq === null && f.quantity === null);
  const flowEvents = new Map((await store.eventsBySeq([...new Set(flows.map((f) => f.seq))])).map((e) => [e.seq, e]));
  for (const f of flows) note(nodeKey.get(f.node), flowEvents.get(f.seq)?.eventId ?? `log position ${f.seq}`, f.dir === 'in' ? 'consumed without a quantity' : 'produced without a quantity');
  for (const m of [...forward.shipments, ...backward.shipments, ...forward.receipts, ...backward.receipts]) {
    if (m.quantity !== null) continue;
    const ref: RefJson = m.lot !== undefined ? { item: m.item, lot: m.lot } : { item: m.item, serial: m.serial! };
    note(lotlineUri(toRef(ref)), m.eventId, m.destination !== undefined ? 'shipped without a quantity' : 'received without a quantity');
  }

  const reconciliation: LotReconciliation[] = [];
  const unaccounted: Unaccounted[] = [];
  // every member's state in one pass over the store (one replay per lot was most of the exercise)
  const states = await lotStates(store, [...members.values()].map((m) => toRef(m.ref)));
  for (const [key, m] of members) {
    const state = states.get(refKeyOf(m.ref))!;
    const lastSeen = {
      location: await place(state.location ?? state.lastEvent?.location ?? null),
      eventId: state.lastEvent?.eventId ?? null,
      // `https://…/BizStep-adjusting` reads as `adjusting`, as CBV steps are written bare
      bizStep: state.lastEvent?.bizStep?.replace(/^.*BizStep-/, '') ?? null,
      time: state.lastEvent?.time ?? null,
    };
    const label = labelOf(m.ref);
    const b = state.balance;
    if (b === null) {
      reconciliation.push({ lot: m.ref, label, role: m.role, depth: m.depth, status: state.status, uom: null, received: null, produced: null, consumed: null, shipped: null, onHand: null, scrapped: null, adjusted: null, unaccounted: null, percentAccounted: null, lastSeen });
      unaccounted.push({ lot: m.ref, label, quantity: null, uom: null, reason: 'its quantities are in units that do not convert into one another: it cannot be reconciled', lastSeen });
      continue;
    }
    const inQty = b.received + b.produced;
    const adjusted = round(-b.adjusted) + 0; // + 0: no -0 in the record
    const onHand = round(inQty - b.consumed - b.shipped - b.scrapped - adjusted);
    const gaps = missing.get(key) ?? [];
    let lost = 0;
    let reason: string | null = null;
    if (onHand < -1e-9) {
      lost = -onHand;
      reason = `${round(lost)} ${b.uom} more left the lot than was received or produced: a receipt or production is missing, or a quantity is wrong`;
    } else if (onHand > 1e-9 && gaps.length > 0) {
      lost = onHand;
      reason = `the book says ${onHand} ${b.uom} on hand, but ${gaps.length} movement(s) were recorded without a quantity (${gaps.map((g) => `${g.what}: ${g.eventId}`).join('; ')}): the stock must be counted`;
    } else if (onHand > 1e-9 && lastSeen.location === null) {
      lost = onHand;
      reason = `the book says ${onHand} ${b.uom} on hand, but no event says where it is`;
    } else if (inQty <= 1e-9 && b.consumed + b.shipped + b.scrapped > 1e-9) {
      reason = 'the lot was used or shipped but never received or produced';
    }
    const lostQty = round(lost);
    const percentAccounted = inQty > 1e-9 ? pct(inQty - lostQty, inQty) : null;
    reconciliation.push({
      lot: m.ref, label, role: m.role, depth: m.depth, status: state.status, uom: b.uom,
      received: b.received, produced: b.produced, consumed: b.consumed, shipped: b.shipped, onHand: Math.max(0, onHand), scrapped: b.scrapped, adjusted,
      unaccounted: lostQty, percentAccounted, lastSeen,
    });
    if (reason !== null) unaccounted.push({ lot: m.ref, label, quantity: lostQty, uom: b.uom, reason, lastSeen });
  }
  reconciliation.sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.depth - b.depth || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));

  const byUnit = new Map<string, { in: number; unaccounted: number }>();
  for (const r of reconciliation) {
    if (r.uom === null || r.received === null) continue;
    const t = byUnit.get(r.uom) ?? { in: 0, unaccounted: 0 };
    t.in += r.received + r.produced!;
    t.unaccounted += r.unaccounted!;
    byUnit.set(r.uom, t);
  }
  const totals = [...byUnit].sort(([a], [b]) => (a < b ? -1 : 1)).map(([uom, t]) => ({ uom, in: round(t.in), unaccounted: round(t.unaccounted), percentAccounted: t.in > 1e-9 ? pct(t.in - t.unaccounted, t.in) : null }));
  const known = totals.map((t) => t.percentAccounted).filter((p): p is number => p !== null);

  const gaps = await gapsMet(store, options.quality, ids, new Set(members.keys()), new Set([...forward.links, ...backward.links].map((l) => l.eventId)));
  for (const [result, dir] of [[forward, 'forward'], [backward, 'backward']] as const) {
    // a class-only input the gap rule already reported is not listed twice
    for (const g of result.gaps.filter((x) => !gaps.some((f) => f.rule === 'class-only-input' && f.eventIds.includes(x.eventId)))) gaps.push({ rule: 'class-only-input', severity: 'warning', subject: g.item, explanation: `the ${dir} trace met ${g.item} without a lot or serial (${g.role} of event ${g.eventId}): the chain is broken there`, eventIds: [g.eventId] });
    for (const c of result.cycles) gaps.push({ rule: 'cycle', severity: 'critical', subject: c.map(labelOf).join(' → '), explanation: `these lots are, by the records, their own ancestors (${dir} trace): a data error to correct`, eventIds: [] });
    if (result.truncated) gaps.push({ rule: 'truncated', severity: 'critical', subject: labelOf(result.root), explanation: `the ${dir} trace stopped at its node limit: the exercise is incomplete`, eventIds: [] });
  }

  const customers = new Map<string, number>();
  for (const s of forward.shipments) {
    const name = (await place(s.destination ?? null)) ?? 'unknown customer';
    customers.set(name, (customers.get(name) ?? 0) + 1);
  }
  const places: { uri: string; name: string }[] = [];
  const uris = new Set([...forward.shipments, ...backward.shipments, ...forward.receipts, ...backward.receipts].flatMap((m) => [m.destination, m.source]).filter((u): u is string => typeof u === 'string'));
  for (const uri of [...uris].sort()) places.push({ uri, name: (await place(uri))! });
  const finished = now();
  return {
    lot: rootJson,
    label: labelOf(rootJson),
    lotUri: lotlineUri(toRef(rootJson)),
    runBy: options.runBy,
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date(finished).toISOString(),
    elapsedMs: finished - started,
    asOfSeq,
    forward,
    backward,
    reconciliation,
    totals,
    percentAccounted: known.length > 0 ? Math.min(...known) : null,
    unaccounted,
    gaps,
    places,
    customers: [...customers].sort(([a], [b]) => (a < b ? -1 : 1)).map(([customer, shipments]) => ({ customer, shipments })),
  };
}

const ROLE_ORDER: Record<ReconciliationRole, number> = { chosen: 0, forward: 1, backward: 2 };

/** The key findNodes answers under, for a lot in the trace's form. */
function refKeyOf(r: RefJson): string {
  return refKey(toRef(r));
}

/**
 * The gap rules' findings about the exercise's lots, or shown by the events that link them: the
 * immediate rules over the lots' own events, the window rules over a view holding the lots whole
 * (as the scheduled run judges the lots that changed), instead of the whole plant, which read every
 * event of the log for a few thousand lots.
 */
async function gapsMet(store: EventStore, config: QualityConfig, nodeIds: readonly number[], lotUris: ReadonlySet<string>, linkEvents: ReadonlySet<string>): Promise<MockRecallGap[]> {
  const seqs = [...new Set((await store.eventObjectsOfNodes(nodeIds)).map((r) => r.seq))].sort((a, b) => a - b);
  const found: Finding[] = await runImmediateRules(store, config, seqs);
  const windowRules = selectRules(config, { timing: 'window' });
  if (windowRules.length > 0) {
    const lots = new Set(nodeIds);
    found.push(...checkView(await loadLotsWhole(store, config, lots, lots), config, windowRules));
  }
  // in the order a whole-plant run gives them: by rule, then key
  const order = new Map(GAP_RULE_IDS.map((id, i) => [id, i]));
  const seen = new Set<string>();
  return found
    .filter((f) => lotUris.has(f.subject.ref) || f.eventIds.some((id) => linkEvents.has(id)))
    .filter((f) => !seen.has(`${f.ruleId}|${f.key}`) && seen.add(`${f.ruleId}|${f.key}`))
    .sort((a, b) => order.get(a.ruleId)! - order.get(b.ruleId)! || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((f) => ({ rule: f.ruleId, severity: f.severity, subject: f.subject.ref, explanation: f.explanation, eventIds: f.eventIds }));
}
