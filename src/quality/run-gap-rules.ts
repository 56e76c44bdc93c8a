/**
 * Running the gap rules: all of them (or some) over the whole plant — `lotline gaps`, the
 * server's schedule — or the immediate ones over the events a capture just stored.
 */
import { LotlineError } from '../domain/errors.js';
import type { EventStore } from '../store/event-store.js';
import type { Finding } from './finding.js';
import type { GapRule, RuleTiming } from './gap-rule.js';
import { loadPlantView } from './plant-view.js';
import type { PlantView } from './plant-view.js';
import type { QualityConfig } from './quality-config.js';
import { GAP_RULE_IDS, GAP_RULES } from './rules/index.js';

export interface GapRunOptions {
  /** Only these rules (ids); unknown ids are refused. Default: every enabled rule. */
  readonly ruleIds?: readonly string[];
  /** Only rules of this timing (the server's schedule runs the window rules). */
  readonly timing?: RuleTiming;
  /** Only findings shown by an event at or after this event time (epoch ms). */
  readonly sinceMs?: number;
  /** The moment windows are judged at (tests fix it). */
  readonly nowMs?: number;
}

/** The rules a run uses: those asked for (each must exist), else every rule the configuration does not disable. */
export function selectRules(config: QualityConfig, options: Pick<GapRunOptions, 'ruleIds' | 'timing'> = {}): GapRule[] {
  if (options.ruleIds !== undefined) {
    const unknown = options.ruleIds.filter((id) => !GAP_RULE_IDS.includes(id));
    if (unknown.length > 0) throw new LotlineError('USAGE', `no rule is called ${unknown.map((u) => JSON.stringify(u)).join(', ')}; the rules are ${GAP_RULE_IDS.join(', ')}`);
  }
  return GAP_RULES.filter((r) => (options.ruleIds ? options.ruleIds.includes(r.id) : !config.disabled.includes(r.id)) && (options.timing === undefined || r.timing === options.timing));
}

/** Runs rules over a view; findings in a stable order (rule, then key). */
export function checkView(view: PlantView, config: QualityConfig, rules: readonly GapRule[], sinceMs?: number): Finding[] {
  const msOf = sinceMs === undefined ? undefined : new Map([...view.events.values()].map((e) => [e.eventId, e.eventMs]));
  const out: Finding[] = [];
  for (const rule of rules) {
    const found = rule.check(view, config).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const f of found) if (msOf === undefined || f.eventIds.some((id) => (msOf.get(id) ?? -Infinity) >= sinceMs!)) out.push(f);
  }
  return out;
}

/** Runs the rules over the whole plant. */
export async function runGapRules(store: EventStore, config: QualityConfig, options: GapRunOptions = {}): Promise<Finding[]> {
  const rules = selectRules(config, options);
  const view = await loadPlantView(store, { routedItems: new Set(config.routings.keys()), ...(options.nowMs !== undefined ? { nowMs: options.nowMs } : {}) });
  return checkView(view, config, rules, options.sinceMs);
}

/** Context reads per lot code for the duplicate check: the first events of other lots with that code. */
const SAME_CODE_LIMIT = 50;

/**
 * Runs the immediate rules over events just stored (log positions): cheap, it reads those events
 * and, when duplicate lot codes are forbidden, the first event of each other lot with the same code.
 */
export async function runImmediateRules(store: EventStore, config: QualityConfig, seqs: readonly number[], options: Pick<GapRunOptions, 'nowMs'> = {}): Promise<Finding[]> {
  const rules = selectRules(config, { timing: 'immediate' });
  if (seqs.length === 0 || rules.length === 0) return [];
  const context = new Set<number>();
  if (config.forbidDuplicateLotCodes && rules.some((r) => r.id === 'duplicate-lot-code')) {
    const objects = await store.eventObjectsOfEvents(seqs);
    const named = new Map((await store.nodesById([...new Set(objects.map((o) => o.node))])).map((n) => [n.id, n.ref]));
    const codes = new Set([...named.values()].flatMap((r) => (r.kind === 'lot' ? [r.lot] : [])));
    for (const code of codes) {
      const same = (await store.searchNodes(code, SAME_CODE_LIMIT)).filter((n) => n.ref.kind === 'lot' && n.ref.lot === code && !named.has(n.id));
      if (same.length === 0) continue;
      const first = new Map<number, number>();
      for (const o of await store.eventObjectsOfNodes(same.map((n) => n.id))) first.set(o.node, Math.min(first.get(o.node) ?? Infinity, o.seq));
      for (const s of first.values()) context.add(s);
    }
  }
  const view = await loadPlantView(store, { seqs: [...new Set([...seqs, ...context])], focus: new Set(seqs), routedItems: new Set(), ...(options.nowMs !== undefined ? { nowMs: options.nowMs } : {}) });
  return checkView(view, config, rules);
}
