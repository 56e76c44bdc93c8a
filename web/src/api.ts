/**
 * The API client of the pages: same origin, the session cookie, JSON in and out. Errors come back
 * as RFC 9457 problems; their `detail` is written for a person and is shown as it is.
 */

export const API = '/api/v1';

export interface Issue {
  readonly path: string;
  readonly reason: string;
  /** The CSV line, for an import. */
  readonly line?: number;
}

/** A refused request: the problem's code, its detail, and the fields it names. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: readonly Issue[] = [],
  ) {
    super(message);
  }
}

/** Called when the session has ended (401): the app shows the sign-in page. */
let onSignedOut: () => void = () => undefined;
export function whenSignedOut(fn: () => void): void {
  onSignedOut = fn;
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal; contentType?: 'text/csv' } = {}): Promise<T> {
  const res = await fetch(API + path, {
    method: init.method ?? 'GET',
    credentials: 'same-origin',
    // JSON bodies only: the server refuses forms and plain text, which is what keeps other sites from posting here.
    // (text/csv, which the master-data import takes, is no more a form's type than JSON is.)
    headers: init.body !== undefined ? { 'content-type': init.contentType ?? 'application/json', accept: 'application/json' } : { accept: 'application/json' },
    ...(init.body !== undefined ? { body: init.contentType ? String(init.body) : JSON.stringify(init.body) } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError(res.status, 'NOT_JSON', `the server answered ${res.status} with something that is not JSON`);
  }
  if (!res.ok) {
    const p = (json ?? {}) as { code?: string; detail?: string; issues?: Issue[] };
    const err = new ApiError(res.status, p.code ?? 'HTTP_' + res.status, p.detail ?? `the server answered ${res.status}`, p.issues ?? []);
    if (res.status === 401 && path !== '/session') onSignedOut();
    throw err;
  }
  return json as T;
}

/** The caller, as GET /session says. `anonymous` means setup mode: no account exists yet, anyone may read. */
export interface Principal {
  readonly kind: 'user' | 'key' | 'anonymous';
  readonly name: string;
  readonly role: string;
  readonly actor: string;
}

export interface RefJson {
  readonly item: string;
  readonly lot?: string;
  readonly serial?: string;
}

export interface TraceLot extends RefJson {
  readonly depth: number;
  readonly share: number | null;
}

export interface TraceLink {
  readonly from: RefJson;
  readonly to: RefJson;
  readonly eventId: string;
  readonly quantity?: number;
  readonly uom?: string;
  readonly retroactive?: Readonly<Record<string, unknown>>;
}

export interface TraceShipment extends RefJson {
  readonly eventId: string;
  readonly time: string;
  readonly quantity?: number;
  readonly uom?: string;
  readonly via?: string;
  readonly destination?: string;
}

export interface TraceReceipt extends RefJson {
  readonly eventId: string;
  readonly time: string;
  readonly quantity?: number;
  readonly uom?: string;
  readonly source?: string;
  readonly supplierLot?: string;
}

export interface TraceResult {
  readonly direction: 'forward' | 'backward';
  readonly root: RefJson;
  readonly lots: readonly TraceLot[];
  readonly links: readonly TraceLink[];
  readonly shipments: readonly TraceShipment[];
  readonly receipts: readonly TraceReceipt[];
  readonly truncated: boolean;
  readonly cycles: readonly (readonly RefJson[])[];
}

export interface SearchResult {
  readonly direct: string | null;
  readonly barcode: string | null;
  /** `group`: the heading a result is listed under (Lots, an order, a customer); `via`: the event a document or party match was found through. */
  readonly results: readonly { ref: string; kind: string; label: string; match?: string; group?: string; via?: string | null }[];
}
