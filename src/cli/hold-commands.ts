/**
 * `lotline hold`, `lotline release` and `lotline exceptions`: the quality use cases of the HTTP API
 * on the command line, against the database directly. A release is signed by a named quality
 * user who types the password (21 CFR Part 11: the signature is the person's, not the OS user's).
 */
import { LotlineError } from '../domain/errors.js';
import type { ObjectRef } from '../domain/identifiers/object-ref.js';
import { lotlineUri } from '../domain/identifiers/lotline-uri.js';
import { appendAtomically } from '../capture/capture-events.js';
import { DEFAULT_POLICY } from '../identity/identity-service.js';
import { openIdentityStore, openQualityStore, openStore, resolveDb } from '../main.js';
import { acknowledge, assign, dismiss, resolve } from '../quality/exceptions.js';
import type { ExceptionRecord, QualityStore } from '../quality/quality-store.js';
import { EXCEPTION_STATES } from '../quality/quality-store.js';
import { holdEvent } from '../quality/holds.js';
import { signDecision } from '../quality/release.js';
import type { CapturedEvent, EventStore } from '../store/event-store.js';
import type { CliIo } from './io.js';
import { cliContext, UsageError } from './io.js';
import { refFromArgs } from './ref-args.js';
import type { RefFlags } from './ref-args.js';
import { readPassword } from './server-commands.js';

export interface QualityFlags extends RefFlags {
  db?: string | undefined;
  json?: boolean | undefined;
  reason?: string | undefined;
  reference?: string | undefined;
  descendants?: boolean | undefined;
  user?: string | undefined;
  meaning?: string | undefined;
  reject?: boolean | undefined;
  signatures?: string | undefined;
  'password-stdin'?: boolean | undefined;
  owner?: string | undefined;
  due?: string | undefined;
  note?: string | undefined;
  line?: string | undefined;
  rule?: string | undefined;
  state?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

function lotsOf(args: readonly string[], flags: QualityFlags): ObjectRef[] {
  if (args.length === 0) return [refFromArgs([], flags)];
  if (flags.item !== undefined || flags.gtin !== undefined) throw new UsageError('give REFs or --item/--gtin with --lot, not both');
  return args.map((a) => refFromArgs([a], {}));
}

async function storeEvents(store: EventStore, events: CapturedEvent[]): Promise<number> {
  const [o] = await appendAtomically(store, { label: 'command', noun: 'request', single: true }, events, '$', cliContext());
  return o!.seq;
}

export async function cmdHold(args: readonly string[], flags: QualityFlags, io: CliIo): Promise<number> {
  if (flags.reason === undefined) throw new UsageError("'lotline hold' needs --reason (why the lots are held)");
  const store = await openStore(resolveDb(flags.db), { create: false });
  try {
    const { event, lots } = await holdEvent(store, { lots: lotsOf(args, flags), descendants: flags.descendants === true, reason: flags.reason, ...(flags.reference !== undefined ? { reference: flags.reference } : {}) });
    const seq = await storeEvents(store, [event]);
    if (flags.json) io.out(JSON.stringify({ eventId: event.eventId, seq, lots: lots.map(lotlineUri) }, null, 2));
    else io.out(`held ${lots.length} lot(s) at log position ${seq}:\n${lots.map((l) => `  ${lotlineUri(l)}`).join('\n')}`);
    return 0;
  } finally {
    await store.close();
  }
}

export async function cmdRelease(args: readonly string[], flags: QualityFlags, io: CliIo): Promise<number> {
  if (flags.user === undefined) throw new UsageError("'lotline release' needs --user NAME (the quality user who signs)");
  if (flags.meaning === undefined) throw new UsageError("'lotline release' needs --meaning TEXT (what the signature means, e.g. \"released after retest\")");
  const required = flags.signatures === undefined ? 1 : Number(flags.signatures);
  if (required !== 1 && required !== 2) throw new UsageError(`--signatures must be 1 or 2 (got ${JSON.stringify(flags.signatures)})`);
  const lots = lotsOf(args, flags);
  const db = resolveDb(flags.db);
  const store = await openStore(db, { create: false });
  const identity = await openIdentityStore(db);
  const quality = await openQualityStore(db);
  try {
    const user = await identity.getUser(flags.user);
    const principal = { kind: 'user' as const, name: flags.user, role: user?.role ?? 'quality', actor: `user:${flags.user}` };
    const password = await readPassword(flags, io, false);
    const outcome = await signDecision({ store, identity, quality, policy: DEFAULT_POLICY, signaturesRequired: required }, principal, cliContext().origin ?? null, {
      lots,
      decision: flags.reject ? 'reject' : 'release',
      meaning: flags.meaning,
      password,
      ...(flags.reason !== undefined ? { reason: flags.reason } : {}),
    });
    if (outcome.status === 'pending') {
      if (flags.json) io.out(JSON.stringify(outcome, null, 2));
      else io.out(`signed by ${flags.user}; waiting for a second quality user's signature (${outcome.signatures.length} of ${outcome.required})`);
      return 0;
    }
    const [o] = await appendAtomically(store, { label: 'command', noun: 'request', single: true }, [outcome.event], '$', { actor: principal.actor, origin: cliContext().origin ?? null });
    await quality.deletePending(outcome.key);
    if (flags.json) io.out(JSON.stringify({ status: 'complete', eventId: outcome.event.eventId, seq: o!.seq, signatures: outcome.signatures }, null, 2));
    else io.out(`${flags.reject ? 'rejected' : 'released'} ${lots.length} lot(s) at log position ${o!.seq}, signed: ${outcome.signatures.map((s) => `${s.printedName} (${s.meaning}, ${s.signedAt})`).join('; ')}`);
    return 0;
  } finally {
    await quality.close();
    await identity.close();
    await store.close();
  }
}

function exceptionLine(e: ExceptionRecord): string {
  return `#${e.id}  ${e.severity.padEnd(8)} ${e.state.padEnd(12)} ${e.ruleId}  ${e.subject.ref}${e.owner ? `  owner ${e.owner}` : ''}${e.dueAt ? `  due ${e.dueAt}` : ''}\n      ${e.explanation}`;
}

function idOf(arg: string | undefined, sub: string): number {
  if (arg === undefined || !/^\d+$/.test(arg)) throw new UsageError(`'lotline exceptions ${sub}' needs the exception's id (a whole number)${arg !== undefined ? `, got ${JSON.stringify(arg)}` : ''}`);
  return Number(arg);
}

function isoOf(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : /[Zz]|[+-]\d{2}:\d{2}$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`--${flag} must be a date (2026-05-04) or a date-time with offset (got ${JSON.stringify(value)})`);
  return new Date(ms).toISOString();
}

