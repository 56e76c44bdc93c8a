/**
 * Errors become HTTP here and only here: every LotlineError code has one status, and every
 * failure leaves as an RFC 9457 problem+json body carrying the code, a message a person can act
 * on and, for bad input, the JSON path of each bad field.
 */
import type { ErrorCode, Issue } from '../domain/errors.js';
import { isLotlineError, LotlineError } from '../domain/errors.js';

/** The HTTP status of every error code (a test keeps this complete, docs/errors.md lists it). */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  ID_UNKNOWN_FORM: 400,
  ID_INVALID: 400,
  ID_BAD_CHECK_DIGIT: 400,
  CBV_INVALID: 400,
  EPCIS_NOT_A_DOCUMENT: 400,
  EPCIS_INVALID_FIELD: 400,
  NATIVE_INVALID_FIELD: 400,
  INPUT_NOT_JSON: 400,
  INPUT_INVALID: 400,
  USAGE: 400,
  MAPPING_INVALID: 400,
  AUTH_REQUIRED: 401,
  AUTH_FAILED: 401,
  FORBIDDEN: 403,
  CSRF_REFUSED: 403,
  SETUP_REQUIRED: 403,
  SIGNATURE_REFUSED: 403,
  SIGNATURE_INVALID: 400,
  SIGNER_NAME_MISSING: 409,
  LOT_NOT_FOUND: 404,
  NOT_FOUND: 404,
  EVENT_ID_CONFLICT: 409,
  IDENTITY_EXISTS: 409,
  STATION_EXISTS: 409,
  STATION_NOT_FOUND: 404,
  SUPPLIER_NOT_FOUND: 404,
  MASTER_DATA_NOT_FOUND: 404,
  RECALL_NOT_FOUND: 404,
  SCAN_REFUSED: 422,
  DOSSIER_TOO_LARGE: 422,
  // a dossier that no longer matches its hash: the records changed, or the copy was altered
  DOSSIER_MISMATCH: 409,
  LOT_NOT_HELD: 409,
  EXCEPTION_STATE: 409,
  INPUT_TOO_LARGE: 413,
  INPUT_TOO_MANY_EVENTS: 413,
  INPUT_TOO_DEEP: 400,
  INPUT_STRING_TOO_LONG: 400,
  TRACE_TOO_LARGE: 422,
  UNSUPPORTED_MEDIA_TYPE: 415,
  ACCOUNT_LOCKED: 423,
  RATE_LIMITED: 429,
  // the server is healthy but past a load bound: slow down (a 503 would take it out of a balancer's rotation)
  OVERLOADED: 429,
  // Server-side conditions a client cannot fix by changing its request.
  FILE_NOT_FOUND: 500,
  FILE_UNREADABLE: 500,
  FILE_NOT_WRITABLE: 500,
  STORE_APPEND_ONLY: 500,
  CHAIN_BROKEN: 500,
  INTERNAL_ERROR: 500,
  STORE_SCHEMA_TOO_NEW: 500,
  QUALITY_CONFIG_INVALID: 500,
  STORE_NOT_FOUND: 503,
  STORE_UNAVAILABLE: 503,
  STORE_BUSY: 503,
  SHUTTING_DOWN: 503,
  // keeping records (backup, restore, retention): command-line operations, mapped for completeness
  BACKUP_TARGET_EXISTS: 409,
  BACKUP_USE_PG_DUMP: 400,
  BACKUP_INVALID: 422,
  RESTORE_TARGET_NOT_EMPTY: 409,
  RETENTION_POLICY_INVALID: 400,
  RETENTION_NOT_ENDED: 409,
  PURGE_NOT_SUPPORTED: 400,
};

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  423: 'Locked',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ErrorCode;
  readonly instance?: string;
  /** Bad fields: `path` is a JSON path into the request body (`$.lots[0].lot`), or `query.NAME` / `path.NAME`. */
  readonly issues: readonly Issue[];
}

/** The `type` URI of a code: a stable name, documented in docs/errors.md. */
export function problemType(code: ErrorCode): string {
  return `urn:lotline:error:${code}`;
}

export function problemOf(e: LotlineError, instance?: string): Problem {
  const status = HTTP_STATUS[e.code];
  return {
    type: problemType(e.code),
    title: TITLES[status] ?? 'Error',
    status,
    detail: e.message,
    code: e.code,
    ...(instance !== undefined ? { instance } : {}),
    issues: e.issues,
  };
}

/** Fastify's own errors (body parsing, limits) as Lotline errors; anything unknown is a bug, said as such. */
export function asLotlineError(e: unknown, maxBodyBytes: number): LotlineError {
  if (isLotlineError(e)) return e;
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : String(e);
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new LotlineError('INPUT_TOO_LARGE', `the request body is over the ${maxBodyBytes} byte limit of this server (--max-body); send fewer events per request`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new LotlineError('UNSUPPORTED_MEDIA_TYPE', 'send the body as JSON with "Content-Type: application/json" (EPCIS documents may use application/ld+json)');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new LotlineError('INPUT_NOT_JSON', 'the body is empty; this request needs a JSON body', { issues: [{ path: '$', reason: 'the body is empty' }] });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new LotlineError('INPUT_NOT_JSON', `the body is not valid JSON: ${message}`, { issues: [{ path: '$', reason: message }] });
    case 'FST_ERR_BAD_URL':
      // a path with malformed percent-encoding (`%`, `%ED%A0%80`): found by test/reliability/hostile-routes.test.ts
      return new LotlineError('INPUT_INVALID', 'the URL path has a malformed percent-encoding; encode each path segment as UTF-8 (encodeURIComponent)', { issues: [{ path: 'url', reason: 'malformed percent-encoding' }] });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new LotlineError('INPUT_INVALID', 'a path parameter is longer than 4096 characters; send long values as query parameters or in the body', { issues: [{ path: 'url', reason: 'a path parameter is over 4096 characters' }] });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new LotlineError('INPUT_INVALID', 'the Content-Length header does not match the body', { issues: [{ path: 'header.content-length', reason: 'does not match the body' }] });
  }
  if (e instanceof SyntaxError && (e as { statusCode?: number }).statusCode === 400) {
    return new LotlineError('INPUT_NOT_JSON', `the body is not valid JSON: ${message}`, { issues: [{ path: '$', reason: message }] });
  }
  return new LotlineError('INTERNAL_ERROR', 'the server failed unexpectedly; this is a bug: report it with the time of the request (the server log has the details)', { cause: e });
}
