/**
 * The exceptions workflow: every finding becomes an exception (one per finding key) with a state
 * (open → acknowledged → resolved | dismissed), an owner, a due time and a history of every change.
 * An exception still open past its due time escalates to the quality team by alert.
 */
import { LotlineError } from '../domain/errors.js';
import type { Finding, FindingSink, Severity } from './finding.js';
import type { Alert, AlertChannel } from './alerts.js';
import { deliverAlert } from './alerts.js';
import type { ExceptionChange, ExceptionRecord, ExceptionState, ExceptionUpdate, QualityStore } from './quality-store.js';

/** How long each severity may stay unfinished before it escalates (ms). */
export type EscalationPolicy = Readonly<Record<Severity, number>>;

export const DEFAULT_ESCALATION: EscalationPolicy = { critical: 60 * 60_000, warning: 24 * 3600_000, info: 7 * 24 * 3600_000 };

/** The FindingSink of the gap rules: findings become exceptions; new ones alert. */
export function exceptionSink(quality: QualityStore, escalation: EscalationPolicy, channels: readonly AlertChannel[], actor = 'lotline'): FindingSink & { opened: ExceptionRecord[] } {
  const opened: ExceptionRecord[] = [];
  return {
    opened,
    async report(findings: readonly Finding[]): Promise<void> {
      if (findings.length === 0) return;
      const created = await quality.report(findings, (f) => new Date(Date.parse(f.detectedAt) + escalation[f.severity]).toISOString(), actor);
      opened.push(...created);
      const time = new Date().toISOString();
      for (const e of created) deliverAlert({ kind: 'exception.opened', severity: e.severity, exception: e, time }, channels);
    },
  };
}

async function existing(quality: QualityStore, id: number): Promise<ExceptionRecord> {
  const e = await quality.getException(id);
  if (!e) throw new LotlineError('NOT_FOUND', `no exception has the id ${id}`);
  return e;
}

async function transition(
  quality: QualityStore,
  id: number,
  from: readonly ExceptionState[],
  change: ExceptionUpdate,
  entry: Pick<ExceptionChange, 'actor' | 'action' | 'details'>,
): Promise<ExceptionRecord> {
  const e = await existing(quality, id);
  if (!from.includes(e.state)) throw new LotlineError('EXCEPTION_STATE', `exception ${id} is ${e.state}; it can be ${entry.action} only when ${from.join(' or ')}`);
  const out = await quality.updateException(id, e.state, change, entry);
  if (!out) throw new LotlineError('EXCEPTION_STATE', `exception ${id} was changed by someone else meanwhile; read it again`);
  return out;
}

function checkDue(dueAt: string | undefined): string | undefined {
  if (dueAt === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$/.test(dueAt) || Number.isNaN(Date.parse(dueAt))) {
    throw new LotlineError('INPUT_INVALID', `dueAt must be a date-time with offset, like 2026-05-04T18:00:00+02:00 (got ${JSON.stringify(dueAt)})`, { issues: [{ path: '$.dueAt', reason: 'must be a date-time with offset' }] });
  }
  return new Date(Date.parse(dueAt)).toISOString();
}

/** Someone takes the exception on: acknowledged, with an owner (default: the actor) and optionally a new due time. */
export async function acknowledge(quality: QualityStore, id: number, input: { owner?: string; dueAt?: string }, actor: string): Promise<ExceptionRecord> {
  const owner = input.owner ?? actor;
  const dueAt = checkDue(input.dueAt);
  return transition(quality, id, ['open'], { state: 'acknowledged', owner, ...(dueAt ? { dueAt } : {}) }, { actor, action: 'acknowledged', details: { owner, ...(dueAt ? { dueAt } : {}) } });
}

/** Gives the exception to another owner or due time without changing its state. */
export async function assign(quality: QualityStore, id: number, input: { owner?: string; dueAt?: string }, actor: string): Promise<ExceptionRecord> {
  const dueAt = checkDue(input.dueAt);
  if (input.owner === undefined && dueAt === undefined) throw new LotlineError('INPUT_INVALID', 'give owner or dueAt', { issues: [{ path: '$.owner', reason: 'give owner or dueAt' }] });
  const e = await existing(quality, id);
  // a new due time starts the escalation clock again
  const change: ExceptionUpdate = { ...(input.owner !== undefined ? { owner: input.owner } : {}), ...(dueAt ? { dueAt, escalatedAt: null } : {}) };
  return transition(quality, id, ['open', 'acknowledged'], change, { actor, action: 'assigned', details: { ...change, previousOwner: e.owner } });
}

/** Closes the exception as dealt with; `details` say how (a corrective event, for a missing link). */
export async function resolve(quality: QualityStore, id: number, note: string, actor: string, details: Record<string, unknown> = {}): Promise<ExceptionRecord> {
  if (note.trim() === '') throw new LotlineError('INPUT_INVALID', 'note: say how the exception was resolved', { issues: [{ path: '$.note', reason: 'must not be empty' }] });
  return transition(quality, id, ['open', 'acknowledged'], { state: 'resolved', resolution: note }, { actor, action: 'resolved', details: { note, ...details } });
}

/** Closes the exception as not a problem, with the reason why. */
export async function dismiss(quality: QualityStore, id: number, reason: string, actor: string): Promise<ExceptionRecord> {
  if (reason.trim() === '') throw new LotlineError('INPUT_INVALID', 'reason: a dismissal needs a reason', { issues: [{ path: '$.reason', reason: 'must not be empty' }] });
  return transition(quality, id, ['open', 'acknowledged'], { state: 'dismissed', resolution: reason }, { actor, action: 'dismissed', details: { reason } });
}

/** Escalates every exception past its due time (once each): history entry and alert. */
export async function escalateOverdue(quality: QualityStore, channels: readonly AlertChannel[], now = new Date()): Promise<ExceptionRecord[]> {
  const out: ExceptionRecord[] = [];
  const time = now.toISOString();
  for (const e of await quality.overdue(time)) {
    const done = await quality.updateException(e.id, e.state, { escalatedAt: time }, { actor: 'lotline', action: 'escalated', details: { to: 'quality team', dueAt: e.dueAt } });
    if (!done) continue;
    out.push(done);
    const alert: Alert = { kind: 'exception.escalated', severity: done.severity, exception: done, time };
    deliverAlert(alert, channels);
  }
  return out;
}
