/**
 * Electronic signatures (21 CFR Part 11 §11.50, §11.70, §11.200). A signature travels inside the
 * event it signs (`lotline:signatures`, so it is in the hash chain and in EPCIS exports) and shows
 * the printed name, the date and time with zone, and the meaning. It is bound to its record by a
 * hash of the event's content and of the holds it ends: copied onto another event, the hash no
 * longer matches. The ledger of the quality store keeps every hash the signing use case made, so a
 * hash recomputed by hand for a forged event is not in it either.
 */
import { canonicalJson } from '../domain/canonical-json.js';
import { LotlineError } from '../domain/errors.js';
import { sha256Hex } from '../domain/sha256.js';
import type { QualityStore } from './quality-store.js';

export const SIGNATURES_FIELD = 'lotline:signatures';
/** The hold events a release or rejection ends (eventIDs, sorted). */
export const ENDS_HOLDS_FIELD = 'lotline:endsHolds';

export interface ElectronicSignature {
  /** The user name of the signer (unique, §11.100). */
  readonly signer: string;
  /** The name printed with the signature (§11.50 a.1). */
  readonly printedName: string;
  /** What the signature means, e.g. `released after retest`, `rejected` (§11.50 a.3). */
  readonly meaning: string;
  /** Date and time of signing with its zone offset (§11.50 a.2). */
  readonly signedAt: string;
  /** How the signer was identified: the password typed again for this signature. */
  readonly method: 'password';
  /** The hold events this signature ends, as signed. */
  readonly holdEventIds: readonly string[];
  /** SHA-256 of the canonical event content, the holds and the fields above. */
  readonly hash: string;
}

/** The event as signed: everything but its id (derived from the content, signatures included) and the signatures. */
export function signedContent(event: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { eventID: _id, [SIGNATURES_FIELD]: _sigs, ...rest } = event;
  return rest;
}

/** The binding hash of a signature over an event. */
export function bindingHash(event: Readonly<Record<string, unknown>>, sig: Omit<ElectronicSignature, 'hash'>): string {
  return sha256Hex(
    canonicalJson({
      event: signedContent(event),
      holds: [...sig.holdEventIds].sort(),
      signer: sig.signer,
      printedName: sig.printedName,
      meaning: sig.meaning,
      signedAt: sig.signedAt,
      method: sig.method,
    }),
  );
}

/** Now as an ISO date-time with an explicit zone offset (UTC: +00:00). */
export function nowWithZone(ms = Date.now()): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

export function makeSignature(event: Readonly<Record<string, unknown>>, s: Omit<ElectronicSignature, 'hash' | 'method' | 'holdEventIds'>): ElectronicSignature {
  const holds = endsHolds(event);
  const base = { ...s, method: 'password' as const, holdEventIds: holds };
  return { ...base, hash: bindingHash(event, base) };
}

function endsHolds(event: Readonly<Record<string, unknown>>): string[] {
  const v = event[ENDS_HOLDS_FIELD];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').sort() : [];
}

export interface SignatureCheck {
  readonly signer: string | null;
  readonly printedName: string | null;
  readonly meaning: string | null;
  readonly signedAt: string | null;
  readonly valid: boolean;
  /** Why it does not verify. */
  readonly reason: string | null;
}

/** Verifies every signature of an event: the hash against the event as it is, and the ledger. */
export async function verifySignatures(event: Readonly<Record<string, unknown>>, quality: QualityStore): Promise<{ signed: boolean; valid: boolean; signatures: SignatureCheck[] }> {
  const list = event[SIGNATURES_FIELD];
  if (list === undefined) return { signed: false, valid: false, signatures: [] };
  const sigs = Array.isArray(list) ? list : [list];
  const checks: SignatureCheck[] = [];
  for (const raw of sigs) {
    const s = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const str = (k: string): string | null => (typeof s[k] === 'string' ? (s[k] as string) : null);
    const view = { signer: str('signer'), printedName: str('printedName'), meaning: str('meaning'), signedAt: str('signedAt') };
    const holds = Array.isArray(s['holdEventIds']) ? (s['holdEventIds'] as unknown[]).filter((x): x is string => typeof x === 'string') : null;
    let reason: string | null = null;
    if (view.signer === null || view.printedName === null || view.meaning === null || view.signedAt === null || holds === null || s['method'] !== 'password' || typeof s['hash'] !== 'string') {
      reason = 'the signature lacks signer, printedName, meaning, signedAt, method, holdEventIds or hash';
    } else if (canonicalJson([...holds].sort()) !== canonicalJson(endsHolds(event))) {
      reason = `the signature ends the holds ${holds.join(', ') || '(none)'}, the event ${endsHolds(event).join(', ') || '(none)'}: it was made for another record`;
    } else if (bindingHash(event, { signer: view.signer, printedName: view.printedName, meaning: view.meaning, signedAt: view.signedAt, method: 'password', holdEventIds: holds }) !== s['hash']) {
      reason = 'the hash does not match this event: the signature was made for another record, or the event was changed after signing';
    } else {
      const entry = await quality.getSignature(s['hash']);
      if (!entry || entry.signer !== view.signer || entry.meaning !== view.meaning || entry.signedAt !== view.signedAt) reason = 'no signature with this hash was made by this Lotline (not in the signature ledger)';
    }
    checks.push({ ...view, valid: reason === null, reason });
  }
  return { signed: true, valid: checks.length > 0 && checks.every((c) => c.valid), signatures: checks };
}

/**
 * Capture refuses an event that carries signatures which do not verify (a signature copied from
 * another release): a signed decision is made only by the signing use case. Nothing is stored.
 */
export async function refuseInvalidSignatures(events: readonly { body: Readonly<Record<string, unknown>> }[], quality: QualityStore): Promise<void> {
  for (const [index, e] of events.entries()) {
    if (e.body[SIGNATURES_FIELD] === undefined) continue;
    const r = await verifySignatures(e.body, quality);
    if (r.valid) continue;
    const why = r.signatures.find((c) => !c.valid)?.reason ?? 'no signature';
    throw new LotlineError('SIGNATURE_INVALID', `event ${index}: its electronic signature does not verify: ${why}. Nothing from this request was stored.`, {
      issues: [{ path: `$${events.length > 1 ? `[${index}]` : ''}.${SIGNATURES_FIELD}`, reason: why, index }],
    });
  }
}
