/**
 * Every failure Lotline reports carries a stable code from this list. The codes are
 * the contract with scripts, the HTTP API and docs/errors.md (a test keeps them in sync);
 * messages may improve, codes do not change meaning.
 */
export const ERROR_CODES = [
  'ID_UNKNOWN_FORM',
  'ID_INVALID',
  'ID_BAD_CHECK_DIGIT',
  'CBV_INVALID',
  'EPCIS_NOT_A_DOCUMENT',
  'EPCIS_INVALID_FIELD',
  'NATIVE_INVALID_FIELD',
  'INPUT_NOT_JSON',
  'INPUT_TOO_LARGE',
  'EVENT_ID_CONFLICT',
  'FILE_NOT_FOUND',
  'FILE_UNREADABLE',
  'FILE_NOT_WRITABLE',
  'LOT_NOT_FOUND',
  'STORE_NOT_FOUND',
  'STORE_UNAVAILABLE',
  'STORE_BUSY',
  'STORE_SCHEMA_TOO_NEW',
  'STORE_APPEND_ONLY',
  'CHAIN_BROKEN',
  'USAGE',
  'INPUT_INVALID',
  'UNSUPPORTED_MEDIA_TYPE',
  'NOT_FOUND',
  'AUTH_REQUIRED',
  'AUTH_FAILED',
  'ACCOUNT_LOCKED',
  'FORBIDDEN',
  'CSRF_REFUSED',
  'SETUP_REQUIRED',
  'RATE_LIMITED',
  'IDENTITY_EXISTS',
  'INTERNAL_ERROR',
  'SHUTTING_DOWN',
  'STATION_EXISTS',
  'STATION_NOT_FOUND',
  'SCAN_REFUSED',
  'QUALITY_CONFIG_INVALID',
  'MAPPING_INVALID',
  'LOT_NOT_HELD',
  'SIGNATURE_REFUSED',
  'SIGNATURE_INVALID',
  'SIGNER_NAME_MISSING',
  'EXCEPTION_STATE',
  'DOSSIER_TOO_LARGE',
  'DOSSIER_MISMATCH',
  'SUPPLIER_NOT_FOUND',
  'MASTER_DATA_NOT_FOUND',
  'RECALL_NOT_FOUND',
  'BACKUP_TARGET_EXISTS',
  'BACKUP_USE_PG_DUMP',
  'BACKUP_INVALID',
  'RESTORE_TARGET_NOT_EMPTY',
  'RETENTION_POLICY_INVALID',
  'RETENTION_NOT_ENDED',
  'PURGE_NOT_SUPPORTED',
  'INPUT_TOO_DEEP',
  'INPUT_STRING_TOO_LONG',
  'INPUT_TOO_MANY_EVENTS',
  'TRACE_TOO_LARGE',
  'OVERLOADED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One problem found while validating input: where it is and why it is wrong. */
export interface Issue {
  /** JSON path of the offending field, e.g. `$.epcisBody.eventList[3].eventTime`. */
  readonly path: string;
  /** What is wrong, in words a person can act on. */
  readonly reason: string;
  /** The file the input came from, when it came from one. */
  readonly file?: string;
  /** Zero-based index of the event in its document (for NDJSON: of the line). */
  readonly index?: number;
  /** One-based line number, for line-oriented input (NDJSON). */
  readonly line?: number;
}

export interface LotlineErrorOptions {
  readonly issues?: readonly Issue[];
  readonly cause?: unknown;
}

/** The one error type of Lotline: a stable code, an actionable message, and the issues behind it. */
export class LotlineError extends Error {
  readonly code: ErrorCode;
  readonly issues: readonly Issue[];

  constructor(code: ErrorCode, message: string, options: LotlineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LotlineError';
    this.code = code;
    this.issues = options.issues ?? [];
  }
}

export function isLotlineError(e: unknown): e is LotlineError {
  return e instanceof LotlineError;
}
