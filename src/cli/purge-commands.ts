/**
 * `lotline purge`: removes the oldest part of the event log once the retention policy allows it,
 * and records every purge. The default (no policy) keeps everything, so a purge is always a
 * deliberate act under a cited rule; the purge record (who, when, range, rule, counts, the chain
 * checkpoint) is never purged.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LotlineError } from '../domain/errors.js';
import type { RetentionPolicy, RetentionRule } from '../domain/retention.js';
import { checkPurgeAllowed, KEEP_EVERYTHING, parseRetentionPolicy } from '../domain/retention.js';
import { lotlineUri, parseLotlineUri } from '../domain/identifiers/lotline-uri.js';
import { lotsOnHold } from '../genealogy/lots-on-hold.js';
import type { LogPurgePlan, PurgeRecord } from '../main.js';
import { isPostgresUrl, listPurges, openIdentityStore, openStore, planLogPurge, purgeLogBefore, resolveDb } from '../main.js';
import type { CaptureContext } from '../store/event-store.js';
import type { CliIo } from './io.js';
import { cliContext, UsageError } from './io.js';

export interface PurgeOptions {
  /** Records made before this instant (ISO 8601; a date alone is midnight UTC). */
  readonly before: string;
  /** The retention policy file; none: every record is kept forever. */
  readonly policyFile?: string;
  readonly dryRun?: boolean;
  /** The clock the periods are measured against (tests); the system clock otherwise. */
  readonly nowMs?: number;
  readonly context?: CaptureContext;
}

export type PurgeOutcome =
  | { readonly dryRun: true; readonly rule: RetentionRule; readonly policyVersion: string; readonly plan: LogPurgePlan | null }
  | { readonly dryRun: false; readonly rule: RetentionRule; readonly policyVersion: string; readonly purge: PurgeRecord | null; readonly verify: { ok: boolean; entries: number; headHash: string } };

