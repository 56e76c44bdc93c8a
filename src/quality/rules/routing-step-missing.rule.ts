/** A routed item's lot missed a scan its routing expects (mix → bake → metal-detect → pack) within the step's window. */
import type { Finding } from '../finding.js';
import type { GapRule } from '../gap-rule.js';
import { label, lotSubject, makeFinding } from '../gap-rule.js';
import type { PlantView, ViewEvent } from '../plant-view.js';
import { isJudged, isTraceable, originsOf } from '../plant-view.js';
import type { QualityConfig, RoutingStepConfig } from '../quality-config.js';

export interface StepStatus {
  readonly step: RoutingStepConfig;
  /** When the window closes: the lot's production (or receipt) plus the step's window. */
  readonly deadlineMs: number;
  /** True once the window has closed and late scans have had the grace period to arrive. */
  readonly judged: boolean;
  /** The first scan of the step within its window, if any. */
  readonly scan: ViewEvent | null;
}

function matches(e: ViewEvent, step: RoutingStepConfig): boolean {
  if (e.step === step.name) return true;
  if (step.bizStep === null && step.location === null) return false;
  return (step.bizStep === null || e.bizStep === step.bizStep) && (step.location === null || e.bizLocation === step.location || e.readPoint === step.location);
}

/** The routing of one lot: each step with its window and the scan that met it; undefined when the item has no routing or the lot no start. */
export function routingStatus(view: PlantView, config: QualityConfig, node: number): { startSeq: number; steps: StepStatus[] } | undefined {
  const ref = view.nodes.get(node);
  if (!isTraceable(ref) || !('item' in ref!)) return undefined;
  const steps = config.routings.get(ref.item);
  const start = originsOf(view, node)[0];
  if (!steps || !start) return undefined;
  const events = view.eventsOfNode.get(node) ?? [];
  return {
    startSeq: start.seq,
    steps: steps.map((step) => {
      const deadlineMs = start.eventMs + step.withinMs;
      return { step, deadlineMs, judged: deadlineMs + config.graceMs <= view.nowMs, scan: events.find((e) => e.eventMs <= deadlineMs && matches(e, step)) ?? null };
    }),
  };
}

export const routingStepMissing: GapRule = {
  id: 'routing-step-missing',
  severity: 'warning',
  timing: 'window',
  title: 'Routing step not scanned in time',
  explanation: "A lot of an item with a configured routing was not scanned at one of its steps before that step's window closed: either the step was skipped or the scan was missed. Check the lot at that step and record what happened.",
  check(view, config) {
    if (!view.complete || config.routings.size === 0) return [];
    const out: Finding[] = [];
    for (const node of view.nodes.keys()) {
      if (!isJudged(view, node)) continue;
      const status = routingStatus(view, config, node);
      if (!status) continue;
      const ref = view.nodes.get(node)!;
      for (const s of status.steps) {
        if (!s.judged || s.scan) continue;
        const late = (view.eventsOfNode.get(node) ?? []).find((e) => e.eventMs > s.deadlineMs && (e.step === s.step.name || (s.step.bizStep !== null && e.bizStep === s.step.bizStep)));
        out.push(
          makeFinding(this, view, {
            subject: lotSubject(ref),
            keyParts: [lotSubject(ref).ref, s.step.name],
            explanation: `${label(ref)} was not scanned at step "${s.step.name}" before ${new Date(s.deadlineMs).toISOString()} (${s.step.withinMs / 3_600_000} h after it was made)${late ? `; a scan came late, at ${late.eventTime}` : ''}. Check whether the lot went through "${s.step.name}" and record it, or hold the lot.`,
            seqs: [status.startSeq, ...(late ? [late.seq] : [])],
            placeSeq: status.startSeq,
          }),
        );
      }
    }
    return out;
  },
};
