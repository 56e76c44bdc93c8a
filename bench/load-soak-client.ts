/**
 * The clients of the load soak (bench/load-soak.ts), in a process of their own so that they do not
 * share the server's event loop: open-loop senders, each at a fixed rate whatever the answers take
 * (a slow server meets more requests at once, as it would from a plant's scanners), of
 *   - captures: POST /api/v1/events, each a receipt of a lot never seen before (as the capture
 *     benchmark sends, bench/http-load-child.ts), `perRequest` per request;
 *   - traces: GET /api/v1/trace/forward|backward of a random sampled lot;
 *   - FSMA 204: GET /api/v1/reports/fsma204 of a random raw lot, forward (CSV);
 *   - recalls: POST /api/v1/recalls of a random raw lot (the scope, saved; role quality).
 * Every answer's latency and status is kept; the lot codes of captures answered 201 and 429 are
 * written to `ackFile` and `refusedFile` so the soak can check the store afterwards. Prints one
 * JSON line.
 *
 *   tsx bench/load-soak-client.ts ARGS.json
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';

export const KINDS = ['capture', 'trace', 'fsma204', 'recall'] as const;
export type Kind = (typeof KINDS)[number];

export interface ClientArgs {
  readonly url: string;
  readonly keys: { readonly operator: string; readonly quality: string; readonly auditor: string };
  readonly seconds: number;
  /** Requests per second of each kind (0: none). */
  readonly rates: Readonly<Record<Kind, number>>;
  /** Events per capture request. */
  readonly perRequest: number;
  /** Lot codes of captures start with this (unique per run and phase). */
  readonly prefix: string;
  readonly lots: readonly { item: string; lot: string }[];
  readonly rawLots: readonly { item: string; lot: string }[];
  /** At most this many requests of one kind unanswered at once; past it a send is skipped and counted. */
  readonly maxOutstanding: number;
  /**
   * Connections per kind: requests beyond wait in the client, their wait counted in their latency.
   * Unbounded, a slow server meets thousands of new connections, overflows the kernel's accept
   * queue and resets them before it could read, let alone refuse, a single request.
   */
  readonly maxSockets: number;
  readonly timeoutMs: number;
  /** Window length of the time series (s). */
  readonly windowS: number;
  readonly ackFile: string;
  readonly refusedFile: string;
  /** Lot codes of captures never answered (timeout, reset): stored or not, the client cannot know. */
  readonly unknownFile: string;
}

export interface KindResult {
  readonly sent: number;
  /** Answered as expected (201 for captures and recalls, 200 for traces and reports). */
  readonly ok: number;
  /** 429, by code (OVERLOADED, RATE_LIMITED). */
  readonly refused: Readonly<Record<string, number>>;
  /** 429 answers without a Retry-After header. */
  readonly refusedWithoutRetryAfter: number;
  /** Any other status, socket error or timeout. */
  readonly errors: number;
  readonly statuses: Readonly<Record<string, number>>;
  /** Sends skipped because `maxOutstanding` were unanswered. */
  readonly skipped: number;
  /** Latency (ms) of the answers as expected. */
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number; readonly mean: number };
  /** Latency (ms) of the 429 answers. */
  readonly refusedLatencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly firstErrors: readonly string[];
}

export interface WindowRow {
  /** Epoch ms at the window's end. */
  readonly at: number;
  readonly ok: Readonly<Record<Kind, number>>;
  readonly refused: Readonly<Record<Kind, number>>;
  readonly errors: Readonly<Record<Kind, number>>;
  readonly p99: Readonly<Record<Kind, number | null>>;
}

export interface ClientResult {
  readonly startedAt: number;
  readonly seconds: number;
  readonly kinds: Readonly<Record<Kind, KindResult>>;
  readonly windows: readonly WindowRow[];
  /** Events answered 201 (stored, as acknowledged) and refused with 429. */
  readonly ackedEvents: number;
  readonly refusedEvents: number;
  readonly cpuMs: number;
}

function pct(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
}

class Recorder {
  sent = 0;
  ok = 0;
  errors = 0;
  skipped = 0;
  outstanding = 0;
  noRetryAfter = 0;
  readonly refused: Record<string, number> = {};
  readonly statuses: Record<string, number> = {};
  readonly latencies: number[] = [];
  readonly refusedLatencies: number[] = [];
  readonly firstErrors: string[] = [];
  win = { ok: 0, refused: 0, errors: 0, lat: [] as number[] };

  error(what: string): void {
    this.errors++;
    this.win.errors++;
    if (this.firstErrors.length < 5) this.firstErrors.push(what);
  }