function readPolicy(file: string | undefined): { policy: RetentionPolicy; sha256: string | null } {
  if (file === undefined) return { policy: KEEP_EVERYTHING, sha256: null };
  if (!existsSync(file)) throw new LotlineError('FILE_NOT_FOUND', `no retention policy at ${resolve(file)}`, { issues: [{ path: '--policy', reason: 'the file does not exist' }] });
  const bytes = readFileSync(file);
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new LotlineError('RETENTION_POLICY_INVALID', `the retention policy ${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return { policy: parseRetentionPolicy(doc, file), sha256: createHash('sha256').update(bytes).digest('hex') };
}

function parseBefore(text: string, nowMs: number): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : /(Z|[+-]\d{2}:\d{2})$/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) throw new UsageError(`--before must be a date (2024-12-01, midnight UTC) or a date-time with its offset (got ${JSON.stringify(text)})`);
  if (ms > nowMs) throw new UsageError(`--before ${text} is in the future`);
  return ms;
}

/** Checks the policy, then purges (or, dry, says what would be purged) the log entries recorded before `before`. */
export async function purgeRecords(db: string, options: PurgeOptions): Promise<PurgeOutcome> {
  const nowMs = options.nowMs ?? Date.now();
  const beforeMs = parseBefore(options.before, nowMs);
  const { policy, sha256 } = readPolicy(options.policyFile);
  // the refusal comes first, for a dry run too: it says what the policy allows, whatever the database
  const rule = checkPurgeAllowed(policy, 'events', beforeMs, nowMs);
  if (isPostgresUrl(db)) {
    throw new LotlineError('PURGE_NOT_SUPPORTED', 'purging a PostgreSQL event log is not supported in this version; every record is kept (docs/reliability.md#retention)');
  }
  if (!existsSync(db)) throw new LotlineError('STORE_NOT_FOUND', `no Lotline database at ${resolve(db)}; check --db (or $LOTLINE_DB)`);
  // opening the store first refuses a foreign file and migrates the log, before the purge table is added
  await (await openStore(db, { create: false })).close();
  const beforeIso = new Date(beforeMs).toISOString();
  const planned = planLogPurge(db, beforeIso);
  if (planned) await refuseHeldLots(db, planned.lastSeq, beforeIso);
  if (options.dryRun) return { dryRun: true, rule, policyVersion: policy.version, plan: planned };
  const ctx = options.context ?? cliContext();
  const purge = purgeLogBefore(db, beforeIso, {
    purgedAt: new Date().toISOString(),
    actor: ctx.actor,
    origin: ctx.origin ?? null,
    before: beforeIso,
    regulation: rule.regulation,
    keep: rule.keepText,
    policyVersion: policy.version,
    policySha256: sha256,
  });
  const store = await openStore(db, { create: false });
  let verify;
  try {
    verify = await store.verify();
  } finally {
    await store.close();
  }
  if (purge) {
    const identity = await openIdentityStore(db);
    try {
      await identity.appendAudit({
        actor: ctx.actor,
        origin: ctx.origin ?? null,
        action: 'records.purge',
        target: `log positions ${purge.firstSeq}–${purge.lastSeq}`,
        details: { purge: purge.id, before: purge.before, regulation: purge.regulation, keep: purge.keep, policy: purge.policyVersion, events: purge.events, declarations: purge.declarations, checkpointHash: purge.checkpointHash },
      });
    } finally {
      await identity.close();
    }
  }
  if (!verify.ok) {
    throw new LotlineError('CHAIN_BROKEN', `after the purge the event log does not verify at log position ${verify.brokenAt!.seq} (${verify.brokenAt!.reason}); restore the backup taken before the purge`);
  }
  return { dryRun: false, rule, policyVersion: policy.version, purge, verify: { ok: verify.ok, entries: verify.entries, headHash: verify.headHash } };
}

/**
 * A lot on hold is under investigation: its records are kept whatever the policy says (a legal
 * hold), so a purge that would remove any event naming one is refused.
 */
async function refuseHeldLots(db: string, lastSeq: number, beforeIso: string): Promise<void> {
  const store = await openStore(db, { create: false });
  try {
    const { lots } = await lotsOnHold(store, Number.MAX_SAFE_INTEGER);
    if (lots.length === 0) return;
    const nodes = await store.findNodes(lots.map((l) => parseLotlineUri(l.ref)));
    const byNode = new Map([...nodes.values()].map((n) => [n.id, n]));
    const touched = new Set((await store.eventObjectsOfNodes([...byNode.keys()])).filter((o) => o.seq <= lastSeq).map((o) => o.node));
    if (touched.size === 0) return;
    const names = lots.filter((l) => [...touched].some((id) => lotlineUri(byNode.get(id)!.ref) === l.ref)).map((l) => `${l.label} (on hold since ${l.since}${l.reason ? `: ${l.reason}` : ''})`);
    throw new LotlineError(
      'RETENTION_NOT_ENDED',
      `events recorded before ${beforeIso} cannot be purged: ${touched.size} lot(s) they name are on hold, and the records of a held lot are kept until it is released: ${names.slice(0, 5).join('; ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''}. Nothing was purged`,
    );
  } finally {
    await store.close();
  }
}

/** `lotline purge --before DATE [--policy FILE] [--dry-run]`, `lotline purge list`. */
export async function cmdPurge(rest: readonly string[], flags: { db?: string; before?: string; policy?: string; 'dry-run'?: boolean; json?: boolean }, io: CliIo): Promise<number> {
  const db = resolveDb(flags.db);
  if (rest[0] === 'list') {
    if (rest.length > 1 || flags.before !== undefined || flags.policy !== undefined) throw new UsageError("'lotline purge list' takes no other argument");
    if (isPostgresUrl(db)) throw new LotlineError('PURGE_NOT_SUPPORTED', 'a PostgreSQL event log is never purged in this version, so it has no purge records');
    if (!existsSync(db)) throw new LotlineError('STORE_NOT_FOUND', `no Lotline database at ${resolve(db)}; check --db (or $LOTLINE_DB)`);
    await (await openStore(db, { create: false })).close();
    const purges = listPurges(db);
    if (flags.json) io.out(JSON.stringify({ purges }, null, 2));
    else if (purges.length === 0) io.out('No purge: the event log is whole from log position 1.');
    else for (const p of purges) io.out(describePurge(p));
    return 0;
  }
  if (rest.length > 0) throw new UsageError(`'lotline purge' takes no arguments (got ${rest.join(' ')}); did you mean 'lotline purge list'?`);
  if (flags.before === undefined) throw new UsageError("'lotline purge' needs --before DATE: the records made before it are purged, if the retention policy (--policy FILE) allows");
  const out = await purgeRecords(db, { before: flags.before, ...(flags.policy !== undefined ? { policyFile: flags.policy } : {}), dryRun: flags['dry-run'] ?? false });
  if (flags.json) {
    io.out(JSON.stringify(out, null, 2));
    return 0;
  }
  const rule = `rule "${out.rule.regulation}" (${out.rule.keepText}), policy ${out.policyVersion}`;
  if (out.dryRun) {
    const p = out.plan;
    io.out(
      p === null
        ? `Dry run: nothing was recorded before ${flags.before}; nothing would be purged (${rule}).`
        : `Dry run: would purge log positions ${p.firstSeq}–${p.lastSeq} (${p.events} events, ${p.declarations} error declarations, recorded ${p.firstRecordTime} to ${p.lastRecordTime}) under ${rule}; ${p.kept} entries would stay. Nothing was purged.`,
    );
    return 0;
  }
  if (out.purge === null) io.out(`Nothing was recorded before ${flags.before}; nothing was purged.`);
  else io.out(`${describePurge(out.purge)}\nThe log verifies from the purge checkpoint: ${out.verify.entries} entries kept, head ${out.verify.headHash}.`);
  return 0;
}

function describePurge(p: PurgeRecord): string {
  return `Purge ${p.id}: ${p.purgedAt} by ${p.actor}${p.origin ? ` from ${p.origin}` : ''}: ${p.recordType} recorded before ${p.before}, log positions ${p.firstSeq}–${p.lastSeq} (${p.events} events, ${p.declarations} error declarations, recorded ${p.firstRecordTime} to ${p.lastRecordTime}), under "${p.regulation}" (${p.keep}), policy ${p.policyVersion}${p.policySha256 ? ` (sha256 ${p.policySha256.slice(0, 16)}…)` : ''}; checkpoint ${p.checkpointHash}`;
}
