/**
 * The file-drop watcher: ERP/MES exports (CSV, XLSX) dropped into a folder are imported, each file
 * as one atomic capture, then moved to `processed/` or to `failed/` (with a report of every bad row
 * beside it). A file is read only once it is complete: its `NAME.done` marker exists, or its size
 * and modification time stayed the same over two polls. A file whose content (SHA-256) was
 * imported before is not imported again.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { CaptureSource } from '../../capture/capture-events.js';
import { isLotlineError } from '../../domain/errors.js';
import type { AppendOutcome, CapturedEvent } from '../../store/event-store.js';
import type { IntegrationStore } from '../integration-store.js';
import { parseCsv } from './csv.js';
import type { Mapping, RowIssue } from './mapping.js';
import { rowsToEvents } from './mapping.js';
import { readXlsx } from './xlsx.js';

/** Stores the events of one file atomically (the store directly, or the server's group committer). */
export type AppendFn = (events: readonly CapturedEvent[], source: CaptureSource) => Promise<AppendOutcome[]>;

export interface DropResult {
  readonly file: string;
  readonly outcome: 'processed' | 'failed' | 'duplicate';
  readonly rows: number;
  readonly events: number;
  readonly stored: number;
  /** Where the file went. */
  readonly movedTo: string;
  /** The report beside a failed file. */
  readonly report?: string;
  readonly issues: readonly RowIssue[];
  /** The whole-file reason of a failure without bad rows (an eventID conflict, an unreadable workbook). */
  readonly error?: string;
}

export interface WatchOptions {
  readonly dir: string;
  readonly mapping: Mapping;
  readonly integrations: IntegrationStore;
  readonly append: AppendFn;
  readonly pollMs?: number;
  readonly onResult?: (r: DropResult) => void;
  /** A store or file-system error: the file stays where it is and is tried again at the next poll. */
  readonly onError?: (file: string, e: unknown) => void;
}

const READABLE = /\.(csv|txt|xlsx)$/i;

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The failed/ report: one line per bad row, as CSV (it opens in the spreadsheet the export came from). */
export function formatReport(issues: readonly RowIssue[], error?: string): string {
  const lines = ['row,column,value,reason'];
  if (error !== undefined) lines.push(['', '', '', error].map(csvCell).join(','));
  for (const i of issues) lines.push([i.row, i.column, i.value, i.reason].map(csvCell).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** A name in `dir` that is free: `NAME`, else `NAME.2`, `NAME.3`, … before the extension. */
async function freeName(dir: string, name: string): Promise<string> {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 1; ; n++) {
    const candidate = join(dir, n === 1 ? name : `${stem}.${n}${ext}`);
    try {
      await stat(candidate);
    } catch {
      return candidate;
    }
  }
}

/** Imports one complete file and moves it; store errors propagate (the file stays for the next poll). */
export async function processDrop(path: string, options: Pick<WatchOptions, 'dir' | 'mapping' | 'integrations' | 'append'>): Promise<DropResult> {
  const { dir, mapping, integrations, append } = options;
  const name = basename(path);
  const content = await readFile(path);
  const sha256 = createHash('sha256').update(content).digest('hex');
  const done = `${path}.done`;
  const move = async (to: 'processed' | 'failed', report?: string): Promise<{ movedTo: string; report?: string }> => {
    const target = join(dir, to);
    await mkdir(target, { recursive: true });
    const dest = await freeName(target, name);
    let reportPath: string | undefined;
    if (report !== undefined) {
      reportPath = `${dest}.errors.csv`;
      await writeFile(reportPath, report);
    }
    await rename(path, dest);
    await rm(done, { force: true });
    return { movedTo: dest, ...(reportPath ? { report: reportPath } : {}) };
  };

  const before = await integrations.processedFile(sha256);
  if (before) {
    const moved = await move('processed');
    return { file: name, outcome: 'duplicate', rows: 0, events: before.events, stored: 0, ...moved, issues: [], error: `the same content (SHA-256 ${sha256}) was imported on ${before.processedAt} as ${before.name}` };
  }

  let records;
  try {
    const xlsx = mapping.format === 'xlsx' || (mapping.format === undefined && /\.xlsx$/i.test(name));
    records = xlsx ? await readXlsx(path, name, mapping.sheet) : parseCsv(content.toString('utf8'), name, mapping.separator);
  } catch (e) {
    if (!isLotlineError(e)) throw e;
    const error = e.message;
    return { file: name, outcome: 'failed', rows: 0, events: 0, stored: 0, ...(await move('failed', formatReport([], error))), issues: [], error };
  }
  const { events, issues, rows } = rowsToEvents(records, mapping, name);
  if (issues.length > 0) {
    return { file: name, outcome: 'failed', rows, events: 0, stored: 0, ...(await move('failed', formatReport(issues))), issues };
  }
  let outcomes: AppendOutcome[];
  try {
    outcomes = await append(events, { label: name, noun: 'file' });
  } catch (e) {
    // An eventID conflict is the file's fault; an unavailable or busy store is not: try again later.
    if (isLotlineError(e) && (e.code === 'EVENT_ID_CONFLICT' || e.code === 'NATIVE_INVALID_FIELD')) {
      const error = e.message;
      return { file: name, outcome: 'failed', rows, events: 0, stored: 0, ...(await move('failed', formatReport([], error))), issues: [], error };
    }
    throw e;
  }
  const stored = outcomes.filter((o) => o.status === 'stored').length;
  await integrations.recordProcessedFile({ sha256, name, processedAt: new Date().toISOString(), events: events.length });
  return { file: name, outcome: 'processed', rows, events: events.length, stored, ...(await move('processed')), issues: [] };
}

/** Polls the folder until stopped. */
export class DropWatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** size:mtime of each candidate at the previous poll. */
  private seen = new Map<string, string>();

  constructor(private readonly options: WatchOptions) {}

  start(): void {
    const tick = (): void => {
      if (this.stopped) return;
      this.running = this.poll()
        .then(() => undefined)
        .catch((e: unknown) => this.options.onError?.(this.options.dir, e))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.options.pollMs ?? 1000);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One look at the folder: imports every file that is complete. Returns what it did. */
  async poll(): Promise<DropResult[]> {
    const { dir } = this.options;
    const entries = await readdir(dir, { withFileTypes: true });
    const names = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
    const results: DropResult[] = [];
    const next = new Map<string, string>();
    for (const name of [...names].sort()) {
      if (name.startsWith('.') || name.startsWith('~$') || !READABLE.test(name)) continue;
      const path = join(dir, name);
      let ready = names.has(`${name}.done`);
      if (!ready) {
        let s;
        try {
          s = await stat(path);
        } catch {
          continue;
        }
        const sig = `${s.size}:${s.mtimeMs}`;
        next.set(name, sig);
        // complete when nothing changed since the previous poll (an empty file may still be being written)
        ready = s.size > 0 && this.seen.get(name) === sig;
      }
      if (!ready) continue;
      next.delete(name);
      try {
        const r = await processDrop(path, this.options);
        results.push(r);
        this.options.onResult?.(r);
      } catch (e) {
        this.options.onError?.(name, e);
      }
    }
    this.seen = next;
    return results;
  }
}
