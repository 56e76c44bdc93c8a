/**
 * The `lotline` command line. Exit codes: 0 success, 1 invalid input / unknown lot / broken
 * chain, 2 usage error. Results go to stdout (human by default, `--json` for machines);
 * progress and errors go to stderr.
 */
import { parseArgs } from 'node:util';
import { importFile } from '../capture/import-file.js';
import type { ImportSummary } from '../capture/import-file.js';
import { isLotlineError } from '../domain/errors.js';
import { lotState } from '../genealogy/lot-state.js';
import { trace } from '../genealogy/trace.js';
import type { TraceOptions } from '../genealogy/trace.js';
import { openMasterDataStore, openStore, openStoreWithVersion, resolveDb } from '../main.js';
import type { EventStore } from '../store/event-store.js';
import { loadDemo } from './demo.js';
import { formatLotState, formatTrace } from './format.js';
import { cmdCompleteness, cmdGaps } from './quality-commands.js';
import { cmdWatch, cmdWebhook } from './integration-commands.js';
import { cmdExceptions, cmdHold, cmdRelease } from './hold-commands.js';
import { cmdKey, cmdServe, cmdUser } from './server-commands.js';
import { cmdStation } from './station-commands.js';
import type { CliIo } from './io.js';
import { cliContext, UsageError } from './io.js';
import { refFromArgs, resolveStoredRef } from './ref-args.js';
import { cmdExport, cmdReport } from './report-commands.js';
import { cmdDossier } from './dossier-commands.js';
import { checkReportFlags, cmdAuditReport, cmdMockRecall } from './audit-report-commands.js';
import { cmdMasterData, cmdRecall } from './recall-commands.js';
import { cmdBackup, cmdRestore } from './backup-commands.js';
import { cmdPurge } from './purge-commands.js';
import { cmdRebuild } from './rebuild-command.js';

