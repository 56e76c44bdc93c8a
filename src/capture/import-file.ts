/**
 * Imports one file — an EPCIS 2.0 JSON/JSON-LD document or a native NDJSON file — as one
 * atomic capture: every event of the file is stored, or none. NDJSON is streamed (memory
 * stays flat whatever the file size); an EPCIS document is parsed whole, up to a size limit.
 */
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import type { Issue } from '../domain/errors.js';
import { LotlineError } from '../domain/errors.js';
import { EVENT_TYPES } from '../domain/event-facts.js';
import type { AppendOutcome, CapturedEvent, CaptureContext, EventStore } from '../store/event-store.js';
import { jsonErrorOffset, lineColumn } from './json-error-position.js';
import { readEpcisDocument } from './epcis/read-epcis-document.js';
import { readNativeValue } from './native/read-native-line.js';
import { appendAtomically, appendChunk, CHUNK_EVENTS } from './capture-events.js';

export const DEFAULT_MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;
export const MAX_LINE_BYTES = 16 * 1024 * 1024;
const MAX_ISSUES = 100;

export interface ImportProgress {
  readonly file: string;
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly events: number;
}

export interface ImportSummary {
  readonly file: string;
  readonly format: 'epcis' | 'ndjson';
  readonly events: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly declared: number;
}

export interface ImportOptions {
  readonly maxDocumentBytes?: number;
  /** Who imports, for the audit trail. */
  readonly context?: CaptureContext;
  readonly onProgress?: (p: ImportProgress) => void;
}

export async function importFile(store: EventStore, file: string, options: ImportOptions = {}): Promise<ImportSummary> {
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new LotlineError('FILE_UNREADABLE', `${file} is not a file`);
    size = s.size;
  } catch (e) {
    if (e instanceof LotlineError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new LotlineError('FILE_NOT_FOUND', `${file}: no such file`, { cause: e });
    throw new LotlineError('FILE_UNREADABLE', `${file}: cannot read it (${code ?? String(e)})`, { cause: e });
  }
  const format = await sniffFormat(file, size);
  return format === 'ndjson' ? importNdjson(store, file, size, options) : importEpcis(store, file, size, options);
}

/** NDJSON when the file says so by its name, or its first line is a complete command or event; else one document. */
async function sniffFormat(file: string, size: number): Promise<'epcis' | 'ndjson'> {
  if (/\.(ndjson|jsonl)$/i.test(file)) return 'ndjson';
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(Math.min(size, 1024 * 1024));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
    const first = head.search(/\S/);
    if (first < 0) throw new LotlineError('INPUT_NOT_JSON', `${file}: the file is empty${size > 0 ? ' (only white space)' : ''}; expected an EPCIS JSON document or NDJSON lines`);
    const c = head[first];
    if (c !== '{') {
      throw new LotlineError('INPUT_NOT_JSON', `${file}: not JSON (it starts with ${JSON.stringify(head.slice(first, first + 16))}); expected an EPCIS 2.0 JSON document or NDJSON lines`);
    }
    const nl = head.indexOf('\n', first);
    if (nl < 0) return 'epcis';
    try {
      // NDJSON when the first line is itself a command or an event; anything else is read as one document
      const v = JSON.parse(head.slice(first, nl)) as Record<string, unknown>;
      return typeof v === 'object' && v !== null && ('cmd' in v || (EVENT_TYPES as readonly unknown[]).includes(v['type'])) ? 'ndjson' : 'epcis';
    } catch {
      return 'epcis';
    }
  } finally {
    await fh.close();
  }
}

function jsonError(file: string, text: string, e: unknown): LotlineError {
  const offset = jsonErrorOffset(text);
  const at = offset >= 0 ? lineColumn(text, offset) : undefined;
  const where = at ? ` at line ${at.line}, column ${at.column}` : '';
  return new LotlineError('INPUT_NOT_JSON', `${file}: not valid JSON${where}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

async function importEpcis(store: EventStore, file: string, size: number, options: ImportOptions): Promise<ImportSummary> {
  const max = options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  if (size > max) {
    throw new LotlineError(
      'INPUT_TOO_LARGE',
      `${file}: the document is ${formatBytes(size)}, over the ${formatBytes(max)} limit for one EPCIS JSON document; split it into several documents, write it as NDJSON (streamed, no limit), or raise the limit with --max-document-size`,
    );
  }
  const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw jsonError(file, text, e);
  }
  const { events, listPath } = readEpcisDocument(doc, file);
  const outcomes = await appendAtomically(store, { label: file, noun: 'file' }, events, listPath, options.context, (done) =>
    options.onProgress?.({ file, bytesRead: Math.round((size * done) / Math.max(1, events.length)), totalBytes: size, events: done }),
  );
  return { file, format: 'epcis', ...tally(outcomes), events: events.length };
}

interface Tally {
  stored: number;
  duplicates: number;
  declared: number;
}

/** Counts outcomes into `into` (a running total: an import never keeps one object per event). */
function tally(outcomes: readonly AppendOutcome[], into: Tally = { stored: 0, duplicates: 0, declared: 0 }): Tally {
  for (const o of outcomes) {
    if (o.status === 'stored') into.stored++;
    else if (o.status === 'duplicate') into.duplicates++;
    else into.declared++;
  }
  return into;
}

async function importNdjson(store: EventStore, file: string, size: number, options: ImportOptions): Promise<ImportSummary> {
  const session = await store.beginCapture(options.context);
  const issues: Issue[] = [];
  const counts: Tally = { stored: 0, duplicates: 0, declared: 0 };
  let pending: CapturedEvent[] = [];
  let pendingLines: number[] = [];
  let events = 0;
  let bytesRead = 0;
  const flush = async (): Promise<void> => {
    if (pending.length === 0 || issues.length > 0) return;
    const lines = pendingLines;
    tally(await appendChunk(session, { label: file, noun: 'file' }, pending, (j) => lines[j]! - 1, '$'), counts);
    pending = [];
    pendingLines = [];
  };
  try {
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
      }
      if (value !== undefined) {
        const found: Issue[] = [];
        const ev = readNativeValue(value, found);
        for (const i of found) issues.push({ ...i, file, line: lineNo, index: lineNo - 1 });
        if (ev) {
          events++;
          pending.push(ev);
          pendingLines.push(lineNo);
        }
      }
      if (issues.length >= MAX_ISSUES) break;
      if (pending.length >= CHUNK_EVENTS) {
        await flush();
        options.onProgress?.({ file, bytesRead, totalBytes: size, events });
      }
    }
    if (issues.length > 0) {
      const first = issues[0]!;
      throw new LotlineError(
        'NATIVE_INVALID_FIELD',
        `${file}: ${issues.length}${issues.length >= MAX_ISSUES ? '+' : ''} invalid field${issues.length === 1 ? '' : 's'}; first: line ${first.line} at ${first.path}: ${first.reason}. Nothing from this file was imported.`,
        { issues },
      );
    }
    await flush();
    await session.commit();
    options.onProgress?.({ file, bytesRead: size, totalBytes: size, events });
    return { file, format: 'ndjson', events, ...counts };
  } catch (e) {
    await session.rollback();
    throw e;
  }
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