export async function cmdExceptions(args: readonly string[], flags: QualityFlags, io: CliIo): Promise<number> {
  const [sub = 'list', ...rest] = args;
  const quality: QualityStore = await openQualityStore(resolveDb(flags.db));
  const actor = cliContext().actor;
  const show = (e: ExceptionRecord): void => io.out(flags.json ? JSON.stringify(e, null, 2) : exceptionLine(e));
  try {
    switch (sub) {
      case 'list': {
        if (flags.state !== undefined && !(EXCEPTION_STATES as readonly string[]).includes(flags.state)) throw new UsageError(`--state must be one of ${EXCEPTION_STATES.join(', ')}`);
        const lot = rest.length > 0 || flags.item !== undefined || flags.gtin !== undefined ? lotlineUri(refFromArgs(rest, flags)) : undefined;
        const from = isoOf(flags.from, 'from');
        const to = isoOf(flags.to, 'to');
        const list = await quality.queryExceptions({
          ...(lot !== undefined ? { lot } : {}),
          ...(flags.line !== undefined ? { line: flags.line } : {}),
          ...(flags.rule !== undefined ? { ruleId: flags.rule } : {}),
          ...(flags.state !== undefined ? { state: flags.state as ExceptionRecord['state'] } : {}),
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
        });
        io.out(flags.json ? JSON.stringify({ exceptions: list }, null, 2) : list.length === 0 ? 'no exceptions' : list.map(exceptionLine).join('\n'));
        return 0;
      }
      case 'show': {
        const id = idOf(rest[0], sub);
        const e = await quality.getException(id);
        if (!e) throw new LotlineError('NOT_FOUND', `no exception has the id ${id}`);
        const history = await quality.historyOf(id);
        if (flags.json) io.out(JSON.stringify({ exception: e, history }, null, 2));
        else io.out(`${exceptionLine(e)}\nHistory:\n${history.map((h) => `  ${h.time}  ${h.actor}  ${h.action}  ${JSON.stringify(h.details)}`).join('\n')}`);
        return 0;
      }
      case 'ack':
        show(await acknowledge(quality, idOf(rest[0], sub), { ...(flags.owner !== undefined ? { owner: flags.owner } : {}), ...(flags.due !== undefined ? { dueAt: flags.due } : {}) }, actor));
        return 0;
      case 'assign':
        show(await assign(quality, idOf(rest[0], sub), { ...(flags.owner !== undefined ? { owner: flags.owner } : {}), ...(flags.due !== undefined ? { dueAt: flags.due } : {}) }, actor));
        return 0;
      case 'resolve':
        if (flags.note === undefined) throw new UsageError("'lotline exceptions resolve ID' needs --note TEXT (how it was resolved)");
        show(await resolve(quality, idOf(rest[0], sub), flags.note, actor));
        return 0;
      case 'dismiss':
        if (flags.reason === undefined) throw new UsageError("'lotline exceptions dismiss ID' needs --reason TEXT");
        show(await dismiss(quality, idOf(rest[0], sub), flags.reason, actor));
        return 0;
      default:
        throw new UsageError(`unknown 'lotline exceptions' command ${JSON.stringify(sub)}: list, show, ack, assign, resolve or dismiss`);
    }
  } finally {
    await quality.close();
  }
}
