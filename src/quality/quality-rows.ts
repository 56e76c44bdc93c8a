/** The rows both quality adapters read (same columns in SQLite and PostgreSQL) and their mapping. */
import type { Severity, SubjectKind } from './finding.js';
import type { ExceptionChange, ExceptionQuery, ExceptionRecord, ExceptionState, ExceptionUpdate, PendingDecision, SignatureEntry } from './quality-store.js';

export interface ExceptionRow {
  id: number | string;
  key: string;
  rule_id: string;
  severity: string;
  subject_kind: string;
  subject_ref: string;
  explanation: string;
  event_ids: string;
  site: string | null;
  line: string | null;
  detected_at: string;
  state: string;
  owner: string | null;
  due_at: string | null;
  escalated_at: string | null;
  resolution: string | null;
  updated_at: string;
}

export interface ChangeRow {
  seq: number | string;
  exception_id: number | string;
  time: string;
  actor: string;
  action: string;
  details: string;
}

export interface SignatureRow {
  hash: string;
  signer: string;
  meaning: string;
  signed_at: string;
}

export interface PendingRow {
  key: string;
  draft: string;
  signatures: string;
  created_at: string;
}

export const toException = (r: ExceptionRow): ExceptionRecord => ({
  id: Number(r.id),
  key: r.key,
  ruleId: r.rule_id,
  severity: r.severity as Severity,
  subject: { kind: r.subject_kind as SubjectKind, ref: r.subject_ref },
  explanation: r.explanation,
  eventIds: JSON.parse(r.event_ids) as string[],
  site: r.site,
  line: r.line,
  detectedAt: r.detected_at,
  state: r.state as ExceptionState,
  owner: r.owner,
  dueAt: r.due_at,
  escalatedAt: r.escalated_at,
  resolution: r.resolution,
  updatedAt: r.updated_at,
});

export const toChange = (r: ChangeRow): ExceptionChange => ({
  seq: Number(r.seq),
  exceptionId: Number(r.exception_id),
  time: r.time,
  actor: r.actor,
  action: r.action,
  details: JSON.parse(r.details) as Record<string, unknown>,
});

export const toSignature = (r: SignatureRow): SignatureEntry => ({ hash: r.hash, signer: r.signer, meaning: r.meaning, signedAt: r.signed_at });

export const toPending = (r: PendingRow): PendingDecision => ({
  key: r.key,
  draft: JSON.parse(r.draft) as Record<string, unknown>,
  signatures: JSON.parse(r.signatures) as Record<string, unknown>[],
  createdAt: r.created_at,
});

/** Column names of an exception change, in the order both adapters write them. */
export const UPDATE_COLUMNS: readonly (readonly [keyof ExceptionUpdate, string])[] = [
  ['state', 'state'],
  ['owner', 'owner'],
  ['dueAt', 'due_at'],
  ['escalatedAt', 'escalated_at'],
  ['resolution', 'resolution'],
];

/** The WHERE clause of an exception query; `ph(n)` writes the n-th placeholder (`?` or `$n`). */
export function exceptionFilter(q: ExceptionQuery, ph: (n: number) => string): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: (p: string) => string, value: unknown): void => {
    params.push(value);
    where.push(clause(ph(params.length)));
  };
  if (q.lot !== undefined) add((p) => `subject_ref = ${p}`, q.lot);
  if (q.line !== undefined) add((p) => `line = ${p}`, q.line);
  if (q.ruleId !== undefined) add((p) => `rule_id = ${p}`, q.ruleId);
  if (q.state !== undefined) add((p) => `state = ${p}`, q.state);
  if (q.from !== undefined) add((p) => `detected_at >= ${p}`, q.from);
  if (q.to !== undefined) add((p) => `detected_at < ${p}`, q.to);
  params.push(Math.max(1, Math.min(q.limit ?? 1000, 10_000)));
  return { sql: `SELECT * FROM quality_exceptions${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${ph(params.length)}`, params };
}

/** The SET clause and values of an update, in UPDATE_COLUMNS order. */
export function updateColumns(change: ExceptionUpdate): [string, unknown][] {
  return UPDATE_COLUMNS.filter(([k]) => change[k] !== undefined).map(([k, col]) => [col, change[k]]);
}
