/**
 * The gap rules inside a long-running server: immediate rules on every event stored after the
 * server started (following the log by position, so captures by other processes count too), and
 * every rule on a schedule — the window rules need it, and the immediate ones then also cover what
 * was stored while the server was down. The scheduled run is incremental (scheduled-gap-run.ts):
 * it reads only what changed since the watermark of the last run, kept in the quality store so a
 * restart neither redoes nor misses work. Runs never overlap; a failed run is logged, leaves the
 * watermark where it was, and the next one tries again.
 */
import type { EventStore } from '../store/event-store.js';
import type { FindingSink } from './finding.js';
import type { QualityConfig } from './quality-config.js';
import type { GapWatermark, QualityStore } from './quality-store.js';
import { runImmediateRules } from './run-gap-rules.js';
import { runScheduledGapRules } from './scheduled-gap-run.js';

/** Where the watermark of the scheduled runs is kept (the quality store; in memory when none). */
export type WatermarkStore = Pick<QualityStore, 'getGapWatermark' | 'putGapWatermark'>;

/** A watermark kept in memory: every start of the server begins with a whole-plant run. */
export function memoryWatermarks(): WatermarkStore {
  let w: GapWatermark | undefined;
  return {
    getGapWatermark: async () => w,
    putGapWatermark: async (next) => {
      w = next;
    },
  };
}

const PAGE = 5000;
/**
 * Captures within this many ms share one pass of the immediate rules: at thousands of captures a
 * second a pass per capture would cost the capture path a third of its throughput, while a
 * finding a fifth of a second later is still immediate for the people it alerts.
 */
export const IMMEDIATE_BATCH_MS = 200;

export interface MonitorLog {
  error(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export class GapMonitor {
  private lastSeq = 0;
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private scheduledPending = false;
  private followTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly config: QualityConfig,
    private readonly sink: FindingSink,
    private readonly log: MonitorLog,
    private readonly watermarks: WatermarkStore = memoryWatermarks(),
  ) {}

  /** Starts following the log from its current end and schedules the window rules. */
  async start(): Promise<void> {
    this.lastSeq = await this.store.headSeq();
    this.timer = setInterval(() => {
      // a run longer than the interval does not queue up more runs behind it
      if (!this.scheduledPending) void this.runScheduled();
    }, this.config.scheduleMs);
    this.timer.unref();
  }

  /** Runs the immediate rules, shortly, on every event stored since the last pass (call it after each capture). */
  afterCapture(): void {
    // Captures in quick succession share one pass, which reads every event stored since the last.
    if (this.followTimer !== undefined || this.stopped) return;
    this.followTimer = setTimeout(() => {
      this.followTimer = undefined;
      void this.enqueue(() => this.followLog(), 'immediate gap rules failed');
    }, IMMEDIATE_BATCH_MS);
  }

  /** Runs every rule over what changed since the last run (the whole plant the first time) now; the schedule calls it. */
  runScheduled(options: { nowMs?: number } = {}): Promise<void> {
    this.scheduledPending = true;
    return this.enqueue(async () => {
      this.scheduledPending = false;
      const started = Date.now();
      const run = await runScheduledGapRules(this.store, this.config, await this.watermarks.getGapWatermark(), options);
      await this.sink.report(run.findings);
      // only once the findings are recorded: a crash before this redoes the run, it never skips it
      await this.watermarks.putGapWatermark(run.watermark);
      // every event up to the watermark was judged: the immediate rules need not look at them again
      this.lastSeq = Math.max(this.lastSeq, run.watermark.seq);
      this.log.info({ mode: run.mode, newEvents: run.newEvents, judgedLots: run.judgedLots, findings: run.findings.length, ms: Date.now() - started }, 'scheduled gap rules ran');
    }, 'scheduled gap rules failed');
  }

  private async followLog(): Promise<void> {
    for (;;) {
      const rows = await this.store.queryEvents({ afterSeq: this.lastSeq, limit: PAGE });
      if (rows.length === 0) return;
      await this.sink.report(await runImmediateRules(this.store, this.config, rows.map((r) => r.seq)));
      this.lastSeq = rows[rows.length - 1]!.seq;
      if (rows.length < PAGE) return;
    }
  }

  /** Stops the schedule and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.followTimer) clearTimeout(this.followTimer);
    await this.chain;
  }

  private enqueue(job: () => Promise<void>, failure: string): Promise<void> {
    this.chain = this.chain.then(async () => {
      if (this.stopped) return;
      try {
        await job();
      } catch (e) {
        this.log.error({ err: e }, failure);
      }
    });
    return this.chain;
  }
}
