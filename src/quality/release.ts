/**
 * Releasing or rejecting held lots with electronic signatures. The signer is the signed-in user,
 * who types the password again (a wrong one counts towards the lock); only the role `quality`
 * signs. `admin` may not: an administrator manages accounts, and could otherwise give themselves
 * any identity's decisions — separation of duties (roles.ts) is kept for signatures too.
 * With four-eyes configured, the first signature waits (persisted, with the event it signs) for
 * a second one by another quality user; the event is stored when the last signature is made.
 */
import { LotlineError } from '../domain/errors.js';
import type { ObjectRef } from '../domain/identifiers/object-ref.js';
import { refKey, refLabel } from '../domain/identifiers/object-ref.js';
import { lotState } from '../genealogy/lot-state.js';
import type { IdentityPolicy, Principal } from '../identity/identity-service.js';
import { reauthenticate } from '../identity/identity-service.js';
import type { IdentityStore, UserRecord } from '../identity/identity-store.js';
import { sha256Hex } from '../domain/sha256.js';
import type { CapturedEvent, EventStore } from '../store/event-store.js';
import type { ElectronicSignature } from './e-signature.js';
import { ENDS_HOLDS_FIELD, makeSignature, nowWithZone, SIGNATURES_FIELD } from './e-signature.js';
import { captured, commandEvent } from './quality-events.js';
import type { QualityStore } from './quality-store.js';

export const DECISIONS = ['release', 'reject'] as const;
export type Decision = (typeof DECISIONS)[number];

export interface DecisionRequest {
  readonly lots: readonly ObjectRef[];
  readonly decision: Decision;
  /** The meaning the signer states: `released after retest`, `rejected`. */
  readonly meaning: string;
  readonly password: string;
  /** A note on the decision (the release event's reason). */
  readonly reason?: string;
}

export interface DecisionDeps {
  readonly store: EventStore;
  readonly identity: IdentityStore;
  readonly quality: QualityStore;
  readonly policy: IdentityPolicy;
  /** 1, or 2 for four-eyes. */
  readonly signaturesRequired: number;
}

export type DecisionOutcome =
  | { readonly status: 'pending'; readonly key: string; readonly signatures: readonly ElectronicSignature[]; readonly required: number }
  | { readonly status: 'complete'; readonly key: string; readonly event: CapturedEvent; readonly signatures: readonly ElectronicSignature[] };

/** Who may sign: a person (not a key) with the role quality. */
export function checkSigner(principal: Principal): void {
  if (principal.kind !== 'user') {
    throw new LotlineError('SIGNATURE_REFUSED', `an electronic signature belongs to a person: ${principal.actor} is not a signed-in user; sign in as a quality user (POST /api/v1/session)`);
  }
  if (principal.role !== 'quality') {
    throw new LotlineError('SIGNATURE_REFUSED', `${principal.actor} has the role ${principal.role}; only the role quality signs releases and rejections (an admin manages accounts and does not sign, for separation of duties)`);
  }
}

/** The name printed with a signature (§11.50 a.1): the signer's full name; SIGNER_NAME_MISSING without one. */
export function printedNameOf(user: Pick<UserRecord, 'name' | 'fullName'>): string {
  if (user.fullName === null || user.fullName.trim() === '') {
    throw new LotlineError(
      'SIGNER_NAME_MISSING',
      `${user.name} has no full name, and a signature must show the signer's printed name; an administrator sets it with 'lotline user update ${user.name} --full-name "First Last"' (or PATCH /api/v1/users/${user.name} {"fullName": …}), then sign again. Nothing was signed.`,
    );
  }
  return user.fullName;
}

/** The holds the decision ends: the current hold of each lot; LOT_NOT_HELD for a lot that is not held. */
async function currentHolds(store: EventStore, lots: readonly ObjectRef[]): Promise<string[]> {
  const ids = new Set<string>();
  for (const lot of lots) {
    const st = await lotState(store, lot);
    if (!('status' in st) || st.status !== 'on_hold' || st.hold === null) {
      throw new LotlineError('LOT_NOT_HELD', `${refLabel(lot)} is not on hold (status ${'status' in st ? st.status : 'a logistic unit'}); only a held lot is released or rejected`, {
        issues: [{ path: '$.lots', reason: `${refLabel(lot)} is not on hold` }],
      });
    }
    ids.add(st.hold.eventId);
  }
  return [...ids].sort();
}

/** One pending decision per decision and set of lots. */
export function decisionKey(decision: Decision, lots: readonly ObjectRef[]): string {
  return sha256Hex(JSON.stringify([decision, [...new Set(lots.map(refKey))].sort()]));
}

/** Signs a release or rejection; returns the event to store once enough signatures are made. */
export async function signDecision(deps: DecisionDeps, principal: Principal, origin: string | null, req: DecisionRequest): Promise<DecisionOutcome> {
  checkSigner(principal);
  if (req.meaning.trim() === '') throw new LotlineError('INPUT_INVALID', 'meaning: state what the signature means, e.g. "released after retest"', { issues: [{ path: '$.meaning', reason: 'must not be empty' }] });
  if (req.lots.length === 0) throw new LotlineError('INPUT_INVALID', 'lots: name at least one held lot', { issues: [{ path: '$.lots', reason: 'needs at least one lot' }] });
  // Re-authentication first: a wrong password must count whatever else is wrong with the request.
  const user = await reauthenticate(deps.identity, principal.name, req.password, origin, deps.policy);
  // The printed name is the signer's full name as it is now; the event keeps it as signed, so a later change of name leaves this signature as it was.
  const printedName = printedNameOf(user);
  const holds = await currentHolds(deps.store, req.lots);
  const key = decisionKey(req.decision, req.lots);
  const pending = await deps.quality.getPending(key);
  // A pending decision over other holds (a lot held again since) is stale: this signature starts anew.
  const stale = pending !== undefined && JSON.stringify(pending.draft[ENDS_HOLDS_FIELD]) !== JSON.stringify(holds);
  let draft: Record<string, unknown>;
  let earlier: ElectronicSignature[] = [];
  if (pending && !stale) {
    draft = { ...pending.draft };
    earlier = pending.signatures as unknown as ElectronicSignature[];
    if (earlier.some((s) => s.signer === user.name)) {
      throw new LotlineError('SIGNATURE_REFUSED', `${user.name} has already signed this ${req.decision}; the second signature must come from another quality user`);
    }
  } else {
    const time = nowWithZone();
    const reason = req.reason ?? req.meaning;
    draft = { ...(req.decision === 'release' ? commandEvent({ cmd: 'release', time, reason }, req.lots) : commandEvent({ cmd: 'destroy', time, reason }, req.lots)) };
    draft[ENDS_HOLDS_FIELD] = holds;
    draft['lotline:decision'] = req.decision;
  }
  const signature = makeSignature(draft, { signer: user.name, printedName, meaning: req.meaning, signedAt: nowWithZone() });
  const signatures = [...earlier, signature];
  await deps.quality.recordSignatures([{ hash: signature.hash, signer: signature.signer, meaning: signature.meaning, signedAt: signature.signedAt }]);
  if (signatures.length < deps.signaturesRequired) {
    await deps.quality.putPending({ key, draft, signatures: signatures as unknown as Record<string, unknown>[], createdAt: pending && !stale ? pending.createdAt : new Date().toISOString() });
    return { status: 'pending', key, signatures, required: deps.signaturesRequired };
  }
  return { status: 'complete', key, event: captured({ ...draft, [SIGNATURES_FIELD]: signatures }), signatures };
}
