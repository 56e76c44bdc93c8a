/**
 * Imports one file — an EPCIS 2.0 JSON/JSON-LD document or a native NDJSON file — as one
 * atomic capture: every event of the file is stored, or none. NDJSON is streamed (memory
 * stays flat whatever the file size); an EPCIS document is parsed whole, up to a size limit.
 */
import { open, readFile, stat } from 'node:fs/promises';
import type { Issue } from '../domain/errors.js';
import { LotlineError } from '../domain/errors.js';
import { EVENT_TYPES } from '../domain/event-facts.js';
import type { AppendOutcome, CaptureContext, EventStore } from '../store/event-store.js';
import { jsonErrorOffset, lineColumn } from './json-error-position.js';
import { readEpcisDocument } from './epcis/read-epcis-document.js';
import { appendAtomically, appendChunk, CHUNK_EVENTS } from './capture-events.js';
import { captureNdjson, formatBytes, MAX_FILE_ISSUES } from './ndjson-capture.js';
import { captureNdjsonInThread, captureThreadWorthIt } from './ndjson-capture-thread.js';

export { formatBytes, MAX_LINE_BYTES } from './ndjson-capture.js';

export const DEFAULT_MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

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
  /**
   * NDJSON: capture (parse, validate, hashes, canonical JSON) on a worker thread while this
   * thread writes. Default: for files of 4 MiB and more when a core is free (`captureThreadWorthIt`).
   */
  readonly captureThread?: boolean;
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
  let events = 0;
  const thread = options.captureThread ?? captureThreadWorthIt(size, store.writesOnServer === true);
  const batches = thread ? captureNdjsonInThread(file, CHUNK_EVENTS) : captureNdjson(file, CHUNK_EVENTS);
  try {
    for await (const b of batches) {
      issues.push(...b.issues);
      events += b.events.length;
      // once a line is bad nothing will be stored: the rest is only read for its issues
      if (issues.length === 0 && b.events.length > 0) {
        tally(await appendChunk(session, { label: file, noun: 'file' }, b.events, (j) => b.lines[j]! - 1, '$'), counts);
        options.onProgress?.({ file, bytesRead: b.bytesRead, totalBytes: size, events });
      }
    }
    if (issues.length > 0) {
      const first = issues[0]!;
      throw new LotlineError(
        'NATIVE_INVALID_FIELD',
        `${file}: ${issues.length}${issues.length >= MAX_FILE_ISSUES ? '+' : ''} invalid field${issues.length === 1 ? '' : 's'}; first: line ${first.line} at ${first.path}: ${first.reason}. Nothing from this file was imported.`,
        { issues },
      );
    }
    await session.commit();
    options.onProgress?.({ file, bytesRead: size, totalBytes: size, events });
    return { file, format: 'ndjson', events, ...counts };
  } catch (e) {
    await session.rollback();
    throw e;
  } finally {
    // stops the capture thread (or closes the file) when the import ends early
    await batches.return(undefined);
  }
}
