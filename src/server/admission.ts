/**
 * Server-wide back-pressure. Each costly request belongs to a load class with its own bound, so
 * that a flood of scans cannot starve a quality manager's recall, nor a burst of reports the
 * scanners: past its bound a request is refused at once (429 OVERLOADED, Retry-After) before its
 * body is read, instead of queueing without end until memory or every client's timeout runs out.
 *
 * Why 429 and not 503: the server is healthy and answering, it only asks clients to slow down. A
 * load balancer or proxy counts 503s as a sick instance and takes it out of rotation, which moves
 * the whole load onto the others (the cascade back-pressure is meant to prevent); 503 stays
 * reserved for a store that is down (STORE_*) and for shutdown (SHUTTING_DOWN). Every client that
 * retries RATE_LIMITED already waits as Retry-After says, and does the same here.
 */
import { LotlineError } from '../domain/errors.js';

/** The classes a request can count against; any other request is never refused here. */
export const LOAD_CLASSES = ['capture', 'query'] as const;
export type LoadClass = (typeof LOAD_CLASSES)[number];

export interface LoadLimits {
  /** Capture requests (POST /events, /epcis/capture, /scan) being handled at once. */
  readonly captureRequests: number;
  /** Events accepted by the writer and not yet durable, from every input (HTTP, MQTT, file drops). */
  readonly captureQueueEvents: number;
  /** Reads being handled at once: traces, lots, reports, searches, recall and mock recall scopes. */
  readonly queryRequests: number;
  /**
   * Median event-loop delay of the last 9 ticks of a 100 ms timer (ms) past which both classes are refused; 0: no
   * such bound. The bounds above count requests the server has read; a server short of CPU reads
   * them too slowly for those counts to grow, and its backlog waits unseen in the kernel: the delay
   * of its own timers is what shows it.
   */
  readonly maxLagMs: number;
}

/**
 * Far above what the capture benchmark's 10 connections or a plant's scanners reach, well below
 * what exhausts memory. 5,000 queued events are about 1 s of SQLite's group commit on an idle 2-core
 * machine, 10 s with a ninth of a core: within a client's 30 s timeout. (The load soak showed
 * 256 requests and 20,000 events let in more than a starved server works off in 30 s.)
 */
export const DEFAULT_LOAD_LIMITS: LoadLimits = { captureRequests: 64, captureQueueEvents: 5000, queryRequests: 32, maxLagMs: 1000 };

/** Seconds a refused client is asked to wait: the capture queue drains in about that. */
export const OVERLOADED_RETRY_AFTER_S = 1;

const API = '/api/v1';
const CAPTURE_ROUTES = new Set([`POST ${API}/events`, `POST ${API}/epcis/capture`, `POST ${API}/scan`]);
/** Reads that are cheap or long-lived (the live stream stays open for hours) are not counted. */
const UNCOUNTED_READS = new Set([`${API}/stream`, `${API}/session`, `${API}/openapi.json`, `${API}/docs`]);
/** Writes that compute like a report: the scope of a recall or mock recall. */
const QUERY_WRITES = new Set([`POST ${API}/recalls`, `POST ${API}/mock-recalls`]);

/** The class of a request from its method and route pattern (`/api/v1/trace/forward`); undefined when it is never refused. */
export function loadClassOf(method: string, route: string | undefined): LoadClass | undefined {
  if (route === undefined || !route.startsWith(`${API}/`)) return undefined;
  const key = `${method} ${route}`;
  if (CAPTURE_ROUTES.has(key)) return 'capture';
  if (QUERY_WRITES.has(key)) return 'query';
  if ((method === 'GET' || method === 'HEAD') && !UNCOUNTED_READS.has(route)) return 'query';
  return undefined;
}

/** A request let in: `release` once its answer is done (further calls do nothing). */
export interface Admitted {
  release(): void;
}

