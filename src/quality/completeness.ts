/**
 * Genealogy completeness as a measured number: the share of lots whose chain back to receipts is
 * unbroken, and the share of expected routing scans that came in their window — in total and per
 * item, line and period, or for one lot with what breaks it.
 */
import { LotlineError } from '../domain/errors.js';
import type { ObjectRef } from '../domain/identifiers/object-ref.js';
import { refKey, refLabel } from '../domain/identifiers/object-ref.js';
import type { RefJson } from '../genealogy/trace.js';
import { refJson } from '../genealogy/trace.js';
import type { EventStore } from '../store/event-store.js';
import type { PlantView } from './plant-view.js';
import { isTraceable, loadPlantView, originsOf } from './plant-view.js';
import type { QualityConfig } from './quality-config.js';
import { routingStatus } from './rules/routing-step-missing.rule.js';

export const PERIODS = ['day', 'week', 'month'] as const;
export type Period = (typeof PERIODS)[number];

export interface Figure {
  readonly lots: number;
  readonly unbrokenLots: number;
  /** unbrokenLots ÷ lots, null without lots. */
  readonly chainShare: number | null;
  readonly expectedScans: number;
  readonly receivedScans: number;
  /** receivedScans ÷ expectedScans, null when no scan was expected (no routing, or windows still open). */
  readonly scanShare: number | null;
}

export interface ChainBreak {
  readonly ref: RefJson;
  readonly reason: 'never received or produced' | 'produced without inputs' | 'input without lot';
}

export interface LotCompleteness {
  readonly ref: RefJson;
  readonly line: string | null;
  readonly start: string | null;
  readonly unbroken: boolean;
  /** The lots where its chain breaks (itself or ancestors), at most 50. */
  readonly breaks: ChainBreak[];
  readonly expectedScans: number;
  readonly receivedScans: number;
  readonly missingSteps: string[];
}

export interface CompletenessReport {
  readonly period: Period;
  readonly from: string | null;
  readonly to: string | null;
  readonly total: Figure;
  readonly items: (Figure & { item: string })[];
  readonly lines: (Figure & { line: string })[];
  readonly periods: (Figure & { period: string })[];
  readonly lot?: LotCompleteness;
}

export interface CompletenessOptions {
  readonly item?: string;
  readonly line?: string;
  /** Lots that started (were produced or received) in [fromMs, toMs). */
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly period?: Period;
  /** Also the detail of this lot. */
  readonly lot?: ObjectRef;
  readonly nowMs?: number;
}

const MAX_BREAKS = 50;

/** Seeds of broken chains, and every lot downstream of one (following transformations forward). */
function brokenLots(view: PlantView): { seeds: Map<number, ChainBreak['reason']>; broken: Set<number> } {
  const seeds = new Map<number, ChainBreak['reason']>();
  for (const [node, ref] of view.nodes) if (isTraceable(ref) && view.eventsOfNode.has(node) && originsOf(view, node).length === 0) seeds.set(node, 'never received or produced');
  for (const t of view.transformations.values()) {
    const reason = t.inputs.length === 0 ? 'produced without inputs' : t.inputs.some((f) => view.nodes.get(f.node)?.kind === 'class') ? 'input without lot' : undefined;
    if (reason) for (const f of t.outputs) if (isTraceable(view.nodes.get(f.node)) && !seeds.has(f.node)) seeds.set(f.node, reason);
  }
  const broken = new Set(seeds.keys());
  const queue = [...broken];
  while (queue.length > 0) {
    const node = queue.pop()!;
    for (const f of view.consumedBy.get(node) ?? []) {
      for (const o of view.transformations.get(f.t)?.outputs ?? []) {
        if (broken.has(o.node)) continue;
        broken.add(o.node);
        queue.push(o.node);
      }
    }
  }
  return { seeds, broken };
}

function periodOf(ms: number, period: Period): string {
  const d = new Date(ms);
  if (period === 'day') return d.toISOString().slice(0, 10);
  if (period === 'month') return d.toISOString().slice(0, 7);
  // ISO week: the Thursday of the week decides the year
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const dow = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - dow);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

