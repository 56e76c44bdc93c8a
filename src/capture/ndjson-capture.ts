/**
 * The capture half of an NDJSON import: lines → captured events, in file order, in batches,
 * with the issues of bad lines. Shared by the import on the main thread and by the capture
 * worker thread (`ndjson-capture-worker.ts`), so that both read a file exactly the same way.
 */
import { createReadStream } from 'node:fs';
import type { Issue } from '../domain/errors.js';
import { LotlineError } from '../domain/errors.js';
import type { CapturedEvent } from '../store/event-store.js';
import { enforceInputLimits } from './input-limits.js';
import { readNativeValue } from './native/read-native-line.js';

export const MAX_LINE_BYTES = 16 * 1024 * 1024;
/** At most this many issues are reported for one file; reading stops there. */
export const MAX_FILE_ISSUES = 100;

/** Consecutive lines of a file, captured: the events with their line numbers, and the issues found. */
export interface NdjsonBatch {
  readonly events: CapturedEvent[];
  /** `lines[i]` is the 1-based line of `events[i]`. */
  readonly lines: number[];
  /** Issues of the bad lines among them, each with file, line and index. */
  readonly issues: Issue[];
  /** Bytes of the file read so far. */
  readonly bytesRead: number;
}

/**
 * Reads `file` line by line and yields batches of up to `batchEvents` events (a batch that ends
 * the file, or reaches `MAX_FILE_ISSUES` issues in all, may be shorter). Memory holds one batch.
 */
export async function* captureNdjson(file: string, batchEvents: number): AsyncGenerator<NdjsonBatch> {
  let bytesRead = 0;
  let issueCount = 0;
  let events: CapturedEvent[] = [];
  let lines: number[] = [];
  let issues: Issue[] = [];
  let lineNo = 0;
  for await (const raw of readLines(file, (n) => (bytesRead = n))) {
    lineNo++;
    // a byte-order mark, as some Windows tools write, is not part of the first line's JSON
    const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      issues.push({ path: '$', reason: `not valid JSON: ${e instanceof Error ? e.message : String(e)}`, file, line: lineNo, index: lineNo - 1 });
      issueCount++;
    }
    if (value !== undefined) {
      // a line too deep or with a field too long stops the import with its own code (nothing is stored)
      enforceInputLimits(value, `${file}: line ${lineNo}: `, '$', { file, line: lineNo, index: lineNo - 1 });
      const found: Issue[] = [];
      const ev = readNativeValue(value, found);
      for (const i of found) issues.push({ ...i, file, line: lineNo, index: lineNo - 1 });
      issueCount += found.length;
      if (ev) {
        events.push(ev);
        lines.push(lineNo);
      }
    }
    if (issueCount >= MAX_FILE_ISSUES) break;
    if (events.length >= batchEvents) {
      yield { events, lines, issues, bytesRead };
      events = [];
      lines = [];
      issues = [];
    }
  }
  if (events.length > 0 || issues.length > 0) yield { events, lines, issues, bytesRead };
}

/** Splits a file into lines without ever holding more than one line (bounded) in memory. */
async function* readLines(file: string, onBytes: (n: number) => void): AsyncGenerator<string> {
  const stream = createReadStream(file);
  let parts: Buffer[] = [];
  let partBytes = 0;
  let total = 0;
  let lineNo = 1;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length;
      onBytes(total);
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(10, start);
        if (nl < 0) break;
        parts.push(chunk.subarray(start, nl));
        yield Buffer.concat(parts).toString('utf8').replace(/\r$/, '');
        lineNo++;
        parts = [];
        partBytes = 0;
        start = nl + 1;
      }
      if (start < chunk.length) {
        parts.push(chunk.subarray(start));
        partBytes += chunk.length - start;
        if (partBytes > MAX_LINE_BYTES) {
          throw new LotlineError('INPUT_TOO_LARGE', `${file}: line ${lineNo} is longer than ${formatBytes(MAX_LINE_BYTES)}; an NDJSON line holds one event`);
        }
      }
    }
    if (parts.length > 0) yield Buffer.concat(parts).toString('utf8').replace(/\r$/, '');
  } finally {
    stream.destroy();
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}
