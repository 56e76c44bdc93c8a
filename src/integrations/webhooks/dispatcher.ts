/**
 * Outbound webhooks. Capture never waits for them: the dispatcher follows the event log by
 * position (so it sees captures of this server, of the CLI and of other servers alike), queues one
 * delivery per matching subscription in the outbox together with its new log cursor, and a
 * background loop sends what is due — signed, retried with exponential backoff and jitter, and
 * moved to the dead-letter list after the last attempt. Other modules send notifications (not
 * events) through the same subscriptions with `notify(kind, payload)`.
 */
import { randomUUID } from 'node:crypto';
import { partyOrPlace } from '../../capture/native/native-to-epcis.js';
import { refJson } from '../../genealogy/trace.js';
import type { EventRow, EventStore } from '../../store/event-store.js';
import type { Delivery, IntegrationStore, NewDelivery, WebhookSubscription } from '../integration-store.js';
import { DELIVERY_HEADER, KIND_HEADER, sign, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signing.js';
import { EVENT_KIND } from './subscriptions.js';

export interface DispatcherOptions {
  /** How often the loop looks for new events and due deliveries (ms). */
  readonly pollMs?: number;
  /** Attempts before a delivery goes to the dead-letter list. */
  readonly maxAttempts?: number;
  /** Wait after the first failure (ms); doubled after each further one. */
  readonly baseDelayMs?: number;
  /** Longest wait between two attempts (ms). */
  readonly maxDelayMs?: number;
  /** A receiver that has not answered by then has failed (ms). */
  readonly timeoutMs?: number;
  readonly onError?: (e: unknown) => void;
  /** For tests: the jitter's random source. */
  readonly random?: () => number;
}

export const DEFAULT_DISPATCH = { pollMs: 1000, maxAttempts: 8, baseDelayMs: 2000, maxDelayMs: 3_600_000, timeoutMs: 10_000 } as const;
const BATCH_EVENTS = 500;
const BATCH_DELIVERIES = 20;

/** The wait before attempt `attempts + 1`: base·2^(attempts−1), capped, then between half and all of it (jitter). */
export function backoffMs(attempts: number, base: number, max: number, random: () => number = Math.random): number {
  const full = Math.min(max, base * 2 ** Math.max(0, attempts - 1));
  return Math.round(full / 2 + (random() * full) / 2);
}

function bizStepMatches(step: string | null, wanted: readonly string[]): boolean {
  if (step === null) return false;
  return wanted.some((w) => step === w || step.endsWith(`-${w}`) || step.endsWith(`/${w}`) || step.endsWith(`:${w}`));
}

export class WebhookDispatcher {
  private readonly opts: Required<Omit<DispatcherOptions, 'onError' | 'random'>>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private again = false;
  private lastRoundEnd = 0;
  /** The least time between two rounds (ms): a tenth of a second, or the poll interval when shorter. */
  private readonly minGapMs: number;
  /** Aborts the requests in flight at shutdown: they go back to the queue as they were. */
  private readonly inFlight = new AbortController();

  constructor(
    private readonly store: EventStore,
    private readonly integrations: IntegrationStore,
    private readonly options: DispatcherOptions = {},
  ) {
    this.opts = {
      pollMs: options.pollMs ?? DEFAULT_DISPATCH.pollMs,
      maxAttempts: options.maxAttempts ?? DEFAULT_DISPATCH.maxAttempts,
      baseDelayMs: options.baseDelayMs ?? DEFAULT_DISPATCH.baseDelayMs,
      maxDelayMs: options.maxDelayMs ?? DEFAULT_DISPATCH.maxDelayMs,
      timeoutMs: options.timeoutMs ?? DEFAULT_DISPATCH.timeoutMs,
    };
    this.minGapMs = Math.min(100, this.opts.pollMs);
  }

  /** Queues a notification (not an event) for every active subscription that lists `kind`; returns how many. */
  async notify(kind: string, payload: unknown): Promise<number> {
    const subs = (await this.integrations.listSubscriptions()).filter((s) => s.active && s.types.includes(kind));
    const now = Date.now();
    const deliveries = subs.map((s) => this.delivery(s, kind, payload, now));
    await this.integrations.enqueue(deliveries, now);
    this.wake();
    return deliveries.length;
  }

  private delivery(s: WebhookSubscription, kind: string, data: unknown, nowMs: number): NewDelivery {
    const id = randomUUID();
    return { id, subscriptionId: s.id, kind, body: JSON.stringify({ id, type: kind, createdAt: new Date(nowMs).toISOString(), subscription: s.id, data }) };
  }

  /**
   * Queues deliveries for the events stored since the last call; returns how many. The first call
   * on a database starts at the end of the log: subscribers get what is stored from then on.
   */
  async scan(): Promise<number> {
    let queued = 0;
    for (;;) {
      const cursor = await this.integrations.eventCursor();
      if (cursor < 0) {
        await this.integrations.enqueueFromLog(-1, await this.store.headSeq(), [], Date.now());
        continue;
      }
      const subs = (await this.integrations.listSubscriptions()).filter((s) => s.active && s.types.includes(EVENT_KIND));
      if (subs.length === 0) {
        // Nobody wants events: move the cursor to the end without reading them (one small write a round).
        const head = await this.store.headSeq();
        if (head > cursor) await this.integrations.enqueueFromLog(cursor, head, [], Date.now());
        return queued;
      }
      const rows = await this.store.queryEvents({ afterSeq: cursor, limit: BATCH_EVENTS });
      if (rows.length === 0) return queued;
      const now = Date.now();
      const deliveries = subs.length === 0 ? [] : await this.eventDeliveries(rows, subs, now);
      if (await this.integrations.enqueueFromLog(cursor, rows[rows.length - 1]!.seq, deliveries, now)) queued += deliveries.length;
      if (rows.length < BATCH_EVENTS) return queued;
    }
  }

  private async eventDeliveries(rows: readonly EventRow[], subs: readonly WebhookSubscription[], now: number): Promise<NewDelivery[]> {
    const seqs = rows.map((r) => r.seq);
    const objects = await this.store.eventObjectsOfEvents(seqs);
    const nodes = new Map((await this.store.nodesById([...new Set(objects.map((o) => o.node))])).map((n) => [n.id, n.ref]));
    const bodies = await this.store.eventBodies(seqs);
    const out: NewDelivery[] = [];
    for (const r of rows) {
      const mine = objects.filter((o) => o.seq === r.seq).map((o) => ({ ref: nodes.get(o.node)!, role: o.role, quantity: o.quantity, uom: o.uom }));
      const items = new Set(mine.flatMap((o) => ('item' in o.ref ? [o.ref.item, o.ref.item.padStart(14, '0')] : [])));
      const data = {
        seq: r.seq,
        eventId: r.eventId,
        eventType: r.type,
        bizStep: r.bizStep,
        eventTime: r.eventTime,
        recordTime: r.recordTime,
        objects: mine.map((o) => ({ ...refJson(o.ref), kind: o.ref.kind, role: o.role, quantity: o.quantity, uom: o.uom })),
        epcis: bodies.get(r.seq),
      };
      for (const s of subs) {
        const f = s.filter;
        if (f.bizSteps && !bizStepMatches(r.bizStep, f.bizSteps)) continue;
        if (f.items && !f.items.some((i) => items.has(i) || items.has(i.padStart(14, '0')))) continue;
        if (f.sites && !f.sites.map((site) => partyOrPlace(site, 'location')).some((u) => u === r.bizLocation || u === r.readPoint)) continue;
        out.push(this.delivery(s, EVENT_KIND, data, now));
      }
    }
    return out;
  }

  /** Sends every delivery due now (one pass); returns how many were attempted. */
  async deliverDue(): Promise<number> {
    let attempted = 0;
    for (;;) {
      const now = Date.now();
      // Leased for longer than one attempt can take: a process that dies mid-send leaves them to be sent again.
      const due = await this.integrations.claimDue(now, this.opts.timeoutMs * 3, BATCH_DELIVERIES);
      if (due.length === 0) return attempted;
      await Promise.all(due.map((d) => this.attempt(d)));
      attempted += due.length;
      if (due.length < BATCH_DELIVERIES) return attempted;
    }
  }

  private async attempt(d: Delivery): Promise<void> {
    const sub = await this.integrations.getSubscription(d.subscriptionId);
    const attempts = d.attempts + 1;
    let error: string;
    if (!sub) return;
    try {
      const ts = Math.floor(Date.now() / 1000);
      const res = await fetch(sub.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Lotline-Webhooks/1', [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: sign(sub.secret, ts, d.body), [DELIVERY_HEADER]: d.id, [KIND_HEADER]: d.kind },
        body: d.body,
        redirect: 'manual',
        signal: AbortSignal.any([this.inFlight.signal, AbortSignal.timeout(this.opts.timeoutMs)]),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) {
        await this.integrations.markDelivered(d.id, attempts, new Date().toISOString());
        return;
      }
      error = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
    } catch (e) {
      if (this.inFlight.signal.aborted) {
        // Shutdown, not the receiver's fault: due again at once for the next process, attempts unchanged.
        await this.integrations.markFailed(d.id, d.attempts, d.lastError ?? 'interrupted by a shutdown', Date.now());
        return;
      }
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      error = (e as Error).name === 'TimeoutError' ? `no answer within ${this.opts.timeoutMs} ms` : `${(e as Error).message}${cause ? ` (${cause})` : ''}`;
    }
    const dead = attempts >= this.opts.maxAttempts;
    await this.integrations.markFailed(d.id, attempts, error, dead ? null : Date.now() + backoffMs(attempts, this.opts.baseDelayMs, this.opts.maxDelayMs, this.options.random));
  }

  /** One round: queue new events, send what is due. */
  async runOnce(): Promise<void> {
    await this.scan();
    await this.deliverDue();
  }

  /** Starts the background loop (serve). */
  start(): void {
    this.stopped = false;
    this.wake();
  }

  /**
   * Runs a round soon (after a capture through this server, or a notification). Rounds start at
   * least `minGapMs` apart: under a stream of captures, a round per capture would take the store's
   * write lock as often as the captures do and halve their throughput, while deliveries a tenth of
   * a second later are just as useful.
   */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const wait = this.lastRoundEnd + this.minGapMs - Date.now();
    if (this.timer) clearTimeout(this.timer);
    if (wait > 0) {
      this.timer = setTimeout(() => this.wake(), wait);
      return;
    }
    this.running = (async () => {
      this.again = false;
      try {
        await this.runOnce();
      } catch (e) {
        this.options.onError?.(e);
      }
    })().finally(() => {
      this.running = undefined;
      this.lastRoundEnd = Date.now();
      if (this.stopped) return;
      if (this.again) this.wake();
      else this.timer = setTimeout(() => this.wake(), this.opts.pollMs);
    });
  }

  /** Stops the loop and waits for the round in progress (queued deliveries stay in the outbox). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.inFlight.abort();
    await this.running;
  }
}