  result(): KindResult {
    const s = Float64Array.from(this.latencies).sort();
    const r = Float64Array.from(this.refusedLatencies).sort();
    const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : NaN;
    return {
      sent: this.sent,
      ok: this.ok,
      refused: this.refused,
      refusedWithoutRetryAfter: this.noRetryAfter,
      errors: this.errors,
      statuses: this.statuses,
      skipped: this.skipped,
      latencyMs: { p50: pct(s, 50), p95: pct(s, 95), p99: pct(s, 99), max: s.length ? s[s.length - 1]! : NaN, mean },
      refusedLatencyMs: { p50: pct(r, 50), p99: pct(r, 99), max: r.length ? r[r.length - 1]! : NaN },
      firstErrors: this.firstErrors,
    };
  }
}

export async function runClients(args: ClientArgs): Promise<ClientResult> {
  const agents = Object.fromEntries(KINDS.map((k) => [k, new http.Agent({ keepAlive: true, maxSockets: args.maxSockets })])) as Record<Kind, http.Agent>;
  const base = new URL(args.url);
  const rec = Object.fromEntries(KINDS.map((k) => [k, new Recorder()])) as Record<Kind, Recorder>;
  const acked: string[] = [];
  const refusedLots: string[] = [];
  const unknownLots: string[] = [];
  /** Lots of the captures not answered yet: those still unanswered at the end are unknown too. */
  const pendingLots = new Set<readonly string[]>();
  let ackedEvents = 0;
  let refusedEvents = 0;
  let next = 0;
  let seed = 0x2545f491;
  const random = (): number => {
    // xorshift32: the same sequence of lots every run
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x1_0000_0000;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const lotQuery = (l: { item: string; lot: string }): string => `${/^\d{14}$/.test(l.item) ? 'gtin' : 'item'}=${encodeURIComponent(l.item)}&lot=${encodeURIComponent(l.lot)}`;
  const lotBody = (l: { item: string; lot: string }) => (/^\d{14}$/.test(l.item) ? { gtin: l.item, lot: l.lot } : { item: l.item, lot: l.lot });

  const send = (kind: Kind, method: string, path: string, key: string, body: string | undefined, expect: number, lots: readonly string[]): void => {
    const r = rec[kind];
    if (r.outstanding >= args.maxOutstanding) {
      r.skipped++;
      return;
    }
    r.sent++;
    r.outstanding++;
    if (lots.length > 0) pendingLots.add(lots);
    const t0 = performance.now();
    let done = false;
    const finish = (status: number | undefined, code: string | undefined, retryAfter: string | undefined, detail: string): void => {
      if (done) return;
      done = true;
      r.outstanding--;
      pendingLots.delete(lots);
      const ms = performance.now() - t0;
      if (status !== undefined) r.statuses[status] = (r.statuses[status] ?? 0) + 1;
      if (status === expect) {
        r.ok++;
        r.win.ok++;
        r.latencies.push(ms);
        r.win.lat.push(ms);
        if (kind === 'capture') {
          acked.push(...lots);
          ackedEvents += lots.length;
        }
      } else if (status === 429) {
        const c = code ?? 'unknown';
        r.refused[c] = (r.refused[c] ?? 0) + 1;
        r.win.refused++;
        r.refusedLatencies.push(ms);
        if (retryAfter === undefined) r.noRetryAfter++;
        if (kind === 'capture') {
          refusedLots.push(...lots);
          refusedEvents += lots.length;
        }
      } else {
        r.error(`${method} ${path.split('?')[0]}: ${status ?? 'no answer'} ${detail.slice(0, 300)}`);
        if (kind === 'capture' && status === undefined) unknownLots.push(...lots);
      }
    };
    const req = http.request(
      { host: base.hostname, port: base.port, method, path, agent: agents[kind], headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) }, timeout: args.timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        // Only problem bodies are kept (a report answer can be megabytes).
        res.on('data', (d: Buffer) => {
          if (res.statusCode !== expect) chunks.push(d);
        });
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let code: string | undefined;
          try {
            code = res.statusCode !== expect ? (JSON.parse(text) as { code?: string }).code : undefined;
          } catch {
            code = undefined;
          }
          const ra = res.headers['retry-after'];
          finish(res.statusCode, code, typeof ra === 'string' ? ra : undefined, text);
        });
        res.on('error', (e) => finish(undefined, undefined, undefined, `response error ${e.message}`));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${args.timeoutMs} ms`)));
    req.on('error', (e) => finish(undefined, undefined, undefined, e.message));
    req.end(body);
  };

  const senders: Record<Kind, () => void> = {
    capture: () => {
      const lots: string[] = [];
      const parts: string[] = [];
      for (let i = 0; i < args.perRequest; i++) {
        const n = next++;
        const lot = `${args.prefix}-${n}`;
        lots.push(lot);
        const time = new Date(Date.UTC(2027, 0, 1) + n * 1000).toISOString();
        parts.push(`{"cmd":"receive","time":"${time}","lots":[{"item":"LOAD-FLOUR","lot":"${lot}","quantity":1000,"uom":"KGM"}],"from":"Valley Mills","location":"Goods in"}`);
      }
      send('capture', 'POST', '/api/v1/events', args.keys.operator, args.perRequest === 1 ? parts[0]! : `[${parts.join(',')}]`, 201, lots);
    },
    trace: () => send('trace', 'GET', `/api/v1/trace/${random() < 0.5 ? 'forward' : 'backward'}?${lotQuery(pick(args.lots))}`, args.keys.auditor, undefined, 200, []),
    fsma204: () => {
      const l = pick(args.rawLots);
      send('fsma204', 'GET', `/api/v1/reports/fsma204?tlc=${encodeURIComponent(l.lot)}&item=${encodeURIComponent(l.item)}&direction=forward`, args.keys.auditor, undefined, 200, []);
    },
    recall: () => send('recall', 'POST', '/api/v1/recalls', args.keys.quality, JSON.stringify({ lots: [lotBody(pick(args.rawLots))] }), 201, []),
  };

  const windows: WindowRow[] = [];
  const closeWindow = (): void => {
    const row = { at: Date.now(), ok: {}, refused: {}, errors: {}, p99: {} } as { at: number; ok: Record<Kind, number>; refused: Record<Kind, number>; errors: Record<Kind, number>; p99: Record<Kind, number | null> };
    for (const k of KINDS) {
      const w = rec[k].win;
      row.ok[k] = w.ok;
      row.refused[k] = w.refused;
      row.errors[k] = w.errors;
      row.p99[k] = w.lat.length ? pct(Float64Array.from(w.lat).sort(), 99) : null;
      rec[k].win = { ok: 0, refused: 0, errors: 0, lat: [] };
    }
    windows.push(row);
  };

  const cpu0 = process.cpuUsage();
  const startedAt = Date.now();
  const t0 = performance.now();
  const sentSoFar: Record<Kind, number> = { capture: 0, trace: 0, fsma204: 0, recall: 0 };
  let nextWindow = t0 + args.windowS * 1000;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      const elapsed = (now - t0) / 1000;
      if (now >= nextWindow) {
        closeWindow();
        nextWindow += args.windowS * 1000;
      }
      if (elapsed >= args.seconds) return resolve();
      for (const k of KINDS) {
        const due = Math.floor(elapsed * args.rates[k]);
        // After a stall of the client itself (GC, a busy core) the backlog is sent, up to a second's
        // worth; beyond that the sends are counted as skipped, never silently lost.
        const from = Math.max(sentSoFar[k], due - Math.ceil(args.rates[k]));
        rec[k].skipped += from - sentSoFar[k];
        for (let n = from; n < due; n++) senders[k]();
        sentSoFar[k] = due;
      }
      setTimeout(tick, 5);
    };
    tick();
  });
  // Wait for every answer (or its timeout).
  const deadline = performance.now() + args.timeoutMs + 5000;
  while (KINDS.some((k) => rec[k].outstanding > 0) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  closeWindow();
  for (const k of KINDS) if (rec[k].outstanding > 0) rec[k].error(`${rec[k].outstanding} ${k} requests never answered`);
  for (const lots of pendingLots) unknownLots.push(...lots);
  for (const a of Object.values(agents)) a.destroy();
  writeFileSync(args.ackFile, acked.join('\n') + (acked.length ? '\n' : ''));
  writeFileSync(args.refusedFile, refusedLots.join('\n') + (refusedLots.length ? '\n' : ''));
  writeFileSync(args.unknownFile, unknownLots.join('\n') + (unknownLots.length ? '\n' : ''));
  const cpu = process.cpuUsage(cpu0);
  return {
    startedAt,
    seconds: (performance.now() - t0) / 1000,
    kinds: Object.fromEntries(KINDS.map((k) => [k, rec[k].result()])) as Record<Kind, KindResult>,
    windows,
    ackedEvents,
    refusedEvents,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const args = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as ClientArgs;
  const result = await runClients(args);
  appendFileSync(1, JSON.stringify(result) + '\n');
}
