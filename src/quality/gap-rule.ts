/**
 * A gap rule: an id, a severity, a plain-language explanation and a pure check over the plant
 * view. Immediate rules look only at the events they are given (they run after each capture);
 * window rules need the whole history and run on a schedule or on demand.
 */
import { lotlineUri } from '../domain/identifiers/lotline-uri.js';
import type { ObjectRef } from '../domain/identifiers/object-ref.js';
import { refLabel } from '../domain/identifiers/object-ref.js';
import type { Finding, Severity, SubjectKind } from './finding.js';
import type { PlantView } from './plant-view.js';
import type { QualityConfig } from './quality-config.js';

export const RULE_TIMINGS = ['immediate', 'window'] as const;
export type RuleTiming = (typeof RULE_TIMINGS)[number];

export interface GapRule {
  readonly id: string;
  readonly severity: Severity;
  readonly timing: RuleTiming;
  /** One line: what the rule finds. */
  readonly title: string;
  /** What it means and what to do, in a quality manager's words (docs/quality-rules.md says more). */
  readonly explanation: string;
  check(view: PlantView, config: QualityConfig): Finding[];
}

export interface FindingFacts {
  readonly subject: { kind: SubjectKind; ref: string };
  /** What makes the problem, beyond the rule id: the same facts give the same key. */
  readonly keyParts: readonly string[];
  readonly explanation: string;
  /** Log positions of the events that show it. */
  readonly seqs: readonly number[];
  /** The event whose site and line the finding carries. */
  readonly placeSeq?: number;
}

/** A finding of `rule` in `view`: event ids oldest first, site and line from the event named. */
export function makeFinding(rule: Pick<GapRule, 'id' | 'severity'>, view: PlantView, f: FindingFacts): Finding {
  const evs = [...new Set(f.seqs)].map((s) => view.events.get(s)).filter((e) => e !== undefined).sort((a, b) => a.eventMs - b.eventMs || a.seq - b.seq);
  const place = view.events.get(f.placeSeq ?? evs[0]?.seq ?? -1);
  return {
    ruleId: rule.id,
    severity: rule.severity,
    subject: f.subject,
    key: [rule.id, ...f.keyParts].join('|'),
    explanation: f.explanation,
    eventIds: evs.map((e) => e.eventId),
    site: place?.bizLocation ?? place?.readPoint ?? null,
    line: place?.line ?? null,
    detectedAt: new Date(view.nowMs).toISOString(),
  };
}

/** A lot as a finding's subject: its Lotline URN, and a label for messages. */
export function lotSubject(ref: ObjectRef): { kind: SubjectKind; ref: string } {
  return { kind: ref.kind === 'unit' ? 'unit' : 'lot', ref: lotlineUri(ref) };
}

export function label(ref: ObjectRef): string {
  return refLabel(ref);
}

/** An event time as written, for messages. */
export function when(view: PlantView, seq: number): string {
  return view.events.get(seq)?.eventTime ?? '?';
}
