/**
 * Group commit for captures that arrive together (HTTP requests): one write transaction, so one
 * fsync, for every request waiting at that moment, while each keeps its own all-or-nothing result.
 * A durable commit costs a disk flush (a few milliseconds); one per request caps a server at a few
 * hundred requests a second, one per group does not.
 *
 * Requests are grouped only with requests of the same capture context (who, from where), because
 * the log attributes a whole session to one context. When any request of a group fails (an
 * eventID conflict), the group is rolled back and each request runs again on its own, so that
 * only the faulty one fails.
 */
import type { AppendOutcome, CapturedEvent, CaptureContext, EventStore } from '../store/event-store.js';
import type { CaptureSource } from './capture-events.js';
import { appendAtomically, appendChunk } from './capture-events.js';

interface Pending {
  readonly events: readonly CapturedEvent[];
  readonly source: CaptureSource;
  readonly listPath: string;
  readonly context: CaptureContext | undefined;
  readonly key: string;
  resolve(outcomes: AppendOutcome[]): void;
  reject(e: unknown): void;
}

export class GroupCommitter {
  private queue: Pending[] = [];
  private draining = false;
  private idle: Promise<void> = Promise.resolve();
  private resolveIdle: () => void = () => {};
  private pending = 0;

  /** `maxEvents`: a group closes once it holds this many events (bounds the time one transaction takes). */
  constructor(
    private readonly store: EventStore,
    private readonly maxEvents = 5000,
  ) {}

  /** Events submitted and not yet durable nor failed: what back-pressure bounds (src/server/admission.ts). */
  get pendingEvents(): number {
    return this.pending;
  }

  /** Appends the events of one request atomically; resolves once they are durable. */
  submit(events: readonly CapturedEvent[], source: CaptureSource, listPath: string, context?: CaptureContext): Promise<AppendOutcome[]> {
    this.pending += events.length;
    let counted = true;
    const settled = (): void => {
      if (counted) this.pending -= events.length;
      counted = false;
    };
    return new Promise<AppendOutcome[]>((resolve, reject) => {
      this.queue.push({
        events,
        source,
        listPath,
        context,
        key: JSON.stringify([context?.actor ?? null, context?.origin ?? null]),
        resolve: (outcomes) => (settled(), resolve(outcomes)),
        reject: (e) => (settled(), reject(e)),
      });
      if (!this.draining) {
        this.draining = true;
        this.idle = new Promise((r) => (this.resolveIdle = r));
        // After the I/O callbacks of this turn: requests that arrived together are grouped.
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Resolves when every submitted capture has finished (graceful shutdown). */
  whenIdle(): Promise<void> {
    return this.idle;
  }

  private takeGroup(): Pending[] {
    const first = this.queue[0]!;
    const group: Pending[] = [];
    const rest: Pending[] = [];
    let events = 0;
    for (const p of this.queue) {
      if (p.key === first.key && (group.length === 0 || events + p.events.length <= this.maxEvents)) {
        group.push(p);
        events += p.events.length;
      } else rest.push(p);
    }
    this.queue = rest;
    return group;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.takeGroup();
        if (group.length === 1 || !(await this.commitGroup(group))) {
          for (const p of group) await this.runAlone(p);
        }
      }
    } finally {
      this.draining = false;
      this.resolveIdle();
    }
  }

  /** True when the whole group was stored; false (rolled back) when one request failed. */
  private async commitGroup(group: readonly Pending[]): Promise<boolean> {
    let session;
    try {
      session = await this.store.beginCapture(group[0]!.context);
    } catch {
      return false;
    }
    const results: AppendOutcome[][] = [];
    try {
      for (const p of group) results.push(await appendChunk(session, p.source, p.events, (j) => j, p.listPath));
      await session.commit();
    } catch {
      await session.rollback();
      return false;
    }
    group.forEach((p, i) => p.resolve(results[i]!));
    return true;
  }

  private async runAlone(p: Pending): Promise<void> {
    try {
      p.resolve(await appendAtomically(this.store, p.source, p.events, p.listPath, p.context));
    } catch (e) {
      p.reject(e);
    }
  }
}
