/**
 * The capture worker thread of a large NDJSON import: reads the file, captures every line
 * (parse, validate, native → EPCIS, facts, hashes) and the canonical JSON of each body, and
 * posts the batches to the importing thread in file order. The importing thread keeps the
 * single writer: the hash chain, the append rules and the transaction stay there.
 *
 * Flow control: at most `inFlight` batches are posted ahead of the importer; each message from
 * the importer allows one more, so memory stays bounded whatever the file's size.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { canonicalJson } from '../domain/canonical-json.js';
import { LotlineError } from '../domain/errors.js';
import { captureNdjson } from './ndjson-capture.js';
import type { CaptureWorkerData, WorkerBatch, WorkerMessage } from './ndjson-capture-thread.js';

const port = parentPort!;
const { file, batchEvents, inFlight } = workerData as CaptureWorkerData;
let credit = inFlight;
let wake: (() => void) | undefined;
port.on('message', () => {
  credit++;
  wake?.();
});

try {
  for await (const b of captureNdjson(file, batchEvents)) {
    while (credit === 0) await new Promise<void>((r) => (wake = r));
    credit--;
    const batch: WorkerBatch = {
      kind: 'batch',
      // the body travels as its canonical JSON (what the log stores), not as an object
      events: b.events.map((e) => ({ eventId: e.eventId, facts: e.facts, fingerprint: e.fingerprint, canonicalBody: canonicalJson(e.body) })),
      lines: b.lines,
      issues: b.issues,
      bytesRead: b.bytesRead,
    };
    port.postMessage(batch satisfies WorkerMessage);
  }
  port.postMessage({ kind: 'end' } satisfies WorkerMessage);
} catch (e) {
  const failure: WorkerMessage =
    e instanceof LotlineError
      ? { kind: 'error', code: e.code, message: e.message, issues: [...e.issues] }
      : { kind: 'error', message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined };
  port.postMessage(failure);
}
port.close();