export const USAGE = `lotline — lot and batch genealogy traceability

Usage:
  lotline import FILE...                 import EPCIS 2.0 JSON(-LD) documents or native NDJSON files
  lotline trace forward  REF             where did this lot go? (lots, shipments, customers)
  lotline trace backward REF             where did it come from? (inputs, receipts, suppliers)
  lotline lot REF                        status, on-hand quantity, location, last event
  lotline report fsma204 --out FILE      FSMA 204 sortable spreadsheet (CSV or XLSX) [--tlc CODE]... [--item ITEM] [--from T --to T]
  lotline report dossier REF --out FILE  genealogy dossier of one lot, PDF or HTML [--format pdf|html] [--as-of T]
                                         check a printed one: --as-of T --verify HASH (both from its footer)
  lotline report audit [--out FILE]      audit trail: who, when, what, earlier values [--from T --to T] [--user U] [--item I --lot L]
  lotline report supplier PARTY          a supplier's lots, where they went, holds and exceptions [--from T --to T] [--out FILE]
  lotline mock-recall REF                mock recall exercise: both traces, quantities reconciled, gaps; saved [--out FILE] [--format md|csv|json]
  lotline mock-recall list | show ID     the exercises run so far
  lotline export epcis --out FILE        EPCIS 2.0 document of a trace (--trace REF --direction D) or of a query (filters)
  lotline verify                         check the hash chain of the event log
  lotline rebuild [--check]              recompute every projection from the event log; --check compares only
  lotline migrate                        create the database, or bring its schema up to date
  lotline copy --from DB --to DB         copy every log entry (times, hashes) into an empty database
  lotline demo                           load a realistic demo plant and show what to try
  lotline start                          load the demo plant into an empty database and show the summary
  lotline gaps [--incremental]           run the gap rules over the whole plant, or what changed since the last run
  lotline completeness [REF]             share of lots with an unbroken chain, and of routing scans received
  lotline serve                          run the HTTP API (docs/api.md) on --port (3000) and --host (127.0.0.1)
  lotline user add NAME --role R [--full-name "Jane Q. Doe"]   add a user (password from the terminal, or stdin's first line)
  lotline user update NAME --full-name "Jane Q. Doe"          set the full name printed with the user's signatures
  lotline user list | role NAME --role R | unlock NAME | disable NAME | enable NAME
  lotline key create NAME --role R       create an API key (printed once) [--expires DATE]
  lotline key list | revoke NAME | rotate NAME   rotate: a new secret (printed once), the old one stops working
  lotline watch DIR --mapping FILE       import ERP/MES exports (CSV, XLSX) dropped into DIR [--once]
  lotline webhook add URL                subscribe a URL to stored events [--types T,…] [--biz-step S,…]
                                         [--item I,…] [--site L,…] [--secret S]
  lotline webhook list | remove ID | enable ID | disable ID | deliveries [--status dead] | replay ID
  lotline station add ID --site S --role R   add a scan station (receiving, production, packing, shipping)
  lotline station list | remove ID
  lotline hold REF... --reason R         put lots on hold [--reference X] [--descendants: also all made from them]
  lotline release REF... --user NAME --meaning M   sign a release (password from the terminal or stdin) [--reject] [--signatures 2]
  lotline exceptions [list] [REF]        exceptions [--line L] [--rule ID] [--state S] [--from T] [--to T]
  lotline exceptions show|ack|assign|resolve|dismiss ID   [--owner O] [--due T] [--note N] [--reason R]
  lotline recall REF...                  recall scope: affected lots, stock to hold, shipments, customers, precision
  lotline recall --supplier S [--item I] --from T --to T   …from what a supplier delivered (or --item I alone)
                                         [--hold --reason R] [--csv | --out FILE] [--transit-days N]; saved
  lotline recall list | show ID | hold ID --reason R
  lotline master-data import FILE        items, parties, locations from CSV (--kind K) or JSON; all or nothing
  lotline master-data list KIND | history KIND ID    [--search WORDS]
  lotline backup --out FILE              online backup of a SQLite database, checked before it is named [--force]
  lotline restore FILE                   restore a backup to --db, checked before and after [--force]
  lotline purge --before DATE --policy FILE   purge log entries recorded before DATE if the retention policy allows [--dry-run]
  lotline purge list                     every purge made: who, when, what range, which rule, counts

REF is an EPC URN (urn:epc:class:lgtin:4012345.012345.LOT7), a GS1 Digital Link
(https://id.gs1.org/01/04012345123456/10/LOT7), an element string ((01)04012345123456(10)LOT7),
or, for plant codes, --item ITEM --lot LOT (or --gtin GTIN --lot LOT, --serial S).

Options:
  --db PATH|URL        database: a SQLite file or postgres://USER@HOST:PORT/DB[?schema=NAME]
                       (default: $LOTLINE_DB, else ./lotline.db)
  --json               machine-readable output
  --max-depth N        trace: list lots up to N transformation steps away
  --from T, --to T     trace: only events in this event-time window
  --as-of T            trace, lot: answer as known at this record time
  --out FILE           report, export: where to write (replaced whole, never half-written)
  --format csv|xlsx    report fsma204: the file format (default: from --out's extension);
                       report audit, report supplier: csv, xlsx, json or text; mock-recall: md, csv or json
  --user U             report audit: only records by this user (alice, or user:alice, key:scanner-1)
  --tlc CODE           report fsma204: a traceability lot code (repeatable); --item ITEM: a product;
                       --direction forward|backward: also every lot traced from the --tlc lots
  --trace REF --direction forward|backward   export epcis: the events of this trace
  --event-type T, --biz-step S, --disposition D, --biz-location URI, --epc REF
                       export epcis: query filters (repeatable; with --from/--to as event times)
  --max-document-size BYTES   import: largest EPCIS JSON document read whole (default 256 MiB)
  --days N, --seed N   demo: size and seed of the demo plant
  --port N, --host H   serve: where to listen (default 3000, 127.0.0.1)
  --max-body BYTES     serve: largest request body (default 10 MiB)
  --key-rate N         serve: requests per second per API key (default 100, bursts of 2N)
  --max-captures N     serve: capture requests handled at once, then 429 OVERLOADED (default 64)
  --max-capture-queue N  serve: events waiting to be written, then 429 OVERLOADED (default 5000)
  --max-queries N      serve: traces, reports and reads handled at once, then 429 OVERLOADED (default 32)
  --max-lag MS         serve: event-loop delay (median of the last 9 ticks of 100 ms) past which both are refused (default 1000; 0: off)
  --demo               serve: load the demo plant into an empty database first (npm start)
  --secure-cookies     serve: mark the session cookie Secure (behind an HTTPS proxy)
  --watch DIR          serve: import file drops from DIR too (with --mapping)
  --mapping FILE       watch, serve: the YAML mapping of the exports (docs/integrations/file-drops.md)
  --once               watch: import what is complete now, then exit (1 if a file failed)
  --role R             user, key: operator, quality, auditor or admin;
                       station: receiving, production, packing or shipping
  --full-name "F L"    user add, user update: the person's full name, printed with their signatures
  --site S, --line L   station: the plant (GLN, URI or name) and the line
  --quantity N --uom U station: quantity of a scanned lot whose label has none
  --output-item ITEM   station (production): the item it makes; scanning it closes the sequence
  --items A,B          station: the only items it accepts
  --supplier P, --customer P   station: receiving supplier / shipping customer when labels name none
  --mqtt URL           serve: also read scans and events from an MQTT broker (docs/integrations/mqtt.md)
  --mqtt-client-id ID  serve: the persistent session's client id (default lotline)
  --mqtt-scan-topic T  serve: raw scans (default plant/+/station/+/scan; the last + is the station)
  --mqtt-events-topic T  serve: native commands and EPCIS events (default plant/+/events)
  --mqtt-error-prefix P  serve: where bad messages are answered (default lotline/errors/)
  --quality-config F   gaps, completeness, serve: the plant's quality configuration (JSON)
  --rule ID[,ID]       gaps: only these rules
  --since T            gaps: only findings shown by events at or after this event time
  --dry-run            gaps: list the findings without recording them
  --incremental        gaps: only what changed since the last scheduled run (the server's watermark)
  --item I, --line L   completeness: only this item, this line
  --from T, --to T     completeness: only lots made (or received) in this window
  --period P           completeness: day, week or month (default month)
  --signatures N       serve: signatures a release or rejection needs: 1, or 2 (four-eyes)
  --supplier S         recall: start from what supplier S delivered (GLN, URI or name)
  --hold               recall: also hold what is on hand (with --reason; reference = the recall id)
  --csv                recall: print the customer notification list as CSV; --out FILE writes it
  --transit-days N     recall: a shipment younger than N days with no receipt recorded is in transit (3)
  --kind K             master-data import: items, parties or locations (CSV files)
  --search WORDS       master-data list: only records containing every word
  --force              backup: replace an existing --out file; restore: replace a database holding records
  --before DATE        purge: the records made before this date (midnight UTC) or date-time with offset
  --policy FILE        purge: the retention policy (JSON; none: every record is kept forever)
  -h, --help           this help
`;

