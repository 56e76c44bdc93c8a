/**
 * `lotline recall` (compute, save and print a recall scope; `--hold` places the holds) and
 * `lotline master-data` (import and list items, parties, locations), against the database directly.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { LotlineError } from '../domain/errors.js';
import type { ObjectRef } from '../domain/identifiers/object-ref.js';
import { appendAtomically } from '../capture/capture-events.js';
import type { RecallRequest } from '../genealogy/recall-scope.js';
import { openMasterDataStore, openStore, resolveDb } from '../main.js';
import { MASTER_DATA_KINDS } from '../masterdata/master-data.js';
import { masterKey } from '../masterdata/master-data-keys.js';
import { kindOf, readMasterDataCsv, readMasterDataJson } from '../masterdata/read-master-data.js';
import { notificationCsv } from '../reports/recall/notification-csv.js';
import { getRecall, recallHoldEvent, runRecall } from '../reports/recall/recall-record.js';
import { formatRecall } from '../reports/recall/recall-text.js';
import { writeReportFile } from '../reports/write-report-file.js';
import type { SavedRecall } from '../reports/recall/recall-store.js';
import type { RecallScope } from '../genealogy/recall-scope.js';
import type { CliIo } from './io.js';
import { cliContext, UsageError } from './io.js';
import type { RefFlags } from './ref-args.js';
import { refFromArgs } from './ref-args.js';

export interface RecallFlags extends RefFlags {
  db?: string | undefined;
  json?: boolean | undefined;
  quiet?: boolean | undefined;
  supplier?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  'as-of'?: string | undefined;
  hold?: boolean | undefined;
  reason?: string | undefined;
  'transit-days'?: string | undefined;
  csv?: boolean | undefined;
  out?: string | undefined;
  kind?: string | undefined;
  search?: string | undefined;
  limit?: string | undefined;
}

function requestOf(args: readonly string[], flags: RecallFlags): RecallRequest {
  const transit = flags['transit-days'];
  if (transit !== undefined && !/^\d+(\.\d+)?$/.test(transit)) throw new UsageError(`--transit-days must be a number of days (got ${JSON.stringify(transit)})`);
  const common = {
    ...(flags['as-of'] !== undefined ? { asOf: flags['as-of'] } : {}),
    ...(transit !== undefined ? { transitDays: Number(transit) } : {}),
  };
  if (args.length > 0 || flags.lot !== undefined || flags.serial !== undefined) {
    if (flags.supplier !== undefined) throw new UsageError('start a recall from lots (REF… or --item with --lot) or from --supplier/--item with --from/--to, not both');
    const lots: ObjectRef[] = args.length > 0 ? args.map((a) => refFromArgs([a], {})) : [refFromArgs([], flags)];
    return { lots, ...common };
  }
  if (flags.supplier === undefined && flags.item === undefined && flags.gtin === undefined) {
    throw new UsageError("'lotline recall' needs a start: REF…, --item ITEM --lot LOT, or --supplier S and/or --item I with --from/--to");
  }
  return {
    ...(flags.supplier !== undefined ? { supplier: flags.supplier } : {}),
    ...(flags.item !== undefined ? { item: flags.item } : flags.gtin !== undefined ? { item: flags.gtin } : {}),
    ...(flags.from !== undefined ? { from: flags.from } : {}),
    ...(flags.to !== undefined ? { to: flags.to } : {}),
    ...common,
  };
}

async function show(r: SavedRecall & { scope: RecallScope }, flags: RecallFlags, io: CliIo): Promise<void> {
  if (flags.out !== undefined) {
    await writeReportFile(flags.out, notificationCsv(r.scope));
    if (!flags.quiet) io.err(`notification list (${r.scope.customers.length} customer(s)) written to ${flags.out}`);
  }
  if (flags.csv) io.out(notificationCsv(r.scope));
  else if (flags.json) io.out(JSON.stringify(r, null, 2));
  else io.out(formatRecall(r));
}

export async function cmdRecall(args: readonly string[], flags: RecallFlags, io: CliIo): Promise<number> {
  if (flags.csv && flags.json) throw new UsageError('give --json or --csv, not both');
  const db = resolveDb(flags.db);
  const [sub, ...rest] = args;
  const store = await openStore(db, { create: false });
  const md = await openMasterDataStore(db).catch(async (e: unknown) => {
    await store.close();
    throw e;
  });
  try {
    if (sub === 'list') {
      if (rest.length > 0) throw new UsageError(`'lotline recall list' takes no arguments (got ${rest.join(' ')})`);
      const list = await md.listRecalls({ limit: flags.limit === undefined ? 100 : Number(flags.limit) });
      if (flags.json) io.out(JSON.stringify({ recalls: list }, null, 2));
      else if (list.length === 0) io.out('no recall saved yet');
      else for (const r of list) io.out(`${r.id}  ${r.computedAt}  by ${r.computedBy}  ${JSON.stringify(r.request)}  ${String(r.summary['lots'])} lot(s), ${String(r.summary['customers'])} customer(s)`);
      return 0;
    }
    if (sub === 'show' || sub === 'hold') {
      if (rest.length !== 1) throw new UsageError(`'lotline recall ${sub}' needs the recall id`);
      const r = await getRecall(md, rest[0]!);
      if (sub === 'show') {
        await show(r, flags, io);
        return 0;
      }
      return await placeHolds(store, md, r, flags, io);
    }
    const req = requestOf(args, flags);
    if (flags.hold && flags.reason === undefined) throw new UsageError("'lotline recall --hold' needs --reason (why the lots are held)");
    const started = Date.now();
    let last = 0;
    const r = await runRecall(store, md, req, cliContext().actor, (p) => {
      const now = Date.now();
      if (flags.quiet || now - started < 1000 || now - last < 500) return;
      last = now;
      io.err(`recall: ${p.step} ${p.done}/${p.total}`);
    });
    await show(r, flags, io);
    if (!flags.quiet && !flags.json && !flags.csv) io.err(`saved as ${r.id} (${Date.now() - started} ms)`);
    if (flags.hold) return await placeHolds(store, md, r, flags, io);
    return 0;
  } finally {
    await md.close();
    await store.close();
  }
}

async function placeHolds(store: Awaited<ReturnType<typeof openStore>>, md: Awaited<ReturnType<typeof openMasterDataStore>>, r: SavedRecall & { scope: RecallScope }, flags: RecallFlags, io: CliIo): Promise<number> {
  if (flags.reason === undefined) throw new UsageError("placing the holds of a recall needs --reason (why the lots are held)");
  const hold = await recallHoldEvent(store, r, flags.reason);
  if (!hold) {
    io.err(`recall ${r.id}: nothing on hand to hold (or all of it is on hold already)`);
    return 0;
  }
  const ctx = cliContext();
  const [o] = await appendAtomically(store, { label: 'command', noun: 'request', single: true }, [hold.event], '$', ctx);
  await md.recordRecallAction({ recallId: r.id, time: new Date().toISOString(), actor: ctx.actor, action: 'holds-placed', details: { eventId: hold.event.eventId, seq: o!.seq, lots: hold.lots } });
  io.err(`recall ${r.id}: held ${hold.lots.length} lot(s) at log position ${o!.seq} (reference ${r.id})`);
  return 0;
}

export async function cmdMasterData(args: readonly string[], flags: RecallFlags, io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const db = resolveDb(flags.db);
  if (sub === 'import') {
    if (rest.length !== 1) throw new UsageError("'lotline master-data import' needs one FILE (CSV or JSON)");
    const file = rest[0]!;
    const kind = flags.kind === undefined ? undefined : kindOf(flags.kind);
    if (flags.kind !== undefined && kind === undefined) throw new UsageError(`--kind must be one of ${MASTER_DATA_KINDS.join(', ')} (got ${JSON.stringify(flags.kind)})`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      const c = (e as { code?: string }).code;
      throw new LotlineError(c === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE', `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const isJson = extname(file).toLowerCase() === '.json' || /^\s*[[{]/.test(text);
    let records;
    if (isJson) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        throw new LotlineError('INPUT_NOT_JSON', `${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      records = readMasterDataJson(value, file, kind);
    } else {
      const k = kind ?? kindOf(file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '').split(/[^a-z]/i).find((w) => kindOf(w) !== undefined) ?? '');
      if (k === undefined) throw new UsageError(`which kind of records does ${file} hold? give --kind items, parties or locations (or name the file items.csv, parties.csv, locations.csv)`);
      records = readMasterDataCsv(text, k, file);
    }
    const md = await openMasterDataStore(db);
    try {
      const result = await md.put(records, cliContext().actor);
      io.out(flags.json ? JSON.stringify({ file, records: records.length, ...result }, null, 2) : `${file}: ${records.length} record(s) — ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged`);
      return 0;
    } finally {
      await md.close();
    }
  }
  if (sub === 'list' || sub === 'history') {
    const kind = rest[0] === undefined ? undefined : kindOf(rest[0]);
    if (kind === undefined) throw new UsageError(`'lotline master-data ${sub}' needs the kind: ${MASTER_DATA_KINDS.join(', ')}${rest[0] ? ` (got ${JSON.stringify(rest[0])})` : ''}`);
    const md = await openMasterDataStore(db);
    try {
      if (sub === 'history') {
        if (rest.length !== 2) throw new UsageError(`'lotline master-data history ${kind}' needs the record's id`);
        const key = masterKey(kind, rest[1]!);
        const versions = await md.history(kind, key);
        if (versions.length === 0) throw new LotlineError('MASTER_DATA_NOT_FOUND', `no ${kind} record for ${JSON.stringify(rest[1])} (key ${key})`);
        if (flags.json) io.out(JSON.stringify({ versions }, null, 2));
        else for (const v of versions) io.out(`version ${v.version}  ${v.changedAt}  by ${v.changedBy}\n  ${JSON.stringify(v.data)}`);
        return 0;
      }
      if (rest.length > 1) throw new UsageError(`'lotline master-data list' takes the kind only (got ${rest.join(' ')}); search with --search`);
      const records = await md.list(kind, { ...(flags.search !== undefined ? { search: flags.search } : {}), limit: flags.limit === undefined ? 1000 : Number(flags.limit) });
      if (flags.json) io.out(JSON.stringify({ records }, null, 2));
      else if (records.length === 0) io.out(`no ${kind} record${flags.search !== undefined ? ` matches ${JSON.stringify(flags.search)}` : ' yet'}`);
      else for (const r of records) io.out(lineOf(kind, r.data as unknown as Record<string, unknown>, r.key));
      return 0;
    } finally {
      await md.close();
    }
  }
  throw new UsageError(`'lotline master-data' needs import FILE, list KIND or history KIND ID${sub ? ` (got ${JSON.stringify(sub)})` : ''}`);
}

function lineOf(kind: string, d: Record<string, unknown>, key: string): string {
  const s = (k: string): string => (typeof d[k] === 'string' ? (d[k] as string) : '');
  if (kind === 'items') return `${key}  ${s('description')}${d['unit'] ? `  [${String(d['unit'])}]` : ''}`;
  const contact = [s('contact'), s('phone'), s('email')].filter((x) => x !== '').join(', ');
  if (kind === 'parties') return `${key}  ${s('name')}  (${(d['roles'] as string[]).join(', ')})${contact ? `  ${contact}` : ''}`;
  return `${key}  ${s('name')}${s('address') ? `  ${s('address')}` : ''}`;
}
