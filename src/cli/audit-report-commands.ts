/**
 * `lotline mock-recall`, `lotline report audit` and `lotline report supplier`: the auditor's
 * reports on the command line, against the database directly (whoever can open the database file
 * or URL can read everything in it: the role checks are the HTTP API's).
 */
import { refLabel } from '../domain/identifiers/object-ref.js';
import { lotlineUri } from '../domain/identifiers/lotline-uri.js';
import { toMs } from '../genealogy/trace.js';
import { openIdentityStore, openIntegrationStore, openMasterDataStore, openMockRecallStore, openQualityStore, openStationStore, openStore, resolveDb } from '../main.js';
import type { AuditTrail } from '../reports/audit-trail/audit-trail.js';
import { auditTrail } from '../reports/audit-trail/audit-trail.js';
import type { ReportFormat } from '../reports/audit-trail/audit-trail-files.js';
import { auditCsv, auditXlsx, REPORT_FORMATS } from '../reports/audit-trail/audit-trail-files.js';
import { runMockRecall } from '../reports/mock-recall/mock-recall.js';
import type { MockRecallFormat } from '../reports/mock-recall/mock-recall-document.js';
import { MOCK_RECALL_FORMATS, mockRecallCsv, mockRecallMarkdown } from '../reports/mock-recall/mock-recall-document.js';
import type { SupplierReport } from '../reports/supplier/supplier-report.js';
import { supplierReport } from '../reports/supplier/supplier-report.js';
import { supplierCsv, supplierXlsx } from '../reports/supplier/supplier-files.js';
import { writeReportFile } from '../reports/write-report-file.js';
import type { CliIo } from './io.js';
import { cliContext, UsageError } from './io.js';
import { qualityConfigOf } from './quality-commands.js';
import type { RefFlags } from './ref-args.js';
import { refFromArgs, resolveStoredRef } from './ref-args.js';

export interface AuditReportFlags extends RefFlags {
  db?: string | undefined;
  json?: boolean | undefined;
  out?: string | undefined;
  format?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  user?: string | undefined;
  limit?: string | undefined;
  'quality-config'?: string | undefined;
}

/** The flags each report reads, beyond --db and --json: `lotline report` takes the union, so each report refuses the others' flags. */
const REPORT_FLAGS: Record<string, readonly string[]> = {
  fsma204: ['out', 'format', 'tlc', 'item', 'from', 'to', 'as-of', 'direction'],
  audit: ['out', 'format', 'from', 'to', 'user', 'item', 'gtin', 'lot', 'serial'],
  supplier: ['out', 'format', 'from', 'to'],
  dossier: ['out', 'format', 'as-of', 'verify', 'item', 'gtin', 'lot', 'serial'],
};

/** Refuses a flag the named report does not read (it would otherwise be silently ignored). */
export function checkReportFlags(kind: string | undefined, flags: Readonly<Record<string, unknown>>): void {
  const allowed = kind === undefined ? undefined : REPORT_FLAGS[kind];
  if (!allowed) return;
  const extra = Object.keys(REPORT_FLAGS)
    .flatMap((k) => REPORT_FLAGS[k]!)
    .filter((f, i, all) => all.indexOf(f) === i && !allowed.includes(f) && flags[f] !== undefined);
  if (extra.length > 0) throw new UsageError(`'lotline report ${kind}' does not take ${extra.map((f) => `--${f}`).join(', ')}`);
}

/** The format: --format, else --out's extension, else `fallback`; checked against `allowed`. */
function formatOf<F extends string>(flags: AuditReportFlags, allowed: readonly F[], fallback: F): F {
  const f = flags.format ?? (flags.out !== undefined ? /\.([a-z]+)$/i.exec(flags.out)?.[1]?.toLowerCase() : undefined) ?? fallback;
  const spelled = f === 'markdown' ? 'md' : f;
  if (!(allowed as readonly string[]).includes(spelled)) throw new UsageError(`--format must be ${allowed.join(', ')} (got ${JSON.stringify(f)})`);
  return spelled as F;
}

function checkTime(value: string | undefined, flag: string): void {
  if (value !== undefined) toMs(value, flag, 0);
}

