/**
 * Runs the capture of an NDJSON file (`captureNdjson`) on a worker thread, and hands its
 * batches back in file order: the same batches, the same issues and errors, as on the calling
 * thread. On two cores the importer writes one batch while the worker captures the next.
 */
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ErrorCode, Issue } from '../domain/errors.js';
import { LotlineError } from '../domain/errors.js';
import type { EventFacts, RawEvent } from '../domain/event-facts.js';
import type { CapturedEvent } from '../store/event-store.js';
import type { NdjsonBatch } from './ndjson-capture.js';

/** Below this size a file is captured on the importing thread: starting a worker costs more than it saves. */
export const CAPTURE_THREAD_MIN_BYTES = 4 * 1024 * 1024;
/** Batches the worker may post ahead of the importer. */
const IN_FLIGHT = 3;

export interface CaptureWorkerData {
  readonly file: string;
  readonly batchEvents: number;
  readonly inFlight: number;
}

/** A captured event as it crosses threads: the body as its canonical JSON. */
export interface TransferredEvent {
  readonly eventId: string;
  readonly facts: EventFacts;
  readonly fingerprint: string;
  readonly canonicalBody: string;
}

export interface WorkerBatch {
  readonly kind: 'batch';
  readonly events: TransferredEvent[];
  readonly lines: number[];
  readonly issues: Issue[];
  readonly bytesRead: number;
}

export type WorkerMessage =
  | WorkerBatch
  | { readonly kind: 'end' }
  | { readonly kind: 'error'; readonly code?: ErrorCode; readonly message: string; readonly issues?: Issue[]; readonly stack?: string | undefined };

/**
 * Whether a file of `size` bytes is worth a capture thread on this machine. Writing to SQLite
 * keeps the importing thread busy, so the capture thread needs a core that is free: on cores busy
 * with other work it only adds the cost of handing events over (measured: a plant-year 1.27×
 * slower with the load average at 15 on 2 cores). A PostgreSQL importer mostly waits on the
 * server, and the capture overlaps with that wait even then (1.6× faster under the same load).
 */
export function captureThreadWorthIt(size: number, writesOnServer = false, cores = availableParallelism(), load = loadavg()[0]!): boolean {
  return size >= CAPTURE_THREAD_MIN_BYTES && cores >= 2 && (writesOnServer || load <= cores - 1);
}

/** A CapturedEvent rebuilt from its transfer: the body object is parsed back only if something asks for it. */
class ReceivedEvent implements CapturedEvent {
  readonly eventId: string;
  readonly facts: EventFacts;
  readonly fingerprint: string;
  readonly canonicalBody: string;
  private parsed: RawEvent | undefined;

  constructor(t: TransferredEvent) {
    this.eventId = t.eventId;
    this.facts = t.facts;
    this.fingerprint = t.fingerprint;
    this.canonicalBody = t.canonicalBody;
  }

  get body(): RawEvent {
    return (this.parsed ??= JSON.parse(this.canonicalBody) as RawEvent);
  }
}

function startWorker(data: CaptureWorkerData): Worker {
  const self = import.meta.url;
  if (self.endsWith('.ts')) {
    // From TypeScript sources (tests, tsx): a worker does not inherit the loader's hooks, so it
    // registers tsx itself before it loads the worker module.
    const url = new URL('./ndjson-capture-worker.ts', self).href;
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url)}); })`;
    return new Worker(boot, { eval: true, workerData: data });
  }
  return new Worker(new URL('./ndjson-capture-worker.js', self), { workerData: data });
}

/** `captureNdjson(file, batchEvents)`, run on a worker thread; the worker stops when the caller does. */
export async function* captureNdjsonInThread(file: string, batchEvents: number): AsyncGenerator<NdjsonBatch> {
  const worker = startWorker({ file, batchEvents, inFlight: IN_FLIGHT });
  const queue: WorkerMessage[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  worker.on('message', (m: WorkerMessage) => {
    queue.push(m);
    notify();
  });
  worker.on('error', (e) => {
    failure ??= e;
    notify();
  });
  worker.on('exit', (code) => {
    failure ??= new Error(`the capture thread stopped (exit code ${code}) before the end of ${file}`);
    notify();
  });
  try {
    for (;;) {
      while (queue.length === 0 && failure === undefined) await new Promise<void>((r) => (wake = r));
      const m = queue.shift();
      if (m === undefined) throw failure!;
      if (m.kind === 'end') return;
      if (m.kind === 'error') {
        if (m.code) throw new LotlineError(m.code, m.message, { issues: m.issues ?? [] });
        const e = new Error(m.message);
        if (m.stack) e.stack = m.stack;
        throw e;
      }
      // one batch taken: the worker may capture one more while this one is written
      worker.postMessage(1);
      yield { events: m.events.map((t) => new ReceivedEvent(t)), lines: m.lines, issues: m.issues, bytesRead: m.bytesRead };
    }
  } finally {
    await worker.terminate();
  }
}