class Tally {
  lots = 0;
  unbroken = 0;
  expected = 0;
  received = 0;
  figure(): Figure {
    return {
      lots: this.lots,
      unbrokenLots: this.unbroken,
      chainShare: this.lots === 0 ? null : round(this.unbroken / this.lots),
      expectedScans: this.expected,
      receivedScans: this.received,
      scanShare: this.expected === 0 ? null : round(this.received / this.expected),
    };
  }
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Computes completeness over a loaded view. */
export function completenessOf(view: PlantView, config: QualityConfig, options: CompletenessOptions = {}): CompletenessReport {
  const period = options.period ?? 'month';
  const { seeds, broken } = brokenLots(view);
  const total = new Tally();
  const items = new Map<string, Tally>();
  const lines = new Map<string, Tally>();
  const periods = new Map<string, Tally>();
  const tally = (m: Map<string, Tally>, k: string): Tally => {
    let t = m.get(k);
    if (!t) m.set(k, (t = new Tally()));
    return t;
  };
  const lineOf = (node: number): string | null => {
    for (const f of view.producedBy.get(node) ?? []) {
      const l = view.events.get(f.seq)?.line;
      if (l) return l;
    }
    return null;
  };
  let lotNode: number | undefined;
  for (const [node, ref] of view.nodes) {
    const events = view.eventsOfNode.get(node);
    if (!isTraceable(ref) || !events || events.length === 0 || !('item' in ref)) continue;
    if (options.lot && refKey(options.lot) === refKey(ref)) lotNode = node;
    const startMs = originsOf(view, node)[0]?.eventMs ?? events[0]!.eventMs;
    const line = lineOf(node);
    if (options.item !== undefined && ref.item !== options.item) continue;
    if (options.line !== undefined && line !== options.line) continue;
    if ((options.fromMs !== undefined && startMs < options.fromMs) || (options.toMs !== undefined && startMs >= options.toMs)) continue;
    const routing = routingStatus(view, config, node);
    const judged = routing?.steps.filter((s) => s.judged) ?? [];
    const scanned = judged.filter((s) => s.scan !== null).length;
    for (const t of [total, tally(items, ref.item), ...(line ? [tally(lines, line)] : []), tally(periods, periodOf(startMs, period))]) {
      t.lots++;
      if (!broken.has(node)) t.unbroken++;
      t.expected += judged.length;
      t.received += scanned;
    }
  }
  const sorted = <K extends string>(m: Map<string, Tally>, key: K) =>
    [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, t]) => ({ [key]: k, ...t.figure() }) as Figure & Record<K, string>);
  let lot: LotCompleteness | undefined;
  if (options.lot && lotNode === undefined) throw new LotlineError('LOT_NOT_FOUND', `no event that counts names ${refLabel(options.lot)}: check the item and the lot code`);
  if (options.lot && lotNode !== undefined) {
    // the breaks in its backward closure
    const breaks: ChainBreak[] = [];
    const seen = new Set([lotNode]);
    const queue = [lotNode];
    while (queue.length > 0 && breaks.length < MAX_BREAKS) {
      const node = queue.shift()!;
      const reason = seeds.get(node);
      if (reason) breaks.push({ ref: refJson(view.nodes.get(node)!), reason });
      for (const f of view.producedBy.get(node) ?? []) {
        for (const i of view.transformations.get(f.t)?.inputs ?? []) {
          if (seen.has(i.node) || !isTraceable(view.nodes.get(i.node))) continue;
          seen.add(i.node);
          queue.push(i.node);
        }
      }
    }
    const routing = routingStatus(view, config, lotNode);
    const judged = routing?.steps.filter((s) => s.judged) ?? [];
    const start = originsOf(view, lotNode)[0];
    lot = {
      ref: refJson(options.lot),
      line: lineOf(lotNode),
      start: start ? view.events.get(start.seq)!.eventTime : null,
      unbroken: !broken.has(lotNode),
      breaks,
      expectedScans: judged.length,
      receivedScans: judged.filter((s) => s.scan !== null).length,
      missingSteps: judged.filter((s) => s.scan === null).map((s) => s.step.name),
    };
  }
  return {
    period,
    from: options.fromMs === undefined ? null : new Date(options.fromMs).toISOString(),
    to: options.toMs === undefined ? null : new Date(options.toMs).toISOString(),
    total: total.figure(),
    items: sorted(items, 'item'),
    lines: sorted(lines, 'line'),
    periods: sorted(periods, 'period'),
    ...(lot ? { lot } : {}),
  };
}

/** Reads the plant and computes its completeness. */
export async function completeness(store: EventStore, config: QualityConfig, options: CompletenessOptions = {}): Promise<CompletenessReport> {
  const view = await loadPlantView(store, { routedItems: new Set(config.routings.keys()), ...(options.nowMs !== undefined ? { nowMs: options.nowMs } : {}) });
  return completenessOf(view, config, options);
}