/** `lotline mock-recall REF | list | show ID`. */
export async function cmdMockRecall(args: readonly string[], flags: AuditReportFlags, io: CliIo): Promise<number> {
  const db = resolveDb(flags.db);
  const [first, ...rest] = args;
  if (first === 'list') {
    if (rest.length > 0) throw new UsageError(`'lotline mock-recall list' takes no arguments (got ${rest.join(' ')})`);
    checkTime(flags.from, 'from');
    checkTime(flags.to, 'to');
    const limit = flags.limit === undefined ? undefined : Number(flags.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError(`--limit must be a whole number above 0 (got ${JSON.stringify(flags.limit)})`);
    const lotUri = flags.item !== undefined || flags.gtin !== undefined ? lotlineUri(refFromArgs([], flags)) : undefined;
    const archive = await openMockRecallStore(db);
    try {
      const list = await archive.list({ ...(lotUri ? { lotUri } : {}), ...(flags.from ? { from: new Date(toMs(flags.from, 'from', 0)).toISOString() } : {}), ...(flags.to ? { to: new Date(toMs(flags.to, 'to', 0)).toISOString() } : {}), ...(limit ? { limit } : {}) });
      if (flags.json) io.out(JSON.stringify(list, null, 2));
      else if (list.length === 0) io.out('No mock recall has been run on this database yet.');
      else {
        io.out('no.  started                   lot                      run by            elapsed   accounted  unaccounted  gaps');
        for (const s of list) io.out(`${String(s.id).padEnd(4)} ${s.startedAt.padEnd(25)} ${s.lot.padEnd(24)} ${s.runBy.padEnd(17)} ${`${(s.elapsedMs / 1000).toFixed(1)} s`.padEnd(9)} ${(s.percentAccounted === null ? '—' : `${s.percentAccounted}%`).padEnd(10)} ${String(s.unaccounted).padEnd(12)} ${s.gaps}`);
      }
      return 0;
    } finally {
      await archive.close();
    }
  }
  if (first === 'show') {
    const [id, ...extra] = rest;
    if (id === undefined || !/^\d+$/.test(id) || extra.length > 0) throw new UsageError("'lotline mock-recall show' needs the exercise's number (lotline mock-recall list)");
    const archive = await openMockRecallStore(db);
    try {
      const rec = await archive.get(Number(id));
      if (!rec) throw new UsageError(`no mock recall no. ${id} (lotline mock-recall list shows them)`);
      await emitMockRecall(rec.report, rec.id, flags, io);
      return 0;
    } finally {
      await archive.close();
    }
  }
  const format = formatOf<MockRecallFormat>(flags, MOCK_RECALL_FORMATS, flags.json ? 'json' : 'md');
  const quality = await qualityConfigOf(flags);
  const store = await openStore(db, { create: false });
  let archive;
  try {
    const root = await resolveStoredRef(store, refFromArgs(args, flags), flags);
    io.err(`Mock recall of ${refLabel(root)}: tracing both ways, reconciling quantities, running the gap rules…`);
    const report = await runMockRecall(store, root, { runBy: cliContext().actor, quality });
    archive = await openMockRecallStore(db);
    const saved = await archive.save(report);
    await emitMockRecall(report, saved.id, { ...flags, format }, io);
    io.err(`Saved as mock recall no. ${saved.id} (lotline mock-recall show ${saved.id}).`);
    return 0;
  } finally {
    await archive?.close();
    await store.close();
  }
}

async function emitMockRecall(report: Parameters<typeof mockRecallMarkdown>[0], id: number, flags: AuditReportFlags, io: CliIo): Promise<void> {
  const format = formatOf<MockRecallFormat>(flags, MOCK_RECALL_FORMATS, flags.json ? 'json' : 'md');
  const text = format === 'json' ? JSON.stringify({ id, ...report }, null, 2) + '\n' : format === 'csv' ? mockRecallCsv(report) : mockRecallMarkdown(report, id) + '\n';
  if (flags.out !== undefined) {
    await writeReportFile(flags.out, text);
    io.out(`${flags.out}: mock recall no. ${id} of ${report.label}, ${report.percentAccounted === null ? 'nothing measurable' : `${report.percentAccounted}% accounted for`}, ${report.unaccounted.length} unaccounted, ${report.gaps.length} gap(s), ${(report.elapsedMs / 1000).toFixed(1)} s.`);
  } else io.out(text);
}

/** `lotline report audit` and `lotline report supplier PARTY`. */
export async function cmdAuditReport(args: readonly string[], flags: AuditReportFlags, io: CliIo): Promise<number> {
  const [kind, ...rest] = args;
  const db = resolveDb(flags.db);
  checkTime(flags.from, 'from');
  checkTime(flags.to, 'to');
  const format = formatOf<ReportFormat | 'text'>(flags, [...REPORT_FORMATS, 'text'], flags.json ? 'json' : flags.out !== undefined ? 'csv' : 'text');
  if (format === 'xlsx' && flags.out === undefined) throw new UsageError('an XLSX report needs --out FILE.xlsx');
  const store = await openStore(db, { create: false });
  const quality = await openQualityStore(db);
  try {
    if (kind === 'audit') {
      if (rest.length > 0) throw new UsageError(`'lotline report audit' takes no arguments (got ${rest.join(' ')}); name a lot with --item ITEM --lot LOT`);
      const identity = await openIdentityStore(db);
      const webhooks = await openIntegrationStore(db);
      const stations = await openStationStore(db);
      const masterData = await openMasterDataStore(db);
      try {
        const lot = flags.item !== undefined || flags.gtin !== undefined ? await resolveStoredRef(store, refFromArgs([], flags), flags) : undefined;
        const trail = await auditTrail(
          { store, quality, identity, webhooks, stations, masterData },
          { ...(flags.from !== undefined ? { from: flags.from } : {}), ...(flags.to !== undefined ? { to: flags.to } : {}), ...(flags.user !== undefined ? { user: flags.user } : {}), ...(lot ? { lot } : {}) },
        );
        if (format === 'text') io.out(auditText(trail));
        else await emit(flags, io, format, JSON.stringify(trail, null, 2) + '\n', () => auditCsv(trail), () => auditXlsx(trail), `audit trail, ${trail.records.length} record(s)`);
      } finally {
        await masterData.close();
        await stations.close();
        await webhooks.close();
        await identity.close();
      }
      return 0;
    }
    if (kind === 'supplier') {
      const party = rest.join(' ');
      if (party.trim() === '') throw new UsageError("'lotline report supplier' needs the supplier: its name as receipts give it, or its party URI or GLN");
      const r = await supplierReport(store, quality, party, { ...(flags.from !== undefined ? { from: flags.from } : {}), ...(flags.to !== undefined ? { to: flags.to } : {}) });
      if (format === 'text') io.out(supplierText(r));
      else await emit(flags, io, format, JSON.stringify(r, null, 2) + '\n', () => supplierCsv(r), () => supplierXlsx(r), `supplier report of ${r.supplier}, ${r.receipts.length} lot(s) received, ${r.shipments.length} shipment(s) to ${r.customers.length} customer(s)`);
      return 0;
    }
    throw new UsageError(`'lotline report' needs a report: fsma204, dossier, audit or supplier${kind ? ` (got ${JSON.stringify(kind)})` : ''}`);
  } finally {
    await quality.close();
    await store.close();
  }
}

async function emit(flags: AuditReportFlags, io: CliIo, format: ReportFormat, json: string, csv: () => string, xlsx: () => Promise<Buffer>, what: string): Promise<void> {
  const content = format === 'json' ? json : format === 'csv' ? csv() : await xlsx();
  if (flags.out === undefined) {
    io.out(content as string);
    return;
  }
  await writeReportFile(flags.out, content);
  io.out(flags.json ? JSON.stringify({ file: flags.out, format }, null, 2) : `${flags.out}: ${what} (${format.toUpperCase()}).`);
}

function auditText(t: AuditTrail): string {
  const f = t.filter;
  const scope = [f.from && `from ${f.from}`, f.to && `to ${f.to}`, f.user && `by ${f.user}`, f.lot && `about ${f.lot}`].filter(Boolean).join(', ');
  const out = [`Audit trail${scope ? ` (${scope})` : ''}: ${t.records.length} record(s), log read to position ${t.asOfSeq}, made ${t.generatedAt}`];
  for (const r of t.records) {
    out.push(`${r.time}  ${r.actor ?? '(not recorded)'}${r.origin ? ` from ${r.origin}` : ''}  ${r.kind}: ${r.action}  ${r.subject}`);
    if (r.details) out.push(`    ${r.details}`);
    if (r.earlier) out.push(`    earlier: ${r.earlier}`);
    if (r.supersededBy) out.push(`    superseded: ${r.supersededBy}`);
  }
  return out.join('\n');
}

function supplierText(r: SupplierReport): string {
  const out = [
    `Supplier report: ${r.supplier}${r.from || r.to ? ` (receipts ${r.from ? `from ${r.from}` : ''}${r.to ? ` to ${r.to}` : ''})` : ''}`,
    `${r.receipts.length} lot(s) received; ${r.reach.length} lot(s) made from them; ${r.shipments.length} shipment(s) to ${r.customers.length} customer(s)${r.customers.length > 0 ? `: ${r.customers.join(', ')}` : ''}; ${r.holds.length} hold(s); ${r.exceptions.length} exception(s).`,
    '',
    'Received:',
  ];
  for (const x of r.receipts) out.push(`  ${x.time}  ${x.lot}  ${x.quantity ?? '?'} ${x.uom ?? ''}  PO ${x.purchaseOrder ?? '—'}  supplier lot ${x.supplierLot ?? '—'}  now ${x.status ?? '?'}${x.onHand !== null ? ` (${x.onHand} on hand)` : ''}`);
  if (r.shipments.length > 0) out.push('', 'Shipped to customers:');
  for (const s of r.shipments) out.push(`  ${s.time}  ${s.shippedLot} (from ${s.receivedLot})  ${s.quantity ?? '?'} ${s.uom ?? ''} to ${s.customer}${s.exposure !== null ? `, ${s.exposure} ${s.uom ?? ''} of it from the supplier lot` : ''}`);
  if (r.holds.length > 0) out.push('', 'Holds:');
  for (const h of r.holds) out.push(`  ${h.time}  ${h.lot}  ${h.reason ?? ''}  now ${h.statusNow ?? '?'}`);
  if (r.exceptions.length > 0) out.push('', 'Exceptions:');
  for (const e of r.exceptions) out.push(`  #${e.id}  ${e.lot}  ${e.rule} (${e.severity}, ${e.state})  ${e.explanation}`);
  return out.join('\n');
}
