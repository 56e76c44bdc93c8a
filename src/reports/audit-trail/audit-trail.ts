/**
 * The audit trail (21 CFR Part 11 §11.10(e)): every record with who, when, what, and the earlier
 * values of anything superseded, as one chronological list. It gathers what Lotline keeps in
 * several places: the hash-chained event log (events, error declarations and the corrective
 * events they name, holds, releases with their e-signatures, retroactive links), the exceptions
 * and each change of their state, the identity audit log (users, keys, logins, refusals), and the
 * creation of webhook subscriptions and scan stations. Filters: a period, a user, a lot.
 */
import type { Issue } from '../../domain/errors.js';
import { LotlineError } from '../../domain/errors.js';
import type { EventFacts, ObjectEntry } from '../../domain/event-facts.js';
import { interpretEvent } from '../../domain/event-facts.js';
import type { ObjectRef } from '../../domain/identifiers/object-ref.js';
import { refLabel } from '../../domain/identifiers/object-ref.js';
import { lotlineUri, parseLotlineUri } from '../../domain/identifiers/lotline-uri.js';
import { toMs } from '../../genealogy/trace.js';
import type { IdentityStore } from '../../identity/identity-store.js';
import { SIGNATURES_FIELD } from '../../quality/e-signature.js';
import type { ExceptionRecord, QualityStore } from '../../quality/quality-store.js';
import { RETROACTIVE_FIELD } from '../../quality/retroactive-link.js';
import type { EventStore, LogEntry } from '../../store/event-store.js';
import { documentNumber, documentType } from '../document-number.js';
import { eventsAroundLots } from '../lot-events.js';
import { describePlace } from '../place-description.js';
import type { RecordVersion } from '../../masterdata/master-data.js';

