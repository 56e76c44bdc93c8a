/**
 * The quality port: exceptions (one per finding key) with their append-only history, the ledger
 * of electronic signatures, and the first signatures of four-eyes decisions still waiting for the
 * second. Kept apart from the event store: an exception is work about the record, not the record.
 */
import type { Finding, Severity, SubjectKind } from './finding.js';

export const EXCEPTION_STATES = ['open', 'acknowledged', 'resolved', 'dismissed'] as const;
export type ExceptionState = (typeof EXCEPTION_STATES)[number];

export interface ExceptionRecord {
  readonly id: number;
  readonly key: string;
  readonly ruleId: string;
  readonly severity: Severity;
  readonly subject: Readonly<{ kind: SubjectKind; ref: string }>;
  readonly explanation: string;
  readonly eventIds: readonly string[];
  readonly site: string | null;
  readonly line: string | null;
  readonly detectedAt: string;
  readonly state: ExceptionState;
  readonly owner: string | null;
  /** When it must be dealt with; past it, an open or acknowledged exception escalates. */
  readonly dueAt: string | null;
  readonly escalatedAt: string | null;
  /** The note of a resolution or the reason of a dismissal. */
  readonly resolution: string | null;
  readonly updatedAt: string;
}

/** One change of an exception: who, when, what (append-only). */
export interface ExceptionChange {
  readonly seq: number;
  readonly exceptionId: number;
  readonly time: string;
  readonly actor: string;
  /** `opened`, `acknowledged`, `assigned`, `resolved`, `dismissed`, `escalated`. */
  readonly action: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export type ExceptionUpdate = Partial<Pick<ExceptionRecord, 'state' | 'owner' | 'dueAt' | 'escalatedAt' | 'resolution'>>;

export interface ExceptionQuery {
  /** A lot's Lotline URN (the subject of the exception). */
  readonly lot?: string;
  readonly line?: string;
  readonly ruleId?: string;
  readonly state?: ExceptionState;
  /** Detected at or after / before (ISO). */
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
}

/** One signature as the ledger keeps it: the proof that the signing use case made it. */
export interface SignatureEntry {
  /** The binding hash (also inside the signature in the event). */
  readonly hash: string;
  readonly signer: string;
  readonly meaning: string;
  readonly signedAt: string;
}

/** The first signature(s) of a decision that needs more, with the event they sign. */
export interface PendingDecision {
  /** Decision and lots: one pending decision per set of lots. */
  readonly key: string;
  /** The event as it will be stored, without its signatures. */
  readonly draft: Readonly<Record<string, unknown>>;
  readonly signatures: readonly Readonly<Record<string, unknown>>[];
  readonly createdAt: string;
}

/**
 * How far the scheduled gap rules have judged the plant: every event up to a log position, and
 * every window that closed by a moment. The next run looks only at what changed since.
 */
export interface GapWatermark {
  /** Every event logged at or before this position has been judged. */
  readonly seq: number;
  /** The moment (epoch ms) the windows were judged at: windows closing after it are still to judge. */
  readonly judgedAtMs: number;
  /** Fingerprint of the configuration it was judged with: another configuration needs a whole-plant run. */
  readonly config: string;
}

export interface QualityStore {
  /** Opens an exception per finding whose key is new (one transaction); returns the ones opened. */
  report(findings: readonly Finding[], dueAt: (f: Finding) => string | null, actor: string): Promise<ExceptionRecord[]>;
  /** The exception with this id. */
  getException(id: number): Promise<ExceptionRecord | undefined>;
  /** Exceptions matching every given criterion, newest first. */
  queryExceptions(q: ExceptionQuery): Promise<ExceptionRecord[]>;
  /** Applies a change if the exception is still in `expected` state, with its history entry; undefined when it was not. */
  updateException(id: number, expected: ExceptionState, change: ExceptionUpdate, entry: Pick<ExceptionChange, 'actor' | 'action' | 'details'>): Promise<ExceptionRecord | undefined>;
  /** The history of one exception, oldest first. */
  historyOf(id: number): Promise<ExceptionChange[]>;
  /** Open or acknowledged exceptions due before `now` and not yet escalated. */
  overdue(now: string): Promise<ExceptionRecord[]>;
  /** Adds signatures to the ledger. */
  recordSignatures(entries: readonly SignatureEntry[]): Promise<void>;
  /** The ledger entry of a binding hash. */
  getSignature(hash: string): Promise<SignatureEntry | undefined>;
  /** Stores (or replaces) a pending decision. */
  putPending(p: PendingDecision): Promise<void>;
  /** The pending decision with this key. */
  getPending(key: string): Promise<PendingDecision | undefined>;
  /** Removes a pending decision (completed or withdrawn). */
  deletePending(key: string): Promise<void>;
  /** The scheduled gap rules' watermark, if a run has finished. */
  getGapWatermark(): Promise<GapWatermark | undefined>;
  /** Records the watermark of a finished run (after its findings were reported, so a crash in between redoes work rather than missing it). */
  putGapWatermark(w: GapWatermark): Promise<void>;
  /** Releases the connection. */
  close(): Promise<void>;
}