const OPTIONS = {
  db: { type: 'string' },
  json: { type: 'boolean' },
  item: { type: 'string' },
  gtin: { type: 'string' },
  lot: { type: 'string' },
  serial: { type: 'string' },
  'max-depth': { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'as-of': { type: 'string' },
  out: { type: 'string' },
  format: { type: 'string' },
  tlc: { type: 'string', multiple: true },
  trace: { type: 'string' },
  direction: { type: 'string' },
  'event-type': { type: 'string', multiple: true },
  'biz-step': { type: 'string', multiple: true },
  disposition: { type: 'string', multiple: true },
  'biz-location': { type: 'string', multiple: true },
  epc: { type: 'string', multiple: true },
  'max-document-size': { type: 'string' },
  days: { type: 'string' },
  seed: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'max-body': { type: 'string' },
  'key-rate': { type: 'string' },
  'max-captures': { type: 'string' },
  'max-capture-queue': { type: 'string' },
  'max-queries': { type: 'string' },
  'max-lag': { type: 'string' },
  demo: { type: 'boolean' },
  'secure-cookies': { type: 'boolean' },
  role: { type: 'string' },
  'full-name': { type: 'string' },
  'quality-config': { type: 'string' },
  rule: { type: 'string' },
  since: { type: 'string' },
  'dry-run': { type: 'boolean' },
  incremental: { type: 'boolean' },
  line: { type: 'string' },
  period: { type: 'string' },
  expires: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  site: { type: 'string' },
  quantity: { type: 'string' },
  uom: { type: 'string' },
  'output-item': { type: 'string' },
  items: { type: 'string' },
  supplier: { type: 'string' },
  customer: { type: 'string' },
  mqtt: { type: 'string' },
  'mqtt-client-id': { type: 'string' },
  'mqtt-scan-topic': { type: 'string' },
  'mqtt-events-topic': { type: 'string' },
  'mqtt-error-prefix': { type: 'string' },
  signatures: { type: 'string' },
  reason: { type: 'string' },
  reference: { type: 'string' },
  descendants: { type: 'boolean' },
  user: { type: 'string' },
  meaning: { type: 'string' },
  reject: { type: 'boolean' },
  owner: { type: 'string' },
  due: { type: 'string' },
  note: { type: 'string' },
  state: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  watch: { type: 'string' },
  mapping: { type: 'string' },
  once: { type: 'boolean' },
  types: { type: 'string' },
  secret: { type: 'string' },
  limit: { type: 'string' },
  status: { type: 'string' },
  verify: { type: 'string' },
  hold: { type: 'boolean' },
  'transit-days': { type: 'string' },
  csv: { type: 'boolean' },
  kind: { type: 'string' },
  search: { type: 'string' },
  force: { type: 'boolean' },
  before: { type: 'string' },
  policy: { type: 'string' },
  check: { type: 'boolean' },
} as const;

type Flags = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K] extends { multiple: true } ? string[] : (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

const COMMON_FLAGS = ['db', 'json', 'help', 'version', 'quiet'];
const REF_FLAGS = ['item', 'gtin', 'lot', 'serial'];
/** The flags each command reads: any other is a mistake worth saying, not silently ignoring. */
const COMMAND_FLAGS: Record<string, readonly string[]> = {
  import: ['max-document-size'],
  trace: [...REF_FLAGS, 'max-depth', 'from', 'to', 'as-of'],
  lot: [...REF_FLAGS, 'as-of'],
  report: [...REF_FLAGS, 'out', 'format', 'tlc', 'from', 'to', 'as-of', 'direction', 'verify', 'user'],
  'mock-recall': [...REF_FLAGS, 'out', 'format', 'quality-config', 'from', 'to', 'limit'],
  export: [...REF_FLAGS, 'out', 'trace', 'direction', 'from', 'to', 'as-of', 'event-type', 'biz-step', 'disposition', 'biz-location', 'epc'],
  verify: [],
  rebuild: ['check'],
  migrate: [],
  copy: ['from', 'to'],
  demo: ['days', 'seed'],
  start: ['days', 'seed'],
  watch: ['mapping', 'once'],
  webhook: ['types', 'biz-step', 'item', 'site', 'secret', 'limit', 'status'],
  serve: ['port', 'host', 'max-body', 'key-rate', 'max-captures', 'max-capture-queue', 'max-queries', 'max-lag', 'demo', 'secure-cookies', 'quality-config', 'signatures', 'mqtt', 'mqtt-client-id', 'mqtt-scan-topic', 'mqtt-events-topic', 'mqtt-error-prefix', 'watch', 'mapping'],
  station: ['site', 'line', 'role', 'quantity', 'uom', 'output-item', 'items', 'supplier', 'customer'],
  gaps: ['quality-config', 'rule', 'since', 'dry-run', 'incremental'],
  completeness: [...REF_FLAGS, 'quality-config', 'line', 'from', 'to', 'period'],
  user: ['role', 'full-name', 'password-stdin'],
  key: ['role', 'expires'],
  hold: [...REF_FLAGS, 'reason', 'reference', 'descendants'],
  release: [...REF_FLAGS, 'user', 'meaning', 'reject', 'reason', 'signatures', 'password-stdin'],
  exceptions: [...REF_FLAGS, 'line', 'rule', 'state', 'from', 'to', 'owner', 'due', 'note', 'reason'],
  recall: [...REF_FLAGS, 'supplier', 'from', 'to', 'as-of', 'hold', 'reason', 'transit-days', 'csv', 'out', 'limit'],
  'master-data': ['kind', 'search', 'limit'],
  backup: ['out', 'force'],
  restore: ['force'],
  purge: ['before', 'policy', 'dry-run'],
};

function intFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number (got ${JSON.stringify(value)})`);
  return Number(value);
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: { values: Flags; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true }) as { values: Flags; positionals: string[] };
  } catch (e) {
    io.err(`lotline: ${e instanceof Error ? e.message : String(e)}\nRun 'lotline --help' for usage.`);
    return 2;
  }
  const { values: flags, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (flags.help || command === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (flags.version) {
    io.out('lotline 0.1.0');
    return 0;
  }
  let store: EventStore | undefined;
  try {
    const allowed = command === undefined ? undefined : COMMAND_FLAGS[command];
    if (allowed) {
      const extra = Object.keys(flags).filter((f) => !COMMON_FLAGS.includes(f) && !allowed.includes(f));
      if (extra.length > 0) throw new UsageError(`'lotline ${command}' does not take ${extra.map((f) => `--${f}`).join(', ')}`);
    }
    const create = command === 'import' || command === 'demo' || command === 'start';
    const open = async (): Promise<EventStore> => (store = await openStore(resolveDb(flags.db), { create }));
    switch (command) {
      case 'import':
        return await cmdImport(await open(), rest, flags, io);
      case 'trace': {
        const [direction, ...refArgs] = rest;
        if (direction !== 'forward' && direction !== 'backward') throw new UsageError(`'lotline trace' needs a direction: forward or backward${direction ? ` (got ${JSON.stringify(direction)})` : ''}`);
        const options: TraceOptions = {
          ...(flags['max-depth'] !== undefined ? { maxDepth: intFlag(flags['max-depth'], 'max-depth')! } : {}),
          ...(flags.from !== undefined ? { from: flags.from } : {}),
          ...(flags.to !== undefined ? { to: flags.to } : {}),
          ...(flags['as-of'] !== undefined ? { asOf: flags['as-of'] } : {}),
        };
        const ref = refFromArgs(refArgs, flags);
        const s = await open();
        const result = await trace(s, await resolveStoredRef(s, ref, flags), direction, options);
        io.out(flags.json ? JSON.stringify(result, null, 2) : formatTrace(result));
        return 0;
      }
      case 'lot': {
        const ref = refFromArgs(rest, flags);
        const s = await open();
        const state = await lotState(s, await resolveStoredRef(s, ref, flags), flags['as-of'] !== undefined ? { asOf: flags['as-of'] } : {});
        io.out(flags.json ? JSON.stringify(state, null, 2) : formatLotState(state));
        return 0;
      }
      case 'report':
        checkReportFlags(rest[0], flags);
        if (rest[0] === 'dossier') return await cmdDossier(resolveDb(flags.db), open, rest.slice(1), flags, io);
        if (rest[0] === 'audit' || rest[0] === 'supplier') return await cmdAuditReport(rest, flags, io);
        return await cmdReport(open, rest, flags, io);
      case 'mock-recall':
        return await cmdMockRecall(rest, flags, io);
      case 'export':
        return await cmdExport(open, rest, flags, io);
      case 'verify': {
        if (rest.length > 0) throw new UsageError(`'lotline verify' takes no arguments (got ${rest.join(' ')})`);
        const r = await (await open()).verify();
        if (flags.json) io.out(JSON.stringify(r.ok ? r : { ...r, code: 'CHAIN_BROKEN' }, null, 2));
        else if (r.ok) io.out(`OK: ${r.entries} log entries, hash chain intact (head ${r.headHash}).${r.purgedThrough !== undefined ? ` Log positions 1–${r.purgedThrough} were purged under the retention policy ('lotline purge list'); the chain is checked from the purge checkpoint.` : ''}`);
        else io.out(`BROKEN at log position ${r.brokenAt!.seq}: ${r.brokenAt!.reason}. ${r.entries} entries before it verify.`);
        if (!r.ok) io.err(`lotline: CHAIN_BROKEN: the event log was altered at log position ${r.brokenAt!.seq}; restore it from a backup and keep this copy for investigation`);
        return r.ok ? 0 : 1;
      }
      case 'rebuild':
        return await cmdRebuild(rest, flags, io);
      case 'migrate': {
        if (rest.length > 0) throw new UsageError(`'lotline migrate' takes no arguments (got ${rest.join(' ')})`);
        const opened = await openStoreWithVersion(resolveDb(flags.db), { create: true });
        store = opened.store;
        const { from, to } = opened.schemaVersion;
        if (flags.json) io.out(JSON.stringify({ engine: opened.engine, from, to }, null, 2));
        else io.out(from === to ? `${opened.engine}: schema at version ${to}, nothing to do.` : `${opened.engine}: schema migrated from version ${from} to ${to}.`);
        return 0;
      }
      case 'copy':
        return await cmdCopy(rest, flags, io);
      case 'demo':
      case 'start': {
        if (rest.length > 0) throw new UsageError(`'lotline ${command}' takes no arguments (got ${rest.join(' ')})`);
        const s = await open();
        const onlyIfEmpty = command === 'start';
        const days = intFlag(flags.days, 'days');
        const seed = intFlag(flags.seed, 'seed');
        const masterData = await openMasterDataStore(resolveDb(flags.db));
        const result = await loadDemo(s, { onlyIfEmpty, context: cliContext(), masterData, ...(days !== undefined ? { days } : {}), ...(seed !== undefined ? { seed } : {}), ...(flags.db !== undefined ? { db: flags.db } : {}) }).finally(() => masterData.close());
        io.out(flags.json ? JSON.stringify({ loaded: result.loaded, events: result.events, highlights: result.highlights }, null, 2) : result.text);
        return 0;
      }
      case 'gaps':
        return await cmdGaps(resolveDb(flags.db), open, rest, flags, io);
      case 'completeness':
        return await cmdCompleteness(open, rest, flags, io);
      case 'serve':
        return await cmdServe(rest, flags, io);
      case 'user':
        return await cmdUser(rest, flags, io);
      case 'key':
        return await cmdKey(rest, flags, io);
      case 'watch':
        return await cmdWatch(rest, flags, io);
      case 'webhook':
        return await cmdWebhook(rest, flags, io);
      case 'station':
        return await cmdStation(rest, flags, io);
      case 'hold':
        return await cmdHold(rest, flags, io);
      case 'release':
        return await cmdRelease(rest, flags, io);
      case 'exceptions':
        return await cmdExceptions(rest, flags, io);
      case 'recall':
        return await cmdRecall(rest, flags, io);
      case 'master-data':
        return await cmdMasterData(rest, flags, io);
      case 'backup':
        return await cmdBackup(rest, flags, io);
      case 'restore':
        return await cmdRestore(rest, flags, io);
      case 'purge':
        return await cmdPurge(rest, flags, io);
      case undefined:
        io.err(USAGE);
        return 2;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (e) {
    if (e instanceof UsageError || (isLotlineError(e) && e.code === 'USAGE')) {
      if (flags.json) io.err(JSON.stringify({ error: { code: 'USAGE', message: e.message, issues: [] } }, null, 2));
      else io.err(`lotline: ${e.message}\nRun 'lotline --help' for usage.`);
      return 2;
    }
    if (isLotlineError(e)) {
      if (flags.json) io.err(JSON.stringify({ error: { code: e.code, message: e.message, issues: e.issues } }, null, 2));
      else {
        io.err(`lotline: ${e.code}: ${e.message}`);
        for (const i of e.issues.slice(1, 20)) io.err(`  ${i.line !== undefined ? `line ${i.line}` : i.index !== undefined ? `event ${i.index}` : ''} ${i.path}: ${i.reason}`);
        if (e.issues.length > 20) io.err(`  … and ${e.issues.length - 20} more`);
      }
      return 1;
    }
    throw e;
  } finally {
    await (store as EventStore | undefined)?.close();
  }
}

async function cmdImport(store: EventStore, files: readonly string[], flags: Flags, io: CliIo): Promise<number> {
  if (files.length === 0) throw new UsageError("'lotline import' needs at least one FILE");
  const maxDocumentBytes = intFlag(flags['max-document-size'], 'max-document-size');
  const summaries: ImportSummary[] = [];
  for (const file of files) {
    const started = Date.now();
    let lastReport = 0;
    let summary: ImportSummary;
    try {
      summary = await importFile(store, file, {
      context: cliContext(),
      ...(maxDocumentBytes !== undefined ? { maxDocumentBytes } : {}),
      onProgress: (p) => {
        const now = Date.now();
        // Progress only for imports that take more than a second, at most twice a second.
        if (flags.quiet || now - started < 1000 || now - lastReport < 500) return;
        lastReport = now;
        const pctDone = p.totalBytes > 0 ? Math.floor((100 * p.bytesRead) / p.totalBytes) : 100;
        io.err(`${p.file}: ${pctDone}% (${p.events} events, ${Math.round(p.events / ((now - started) / 1000))} events/s)`);
      },
      });
    } catch (e) {
      // Files before this one are stored (each file is its own atomic capture): say so.
      if (summaries.length > 0) {
        if (flags.json) io.out(JSON.stringify({ files: summaries }, null, 2));
        io.err(`lotline: ${summaries.length} file(s) before ${file} were imported; ${file} and the files after it were not.`);
      }
      throw e;
    }
    summaries.push(summary);
    if (!flags.json) {
      io.out(
        `${file}: ${summary.events} event(s) — ${summary.stored} stored, ${summary.duplicates} already present, ${summary.declared} error declaration(s) applied (${summary.format === 'ndjson' ? 'NDJSON' : 'EPCIS'}, ${Date.now() - started} ms)`,
      );
    }
  }
  if (flags.json) io.out(JSON.stringify({ files: summaries }, null, 2));
  return 0;
}

/** Log entries read from the source per round trip while copying. */
const COPY_PAGE = 5000;

/** Copies a whole log into an empty database, keeping positions, record times, attribution and hashes. */
async function cmdCopy(rest: readonly string[], flags: Flags, io: CliIo): Promise<number> {
  if (rest.length > 0) throw new UsageError(`'lotline copy' takes no arguments (got ${rest.join(' ')})`);
  if (flags.db !== undefined) throw new UsageError("'lotline copy' takes --from DB and --to DB, not --db");
  if (flags.from === undefined || flags.to === undefined) throw new UsageError("'lotline copy' needs --from DB (the database to copy) and --to DB (an empty one)");
  if (flags.from === flags.to) throw new UsageError("'lotline copy' needs two different databases");
  const source = await openStore(flags.from, { create: false });
  let target: EventStore | undefined;
  try {
    target = await openStore(flags.to, { create: true });
    const existing = await target.headSeq();
    if (existing > 0) throw new UsageError(`the target database already holds ${existing} log entries; copy into a new, empty one`);
    const started = Date.now();
    const session = await target.beginCapture();
    let copied = 0;
    try {
      for (let page = await source.readLog(0, COPY_PAGE); page.length > 0; page = await source.readLog(page[page.length - 1]!.seq, COPY_PAGE)) {
        await session.appendRecorded(page);
        copied += page.length;
        if (!flags.quiet && Date.now() - started > 1000) io.err(`copy: ${copied} log entries`);
      }
      await session.commit();
    } catch (e) {
      await session.rollback();
      throw e;
    }
    const [from, to] = [await source.verify(), await target.verify()];
    const result = { entries: copied, headHash: to.headHash, sourceHeadHash: from.headHash, ok: from.ok && to.ok && from.headHash === to.headHash, ms: Date.now() - started };
    if (flags.json) io.out(JSON.stringify(result, null, 2));
    else io.out(`${copied} log entries copied in ${result.ms} ms; the copy verifies, head ${to.headHash}${result.ok ? ' (same as the source)' : ' — DIFFERENT from the source'}.`);
    if (!result.ok) io.err('lotline: CHAIN_BROKEN: the copy does not end at the same head hash as the source; keep both for investigation');
    return result.ok ? 0 : 1;
  } finally {
    await source.close();
    await target?.close();
  }
}