export const AUDIT_KINDS = ['event', 'correction', 'hold', 'release', 'signature', 'retroactive-link', 'exception', 'identity', 'master-data', 'configuration'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** One line of the trail. */
export interface AuditRecord {
  /** When Lotline recorded it (ISO); for a signature, when it was signed, with the signer's zone. */
  readonly time: string;
  readonly kind: AuditKind;
  /** What happened, in a word or two: `receiving`, `error declaration`, `acknowledged`, `user.add`. */
  readonly action: string;
  /** Who: `user:NAME`, `key:NAME`, `cli:OS-USER`, `lotline` (the system itself); null when the source did not say. */
  readonly actor: string | null;
  /** From where (an IP address, `cli@HOST`). */
  readonly origin: string | null;
  /** What it is about: lots (item / lot), an exception, a user or key. */
  readonly subject: string;
  /** What was recorded, in words. */
  readonly details: string;
  /** The values this record supersedes (an event declared erroneous, an exception's state before the change). */
  readonly earlier: string | null;
  /** Set on an event later declared erroneous: when, and the correction's log position. */
  readonly supersededBy: string | null;
  /** The record's own identifier: eventID, `exception N`, `identity audit N`, … */
  readonly reference: string;
  /** Position in the hash-chained event log, and the entry's hash, for log entries. */
  readonly logPosition: number | null;
  readonly hash: string | null;
}

export interface AuditFilter {
  /** Records at or after / before these times (a date is midnight UTC). */
  readonly from?: string;
  readonly to?: string;
  /** Records made by this user: `alice` matches `user:alice`, `key:alice`, `cli:alice` and signatures by alice; `user:alice` only that. */
  readonly user?: string;
  /** Records about this lot: its events, corrections, holds, signatures, exceptions. */
  readonly lot?: ObjectRef;
}

export interface AuditSources {
  readonly store: EventStore;
  readonly quality: QualityStore;
  readonly identity: IdentityStore;
  /** Webhook subscriptions and scan stations, when the caller has them open (their creation is audited). */
  readonly webhooks?: { listSubscriptions(): Promise<readonly { id: string; url: string; types: readonly string[]; createdAt: string; createdBy: string }[]> };
  readonly stations?: { listStations(): Promise<readonly { id: string; site: string; role: string; createdAt: string; createdBy: string }[]> };
  /** Items, parties and locations, when the caller has them open: every change, with the values it replaced. */
  readonly masterData?: { allVersions(): Promise<readonly RecordVersion[]> };
}

export interface AuditTrail {
  readonly filter: { readonly from: string | null; readonly to: string | null; readonly user: string | null; readonly lot: string | null };
  readonly generatedAt: string;
  /** The last log position read. */
  readonly asOfSeq: number;
  readonly records: readonly AuditRecord[];
}

const PAGE = 2000;

function describeObjects(entries: readonly ObjectEntry[]): string {
  return entries.map((o) => `${refLabel(o.ref)}${o.quantity !== null ? ` ${o.quantity} ${o.uom ?? ''}`.trimEnd() : ''}`).join(', ');
}

function lotsOf(f: EventFacts): ObjectRef[] {
  return [...f.objects, ...f.inputs, ...f.outputs].map((o) => o.ref).concat(f.parent ? [f.parent] : []);
}

const short = (v: string | null): string | null => (v === null ? null : v.replace(/^.*(BizStep|Disp)-/, ''));

/** An event in words: step, lots and quantities, time, place, parties and documents. */
function describeEvent(f: EventFacts, body: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [`${short(f.bizStep) ?? f.type}${f.action ? ` (${f.type} ${f.action})` : ` (${f.type})`} at ${f.eventTime}`];
  if (f.inputs.length > 0) parts.push(`inputs: ${describeObjects(f.inputs)}`);
  if (f.outputs.length > 0) parts.push(`outputs: ${describeObjects(f.outputs)}`);
  if (f.objects.length > 0) parts.push(`${f.parent ? `${refLabel(f.parent)} holds` : 'lots'}: ${describeObjects(f.objects)}`);
  else if (f.parent) parts.push(`unit: ${refLabel(f.parent)}`);
  const place = f.bizLocation ?? f.readPoint;
  if (place) parts.push(`at ${describePlace(place)}`);
  if (f.disposition) parts.push(`disposition ${short(f.disposition)}`);
  for (const s of f.sources) parts.push(`from ${describePlace(s.id)}`);
  for (const d of f.destinations) parts.push(`to ${describePlace(d.id)}`);
  for (const t of f.bizTransactions) parts.push(`${documentType(t.type) ?? 'document'} ${documentNumber(t.id)}`);
  const adjustBy = body['lotline:adjustBy'];
  if (typeof adjustBy === 'number') parts.push(`change ${adjustBy > 0 ? '+' : ''}${adjustBy}`);
  const reason = body['lotline:reason'];
  if (typeof reason === 'string') parts.push(`reason: ${reason}`);
  return parts.join('; ');
}

function matchesUser(actor: string | null, user: string): boolean {
  if (actor === null) return false;
  return user.includes(':') ? actor === user : actor === user || actor.slice(actor.indexOf(':') + 1) === user;
}

/** The exception's subject in words: a lot's label for a lot URN, else the reference as written. */
function subjectOf(e: ExceptionRecord): string {
  if (e.subject.kind === 'lot' || e.subject.kind === 'unit') {
    try {
      return `exception ${e.id} on ${refLabel(parseLotlineUri(e.subject.ref))}`;
    } catch {
      // not a Lotline URN: shown as written
    }
  }
  return `exception ${e.id} on ${e.subject.kind} ${e.subject.ref}`;
}

/** The exception's values before each change, replayed from its history (opened: open, no owner). */
function exceptionRecords(e: ExceptionRecord, history: Awaited<ReturnType<QualityStore['historyOf']>>): AuditRecord[] {
  const state: Record<string, unknown> = { state: 'open', owner: null, dueAt: null };
  const out: AuditRecord[] = [];
  const NEXT_STATE: Record<string, string> = { acknowledged: 'acknowledged', resolved: 'resolved', dismissed: 'dismissed' };
  for (const h of history) {
    const before = { ...state };
    if (NEXT_STATE[h.action]) state['state'] = NEXT_STATE[h.action];
    for (const k of ['owner', 'dueAt'] as const) if (h.details[k] !== undefined) state[k] = h.details[k];
    const changed = Object.keys(state).filter((k) => state[k] !== before[k]);
    const detailText = Object.entries(h.details)
      .filter(([k]) => k !== 'previousOwner')
      .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join('; ');
    out.push({
      time: h.time,
      kind: 'exception',
      action: h.action,
      actor: h.actor,
      origin: null,
      subject: subjectOf(e),
      details: h.action === 'opened' ? `${e.ruleId} (${e.severity}): ${e.explanation}` : detailText,
      earlier: h.action === 'opened' || changed.length === 0 ? null : changed.map((k) => `${k}: ${before[k] === null ? '(none)' : String(before[k])}`).join('; '),
      supersededBy: null,
      reference: `exception ${e.id}`,
      logPosition: null,
      hash: null,
    });
  }
  return out;
}

/** The audit trail for a filter, oldest first. */
export async function auditTrail(sources: AuditSources, filter: AuditFilter = {}, now = new Date()): Promise<AuditTrail> {
  const { store, quality, identity } = sources;
  const fromMs = toMs(filter.from, 'from', -8.64e15);
  const toMsV = toMs(filter.to, 'to', 8.64e15);
  if (fromMs >= toMsV) throw new LotlineError('USAGE', `the period is empty: --from ${filter.from} is not before --to ${filter.to}`);
  const asOfSeq = await store.headSeq();

  // A lot narrows the log to the events around it (its own, its units', its transformations').
  let lotSeqs: Set<number> | undefined;
  let lotUri: string | undefined;
  if (filter.lot) {
    const node = [...(await store.findNodes([filter.lot])).values()][0];
    if (!node) throw new LotlineError('LOT_NOT_FOUND', `no event names ${refLabel(filter.lot)}: check the item and the lot code`);
    lotSeqs = await eventsAroundLots(store, [node.id]);
    lotUri = lotlineUri(filter.lot);
  }

  const records: AuditRecord[] = [];
  const lotEventIds = new Set<string>();
  // Only the log entries the period and the lot reach are read: record times grow with the log position.
  const lo = filter.from !== undefined ? await store.seqAt(new Date(fromMs - 1).toISOString()) : 0;
  const hi = filter.to !== undefined ? Math.min(asOfSeq, await store.seqAt(new Date(toMsV - 1).toISOString())) : asOfSeq;
  const entryAt = async (seq: number): Promise<LogEntry | undefined> => (await store.readLog(seq - 1, 1))[0];
  const inRange: LogEntry[] = [];
  if (lotSeqs) {
    const rows = await store.eventsBySeq([...lotSeqs]);
    for (const r of rows) lotEventIds.add(r.eventId);
    const wanted = new Set([...rows.map((r) => r.seq), ...rows.flatMap((r) => (r.voidSeq !== null ? [r.voidSeq] : []))].filter((x) => x > lo && x <= hi));
    for (const x of [...wanted].sort((p, q) => p - q)) {
      const e = await entryAt(x);
      if (e) inRange.push(e);
    }
  } else {
    for (let after = lo; after < hi; ) {
      const page = await store.readLog(after, Math.min(PAGE, hi - after));
      if (page.length === 0) break;
      inRange.push(...page);
      after = page[page.length - 1]!.seq;
    }
  }
  const entries = new Map(inRange.filter((e) => e.kind === 'event').map((e) => [e.eventId, e]));
  const declarations = inRange.filter((e) => e.kind === 'declaration');
  // Events of the range declared erroneous (perhaps after it): when, and at which log position.
  const declaredBy = new Map<string, LogEntry>();
  const events = [...entries.values()];
  for (let i = 0; i < events.length; i += PAGE) {
    for (const row of await store.eventsBySeq(events.slice(i, i + PAGE).map((e) => e.seq))) {
      if (row.voidSeq === null) continue;
      const d = declarations.find((x) => x.seq === row.voidSeq) ?? (await entryAt(row.voidSeq));
      if (d) declaredBy.set(row.eventId, d);
    }
  }
  const readBody = (body: Record<string, unknown>): { facts: EventFacts; body: Record<string, unknown> } | undefined => {
    const issues: Issue[] = [];
    const facts = interpretEvent(body, '$', issues);
    return facts ? { facts, body } : undefined;
  };
  const read = (e: LogEntry) => readBody(JSON.parse(e.body) as Record<string, unknown>);
  /** An event's facts and body, from the range read or (outside it) from the store. */
  const eventNamed = async (eventId: string): Promise<{ facts: EventFacts; body: Record<string, unknown> } | undefined> => {
    const e = entries.get(eventId);
    if (e) return read(e);
    const stored = await store.eventById(eventId);
    return stored ? readBody(stored.body as Record<string, unknown>) : undefined;
  };

  const base = (e: LogEntry) => ({ actor: e.actor, origin: e.origin, logPosition: e.seq, hash: e.hash });

  for (const e of entries.values()) {
    const r = read(e);
    if (!r) continue;
    const { facts, body } = r;
    const subject = [...new Set(lotsOf(facts).map(refLabel))].join(', ');
    const decl = declaredBy.get(e.eventId);
    const bizStep = short(facts.bizStep);
    const kind: AuditKind = body[RETROACTIVE_FIELD] !== undefined ? 'retroactive-link' : bizStep === 'holding' ? 'hold' : Array.isArray(body[SIGNATURES_FIELD]) ? 'release' : 'event';
    const retro = body[RETROACTIVE_FIELD] as Record<string, unknown> | undefined;
    records.push({
      time: e.recordTime,
      kind,
      // a signed decision reads as what it decided (`release`, `reject`), not as its CBV step (`inspecting`)
      action: typeof body['lotline:decision'] === 'string' ? body['lotline:decision'] : (bizStep ?? facts.type),
      ...base(e),
      subject,
      details: describeEvent(facts, body) + (retro ? `; recorded after the fact for exception ${String(retro['exception'])}, confirmed by ${String(retro['confirmedBy'])}` : ''),
      earlier: null,
      supersededBy: decl ? `declared erroneous, recorded ${decl.recordTime} (log position ${decl.seq})` : null,
      reference: e.eventId,
    });
    const sigs = body[SIGNATURES_FIELD];
    if (Array.isArray(sigs)) {
      for (const s of sigs as Record<string, unknown>[]) {
        records.push({
          time: String(s['signedAt']),
          kind: 'signature',
          action: 'e-signature',
          actor: `user:${String(s['signer'])}`,
          origin: e.origin,
          subject,
          details: `signed by ${String(s['printedName'])} (${String(s['signer'])}), meaning: ${String(s['meaning'])}, at ${String(s['signedAt'])}; identified by ${String(s['method'] ?? 'password')}; binding hash ${String(s['hash'])}`,
          earlier: null,
          supersededBy: null,
          reference: e.eventId,
          logPosition: e.seq,
          hash: e.hash,
        });
      }
    }
  }

  for (const d of declarations) {
    const r = read(d);
    const decl = r?.facts.errorDeclaration;
    const was = await eventNamed(d.eventId);
    const corrective: string[] = [];
    for (const id of decl?.correctiveEventIds ?? []) {
      const c = await eventNamed(id);
      corrective.push(c ? `${id}: ${describeEvent(c.facts, c.body)}` : id);
    }
    records.push({
      time: d.recordTime,
      kind: 'correction',
      action: 'error declaration',
      ...base(d),
      subject: was ? [...new Set(lotsOf(was.facts).map(refLabel))].join(', ') : d.eventId,
      details: `event ${d.eventId} declared erroneous${decl?.declarationTime ? ` at ${decl.declarationTime}` : ''}${decl?.reason ? `, reason: ${short(decl.reason)}` : ''}${corrective.length > 0 ? `; corrected by ${corrective.join(' | ')}` : '; no corrective event'}`,
      earlier: was ? describeEvent(was.facts, was.body) : null,
      supersededBy: null,
      reference: d.eventId,
    });
  }

  // Exceptions: all of them, or those about the lot or shown by its events.
  // An exception last changed before the period has no history in it: its history is not read.
  const fromIso = filter.from !== undefined ? new Date(fromMs).toISOString() : undefined;
  const exceptions = (await quality.queryExceptions({ limit: 10_000 })).filter(
    (x) => (fromIso === undefined || x.updatedAt >= fromIso) && (!lotUri || x.subject.ref === lotUri || x.eventIds.some((id) => lotEventIds.has(id))),
  );
  for (const x of exceptions) records.push(...exceptionRecords(x, await quality.historyOf(x.id)));

  if (!filter.lot) {
    // A user's role and status before each change, replayed from the log (a change records only the new values).
    const users = new Map<string, Record<string, unknown>>();
    for (let after = 0; ; ) {
      const page = await identity.listAudit(after, PAGE);
      for (const a of page) {
        const before = users.get(a.target) ?? {};
        let earlier: string | null = null;
        if (a.action === 'user.add') users.set(a.target, { role: a.details?.['role'], disabled: false });
        else if (a.action === 'user.change' && a.details) {
          const changed = (['role', 'disabled'] as const).filter((k) => a.details![k] !== undefined && a.details![k] !== before[k]);
          if (changed.length > 0) earlier = changed.map((k) => `${k}: ${String(before[k] ?? '(unknown)')}`).join('; ');
          users.set(a.target, { ...before, ...Object.fromEntries(changed.map((k) => [k, a.details![k]])) });
        }
        records.push({
          time: a.time, kind: 'identity', action: a.action, actor: a.actor, origin: a.origin, subject: a.target,
          details: a.details ? Object.entries(a.details).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join('; ') : '',
          earlier,
          supersededBy: null, reference: `identity audit ${a.seq}`, logPosition: null, hash: null,
        });
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.seq;
    }
    for (const w of (await sources.webhooks?.listSubscriptions()) ?? []) {
      records.push({ time: w.createdAt, kind: 'configuration', action: 'webhook.add', actor: w.createdBy, origin: null, subject: `webhook ${w.id}`, details: `${w.url} for ${w.types.join(', ')}`, earlier: null, supersededBy: null, reference: `webhook ${w.id}`, logPosition: null, hash: null });
    }
    // Master data keeps every version: a change shows the values of the version it replaced.
    const lastOf = new Map<string, RecordVersion>();
    for (const v of (await sources.masterData?.allVersions()) ?? []) {
      const id = `${v.kind} ${v.key}`;
      const before = lastOf.get(id);
      lastOf.set(id, v);
      records.push({
        time: v.changedAt, kind: 'master-data', action: before ? `${v.kind}.change` : `${v.kind}.add`, actor: v.changedBy, origin: null, subject: id,
        details: before ? changedFields(before.data, v.data, (x) => x.next) : changedFields({}, v.data, (x) => x.next),
        earlier: before ? changedFields(before.data, v.data, (x) => x.was) : null,
        supersededBy: null, reference: `${id} version ${v.version}`, logPosition: null, hash: null,
      });
    }
    for (const s of (await sources.stations?.listStations()) ?? []) {
      records.push({ time: s.createdAt, kind: 'configuration', action: 'station.add', actor: s.createdBy, origin: null, subject: `station ${s.id}`, details: `${s.role} station at ${describePlace(s.site)}`, earlier: null, supersededBy: null, reference: `station ${s.id}`, logPosition: null, hash: null });
    }
  }

  const kept = records.filter((r) => {
    const ms = Date.parse(r.time);
    if (ms < fromMs || ms >= toMsV) return false;
    return filter.user === undefined || matchesUser(r.actor, filter.user);
  });
  kept.sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || (a.logPosition ?? Infinity) - (b.logPosition ?? Infinity) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  return {
    filter: { from: filter.from ?? null, to: filter.to ?? null, user: filter.user ?? null, lot: filter.lot ? refLabel(filter.lot) : null },
    generatedAt: now.toISOString(),
    asOfSeq,
    records: kept,
  };
}

/** The fields that differ between two versions of a record, as `field: value` with the side `pick` chooses. */
function changedFields(was: object, next: object, pick: (x: { was: unknown; next: unknown }) => unknown): string {
  // An empty field (null) reads as absent: a new record lists only what it sets.
  const a = Object.fromEntries(Object.entries(was).filter(([, v]) => v !== null)) as Record<string, unknown>;
  const b = Object.fromEntries(Object.entries(next).filter(([, v]) => v !== null)) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
  const show = (v: unknown): string => (v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v));
  return keys.map((k) => `${k}: ${show(pick({ was: a[k], next: b[k] }))}`).join('; ');
}

const KIND_ORDER: Record<AuditKind, number> = Object.fromEntries(AUDIT_KINDS.map((k, i) => [k, i])) as Record<AuditKind, number>;