export interface AdmissionStats {
  readonly inFlight: Readonly<Record<LoadClass, number>>;
  readonly refused: Readonly<Record<LoadClass, number>>;
  readonly queuedEvents: number;
  /** Median event-loop delay of the last ticks (ms), EventLoopLag. */
  readonly lagMs: number;
}

/**
 * The event loop's recent delay: a timer every `everyMs` notes how late it fired, and the median
 * of the last `samples` is the figure. The median of samples, not of a time window: one long
 * synchronous task (a large report, a test building a plant) is one late sample among nine and
 * refuses nothing; a server starved of CPU is late at every tick.
 */
export class EventLoopLag {
  private readonly recent: number[] = [];
  private readonly timer: NodeJS.Timeout;
  private expected: number;

  constructor(
    private readonly everyMs = 100,
    private readonly samples = 9,
  ) {
    this.expected = performance.now() + everyMs;
    this.timer = setInterval(() => {
      const now = performance.now();
      this.recent.push(Math.max(0, now - this.expected));
      if (this.recent.length > this.samples) this.recent.shift();
      this.expected = now + this.everyMs;
    }, everyMs);
    this.timer.unref();
  }

  /** Median delay of the last samples (ms); 0 before the first. */
  ms(): number {
    if (this.recent.length === 0) return 0;
    const sorted = [...this.recent].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export class AdmissionControl {
  private readonly inFlight: Record<LoadClass, number> = { capture: 0, query: 0 };
  private readonly refused: Record<LoadClass, number> = { capture: 0, query: 0 };

  /** `queuedEvents`: the writer's events accepted and not yet durable; `lagMs`: the event loop's recent delay. */
  constructor(
    readonly limits: LoadLimits,
    private readonly queuedEvents: () => number,
    private readonly lagMs: () => number = () => 0,
  ) {
    for (const [name, value] of Object.entries(limits)) {
      const min = name === 'maxLagMs' ? 0 : 1;
      if (!Number.isInteger(value) || value < min) throw new LotlineError('USAGE', `the load limit ${name} must be a whole number of at least ${min} (got ${String(value)})`);
    }
  }

  /** Lets a request of `cls` in, or throws OVERLOADED saying which bound it met. */
  admit(cls: LoadClass): Admitted {
    const refusal = this.refusal(cls);
    if (refusal !== undefined) {
      this.refused[cls]++;
      throw new LotlineError('OVERLOADED', `${refusal}; nothing of this request was read or stored: send it again after ${OVERLOADED_RETRY_AFTER_S} s (Retry-After)`);
    }
    this.inFlight[cls]++;
    let done = false;
    return {
      release: () => {
        if (done) return;
        done = true;
        this.inFlight[cls]--;
      },
    };
  }

  stats(): AdmissionStats {
    return { inFlight: { ...this.inFlight }, refused: { ...this.refused }, queuedEvents: this.queuedEvents(), lagMs: this.lagMs() };
  }

  private refusal(cls: LoadClass): string | undefined {
    const lag = this.limits.maxLagMs > 0 ? this.lagMs() : 0;
    if (lag > this.limits.maxLagMs) return `the server is short of CPU: its event loop's timer fired ${Math.round(lag)} ms late (median of its last ticks), past its bound (--max-lag ${this.limits.maxLagMs})`;
    if (cls === 'capture') {
      if (this.inFlight.capture >= this.limits.captureRequests) return `the server is handling ${this.inFlight.capture} capture requests, its bound (--max-captures ${this.limits.captureRequests})`;
      // A request larger than the bound is still let in when the queue is below it: it is never refused for ever.
      const queued = this.queuedEvents();
      if (queued >= this.limits.captureQueueEvents) return `the server has ${queued} events waiting to be written, past its bound (--max-capture-queue ${this.limits.captureQueueEvents})`;
      return undefined;
    }
    if (this.inFlight.query >= this.limits.queryRequests) return `the server is answering ${this.inFlight.query} traces, reports and reads, its bound (--max-queries ${this.limits.queryRequests})`;
    return undefined;
  }
}
