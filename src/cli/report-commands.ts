/** `lotline report fsma204` and `lotline export epcis`: the report use cases, written to --out. */
import type { Direction } from '../genealogy/trace.js';
import { exportEpcis, queryEventSeqs, traceEventSeqs } from '../reports/epcis/epcis-export.js';
import type { EventFilters } from '../reports/epcis/event-filters.js';
import { resolveEventFilters } from '../reports/epcis/event-filters.js';
import type { FsmaFormat } from '../reports/fsma204/fsma204-files.js';
import { FSMA_FORMATS, fsma204CsvChunks, fsma204XlsxStream } from '../reports/fsma204/fsma204-files.js';
import { fsma204Report } from '../reports/fsma204/fsma204-report.js';
import { loadMasterData, resolveDb } from '../main.js';
import { writeReportFile } from '../reports/write-report-file.js';
import type { EventStore } from '../store/event-store.js';
import type { CliIo } from './io.js';
import { UsageError } from './io.js';
import { refFromArgs, resolveStoredRef } from './ref-args.js';

export interface ReportFlags {
  db?: string | undefined;
  json?: boolean | undefined;
  out?: string | undefined;
  format?: string | undefined;
  tlc?: string[] | undefined;
  item?: string | undefined;
  gtin?: string | undefined;
  lot?: string | undefined;
  serial?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  'as-of'?: string | undefined;
  trace?: string | undefined;
  direction?: string | undefined;
  'event-type'?: string[] | undefined;
  'biz-step'?: string[] | undefined;
  disposition?: string[] | undefined;
  'biz-location'?: string[] | undefined;
  epc?: string[] | undefined;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** The command-line flag of each EPCIS query filter, for error messages. */
const FLAG_OF: Partial<Record<keyof EventFilters, string>> = {
  eventType: '--event-type',
  GE_eventTime: '--from',
  LT_eventTime: '--to',
  EQ_bizStep: '--biz-step',
  EQ_disposition: '--disposition',
  EQ_bizLocation: '--biz-location',
  MATCH_anyEPC: '--epc',
};

function outPath(flags: ReportFlags, command: string): string {
  if (flags.out === undefined || flags.out === '') throw new UsageError(`'lotline ${command}' needs --out FILE`);
  return flags.out;
}

/** `lotline report fsma204`. */
export async function cmdReport(open: () => Promise<EventStore>, rest: readonly string[], flags: ReportFlags, io: CliIo): Promise<number> {
  const [kind, ...extra] = rest;
  if (kind !== 'fsma204') throw new UsageError(`'lotline report' needs a report: fsma204, dossier, audit or supplier${kind ? ` (got ${JSON.stringify(kind)})` : ''}`);
  if (extra.length > 0) throw new UsageError(`'lotline report fsma204' takes no arguments (got ${extra.join(' ')}); name lots with --tlc CODE`);
  const out = outPath(flags, 'report fsma204');
  const format = (flags.format ?? /\.(csv|xlsx)$/i.exec(out)?.[1]?.toLowerCase()) as FsmaFormat | undefined;
  if (format === undefined) throw new UsageError('give --format csv or --format xlsx (or an --out FILE ending in .csv or .xlsx)');
  if (!(FSMA_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be csv or xlsx (got ${JSON.stringify(format)})`);
  const direction = flags.direction;
  if (direction !== undefined && direction !== 'forward' && direction !== 'backward') throw new UsageError(`--direction must be forward or backward (got ${JSON.stringify(direction)})`);
  const report = await fsma204Report(await open(), {
    ...(flags.tlc ? { tlcs: flags.tlc } : {}),
    ...(direction !== undefined ? { trace: direction } : {}),
    ...(flags.item !== undefined ? { item: flags.item } : {}),
    ...(flags.from !== undefined ? { from: flags.from } : {}),
    ...(flags.to !== undefined ? { to: flags.to } : {}),
    ...(flags['as-of'] !== undefined ? { asOf: flags['as-of'] } : {}),
    masterData: await loadMasterData(resolveDb(flags.db)),
  });
  await writeReportFile(out, format === 'xlsx' ? fsma204XlsxStream(report) : fsma204CsvChunks(report));
  const counts = Object.fromEntries(report.sheets.map((s) => [s.sheet.cte, s.rows.length]));
  if (flags.json) {
    io.out(JSON.stringify({ file: out, format, rows: counts, missing: report.missing, asOfSeq: report.asOfSeq }, null, 2));
    return 0;
  }
  io.out(`${out}: FSMA 204 sortable spreadsheet (${format.toUpperCase()}), ${report.sheets.map((s) => `${s.rows.length} ${s.sheet.title.toLowerCase()}`).join(', ')} row(s).`);
  if (report.missing.length === 0) io.out('Every Key Data Element is present.');
  else {
    io.out('Missing Key Data Elements (FDA will ask for these):');
    for (const m of report.missing) io.out(`  ${m.sheet}: ${m.kde} — ${m.rows} row(s)${m.tlcs.length > 0 ? `, e.g. ${m.tlcs.slice(0, 5).join(', ')}` : ''}`);
  }
  return 0;
}

/** `lotline export epcis`. */
export async function cmdExport(open: () => Promise<EventStore>, rest: readonly string[], flags: ReportFlags, io: CliIo): Promise<number> {
  const [kind, ...refArgs] = rest;
  if (kind !== 'epcis') throw new UsageError(`'lotline export' needs a format: epcis${kind ? ` (got ${JSON.stringify(kind)})` : ''}`);
  const out = outPath(flags, 'export epcis');
  const filterFlags = (['event-type', 'biz-step', 'disposition', 'biz-location', 'epc'] as const).filter((f) => flags[f] !== undefined);
  const isTrace = flags.trace !== undefined || refArgs.length > 0 || flags.item !== undefined || flags.gtin !== undefined;
  const store = await open();
  let selection: { seqs: Set<number>; asOfSeq: number };
  if (isTrace) {
    if (filterFlags.length > 0) throw new UsageError(`give --trace REF with --direction, or query filters (--${filterFlags[0]}), not both`);
    const direction = flags.direction;
    if (direction !== 'forward' && direction !== 'backward') throw new UsageError(`a trace export needs --direction forward or backward${direction !== undefined ? ` (got ${JSON.stringify(direction)})` : ''}`);
    const ref = refFromArgs(flags.trace !== undefined ? [flags.trace, ...refArgs] : refArgs, flags);
    selection = await traceEventSeqs(store, await resolveStoredRef(store, ref, flags), direction as Direction, {
      ...(flags.from !== undefined ? { from: flags.from } : {}),
      ...(flags.to !== undefined ? { to: flags.to } : {}),
      ...(flags['as-of'] !== undefined ? { asOf: flags['as-of'] } : {}),
    });
  } else {
    if (flags.direction !== undefined) throw new UsageError('--direction belongs to a trace export: give --trace REF too');
    if (flags['as-of'] !== undefined) throw new UsageError('--as-of applies to a trace export (--trace REF)');
    // a date alone means midnight UTC, as everywhere on the command line
    const instant = (v: string | undefined): string | undefined => (v !== undefined && DATE_ONLY.test(v) ? `${v}T00:00:00Z` : v);
    const filters = await resolveEventFilters(
      store,
      {
        eventType: flags['event-type'],
        GE_eventTime: instant(flags.from),
        LT_eventTime: instant(flags.to),
        EQ_bizStep: flags['biz-step'],
        EQ_disposition: flags.disposition,
        EQ_bizLocation: flags['biz-location'],
        MATCH_anyEPC: flags.epc,
      },
      (name) => FLAG_OF[name] ?? name,
    );
    selection = await queryEventSeqs(store, filters);
  }
  const result = await exportEpcis(store, selection.seqs, selection.asOfSeq);
  await writeReportFile(out, JSON.stringify(result.document, null, 2) + '\n');
  if (flags.json) io.out(JSON.stringify({ file: out, events: result.events, declarations: result.declarations, asOfSeq: result.asOfSeq }, null, 2));
  else io.out(`${out}: EPCIS 2.0 document, ${result.events} event(s)${result.declarations > 0 ? `, ${result.declarations} error declaration(s)` : ''} (as of log position ${result.asOfSeq}).`);
  return 0;
}
