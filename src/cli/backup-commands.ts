/**
 * `lotline backup` and `lotline restore` (issue 10, keeping records). A backup is taken online
 * with SQLite's backup API, checked (SQLite's quick_check, then the hash chain) before it is
 * given its name, and recorded in the audit trail of the database it was taken from. A restore
 * checks the backup first, refuses to replace a database that holds records unless told, and
 * checks the result again. PostgreSQL is backed up with its own tools (docs/reliability.md).
 */
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, linkSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { LotlineError } from '../domain/errors.js';
import {
  backupSqliteDatabase,
  checkpointSqliteFile,
  isPostgresUrl,
  openIdentityStore,
  openStore,
  parsePostgresUrl,
  quickCheckSqliteFile,
  redactUrl,
  resolveDb,
  sqliteTablesWithRows,
} from '../main.js';
import type { CliIo } from './io.js';
import { cliContext, UsageError } from './io.js';

export interface BackupOptions {
  /** Replace an existing file at the target path. */
  readonly force?: boolean;
  /** Pages per backup step (tests make it small so that writes land between steps). */
  readonly pagesPerStep?: number;
  /** Called after each step with the share copied (0..1) and the restarts so far. */
  readonly onProgress?: (p: { readonly done: number; readonly copiedPages: number; readonly totalPages: number; readonly restarts: number }) => void;
}

/** What a backup or restore produced, as printed with `--json`. */
export interface BackupSummary {
  readonly file: string;
  /** Log entries in the copy, and the hash of its last one: the source had this head at that log position. */
  readonly entries: number;
  readonly headSeq: number;
  readonly headHash: string;
  readonly events: number;
  readonly declarations: number;
  readonly bytes: number;
  /** SHA-256 of the backup file, to check a copy of it later (`sha256sum`). */
  readonly sha256: string;
  readonly ms: number;
  /** Where the time went (backup only): copying, checking structure and chain, hashing the file; and restarts caused by writers. */
  readonly phases?: { readonly copyMs: number; readonly checkMs: number; readonly hashMs: number; readonly restarts: number };
}

/** The files SQLite may keep beside a database. */
function withSidecars(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`, `${path}-journal`];
}

function removeWithSidecars(path: string): void {
  for (const f of withSidecars(path)) rmSync(f, { force: true });
}

async function fileSha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** A name beside `path` for a file being written, never one a user would pick. */
function asideName(path: string, what: string): string {
  return join(dirname(path), `.${basename(path)}.${what}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Checks a SQLite file as a Lotline database: structure, then the hash chain; throws when it is not a usable copy. */
async function checkCopy(path: string, label: string): Promise<Omit<BackupSummary, 'file' | 'bytes' | 'sha256' | 'ms'>> {
  let structure: string;
  try {
    structure = quickCheckSqliteFile(path);
  } catch (e) {
    throw new LotlineError('BACKUP_INVALID', `${label} is not a SQLite database: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (structure !== 'ok') throw new LotlineError('BACKUP_INVALID', `${label} is damaged (SQLite quick_check: ${structure.slice(0, 300)})`);
  let store;
  try {
    store = await openStore(path, { create: false });
  } catch (e) {
    if (e instanceof LotlineError && e.code === 'STORE_UNAVAILABLE') throw new LotlineError('BACKUP_INVALID', `${label} is not a Lotline database: ${e.message}`, { cause: e });
    throw e;
  }
  try {
    const v = await store.verify();
    if (!v.ok) {
      throw new LotlineError('CHAIN_BROKEN', `${label}: the hash chain of its event log breaks at log position ${v.brokenAt!.seq} (${v.brokenAt!.reason}); ${v.entries} entries before it verify`);
    }
    const stats = await store.stats();
    return { entries: v.entries, headSeq: await store.headSeq(), headHash: v.headHash, events: stats.events, declarations: stats.declarations };
  } finally {
    await store.close();
  }
}

/**
 * Backs the SQLite database `db` up to `out` while it stays in use: the copy is written beside
 * `out`, checked, and only then given its name, so a failure leaves no half file.
 */
export async function backupToFile(db: string, out: string, options: BackupOptions = {}): Promise<BackupSummary> {
  if (isPostgresUrl(db)) throw postgresBackupError(db, out);
  if (db === ':memory:') throw new UsageError("'lotline backup' needs a database file, not :memory:");
  if (!existsSync(db)) throw new LotlineError('STORE_NOT_FOUND', `no Lotline database at ${resolve(db)}; check --db (or $LOTLINE_DB)`);
  if (resolve(db) === resolve(out)) throw new UsageError('--out must not be the database itself');
  if (existsSync(out) && !options.force) {
    throw new LotlineError('BACKUP_TARGET_EXISTS', `${resolve(out)} exists already; choose a new name for the backup, or give --force to replace it`, {
      issues: [{ path: '--out', reason: 'the file exists' }],
    });
  }
  if (!existsSync(dirname(resolve(out)))) {
    throw new LotlineError('FILE_NOT_WRITABLE', `cannot write the backup ${out}: the folder ${dirname(resolve(out))} does not exist`, { issues: [{ path: '--out', reason: 'the folder does not exist' }] });
  }
  // opened as every command opens it: a foreign file is refused here, and an older schema is brought
  // up to date first, so that checking the copy never migrates it (the backup is the source as it is)
  await (await openStore(db, { create: false })).close();
  const started = Date.now();
  const aside = asideName(out, 'backup');
  try {
    const { restarts } = await backupSqliteDatabase(db, aside, {
      ...(options.pagesPerStep !== undefined ? { pagesPerStep: options.pagesPerStep } : {}),
      onProgress: (p) => options.onProgress?.({ ...p, done: p.totalPages > 0 ? p.copiedPages / p.totalPages : 1 }),
    });
    const copied = Date.now();
    const checked = await checkCopy(aside, `the backup of ${db}`);
    // the check opened the copy in WAL mode; closing it folded the WAL back, so the file alone is the backup
    const wasChecked = Date.now();
    const sha256 = await fileSha256(aside);
    const bytes = statSync(aside).size;
    try {
      placeNew(aside, out, options.force ?? false);
    } catch (e) {
      if (e instanceof LotlineError) throw e;
      throw new LotlineError('FILE_NOT_WRITABLE', `cannot give the backup its name ${out}: ${e instanceof Error ? e.message : String(e)}; the backup was not kept`, { issues: [{ path: '--out', reason: e instanceof Error ? e.message : String(e) }], cause: e });
    }
    const done = Date.now();
    return { file: resolve(out), ...checked, bytes, sha256, ms: done - started, phases: { copyMs: copied - started, checkMs: wasChecked - copied, hashMs: done - wasChecked, restarts } };
  } finally {
    removeWithSidecars(aside);
  }
}

/** Gives the checked copy its name: without `force`, a hard link that fails when the name was taken meanwhile. */
function placeNew(aside: string, out: string, force: boolean): void {
  if (force) {
    // a replaced database's WAL must not outlive it: SQLite would replay it into the new file
    for (const f of withSidecars(out).slice(1)) rmSync(f, { force: true });
    renameSync(aside, out);
    return;
  }
  try {
    linkSync(aside, out);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'EEXIST') throw new LotlineError('BACKUP_TARGET_EXISTS', `${resolve(out)} was created by someone else while the backup ran; the backup was not kept`);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw e;
    // a file system without hard links: the check before the backup is what remains
    if (existsSync(out)) throw new LotlineError('BACKUP_TARGET_EXISTS', `${resolve(out)} was created by someone else while the backup ran; the backup was not kept`);
    renameSync(aside, out);
  }
}

function postgresBackupError(db: string, file: string): LotlineError {
  let schema = 'public';
  let url = redactUrl(db);
  try {
    const parsed = parsePostgresUrl(db);
    schema = parsed.schema;
    url = redactUrl(parsed.connectionString);
  } catch {
    // an unreadable URL: the generic advice below still holds
  }
  return new LotlineError(
    'BACKUP_USE_PG_DUMP',
    `a PostgreSQL database is backed up with PostgreSQL's own tools, online and consistent: pg_dump --format=custom --schema=${schema} --file=${file} '${url}'; restore it with pg_restore --dbname=NEW-DATABASE ${file}, then check it with lotline verify --db 'postgres://…/NEW-DATABASE?schema=${schema}' (docs/reliability.md)`,
  );
}

/** Options of a restore. */
export interface RestoreOptions {
  /** Replace a database that holds records. */
  readonly force?: boolean;
}

/** Restores a backup made by `backupToFile` to the SQLite database `db`: checked before and after. */
export async function restoreFromFile(file: string, db: string, options: RestoreOptions = {}): Promise<BackupSummary & { readonly replaced: readonly string[] }> {
  if (isPostgresUrl(db)) throw postgresBackupError(db, file);
  if (db === ':memory:') throw new UsageError("'lotline restore' needs a database file, not :memory:");
  if (!existsSync(file)) throw new LotlineError('FILE_NOT_FOUND', `no backup at ${resolve(file)}`, { issues: [{ path: 'FILE', reason: 'the file does not exist' }] });
  if (resolve(file) === resolve(db)) throw new UsageError('the backup and --db must be different files');
  if (!existsSync(dirname(resolve(db)))) throw new LotlineError('FILE_NOT_WRITABLE', `cannot restore to ${db}: the folder ${dirname(resolve(db))} does not exist`);
  const started = Date.now();
  const sha256 = await fileSha256(file);
  // checked on a copy beside the target: opening a database may write to it (WAL), the backup stays as it is
  const aside = asideName(db, 'restore');
  try {
    copyFileSync(file, aside);
    const before = await checkCopy(aside, `the backup ${file}`);
    const replaced = existsSync(db) ? recordsIn(db) : [];
    if (replaced.length > 0 && !options.force) {
      throw new LotlineError(
        'RESTORE_TARGET_NOT_EMPTY',
        `${resolve(db)} holds records (${replaced.join(', ')}); restore into a new path, or stop every Lotline process using it and give --force to replace it. Nothing was changed`,
      );
    }
    if (existsSync(db)) {
      // its WAL must not outlive it: SQLite would replay it into the restored file
      checkpointSqliteFile(db);
      for (const f of withSidecars(db).slice(1)) rmSync(f, { force: true });
    }
    renameSync(aside, db);
    const after = await checkCopy(db, `the restored database ${db}`);
    if (after.headHash !== before.headHash || after.entries !== before.entries) {
      throw new LotlineError('CHAIN_BROKEN', `the restored database ${db} ends at ${after.headHash} after ${after.entries} entries, the backup at ${before.headHash} after ${before.entries}; keep both for investigation`);
    }
    return { file: resolve(file), ...after, bytes: statSync(file).size, sha256, ms: Date.now() - started, replaced };
  } finally {
    removeWithSidecars(aside);
  }
}

/** What replacing `db` would lose: its tables holding rows; a file that is not a Lotline database is refused outright. */
function recordsIn(db: string): string[] {
  if (statSync(db).size === 0) return [];
  let tables: { lotline: boolean; withRows: string[] };
  try {
    tables = sqliteTablesWithRows(db);
  } catch (e) {
    throw new LotlineError('STORE_UNAVAILABLE', `${resolve(db)} is not a SQLite database; it is never replaced by a restore: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (!tables.lotline) throw new LotlineError('STORE_UNAVAILABLE', `${resolve(db)} is a SQLite database but not a Lotline one; it is never replaced by a restore`);
  return tables.withRows;
}

/** `lotline backup --out FILE [--force]`. */
export async function cmdBackup(rest: readonly string[], flags: { db?: string; out?: string; force?: boolean; json?: boolean; quiet?: boolean }, io: CliIo): Promise<number> {
  if (rest.length > 0) throw new UsageError(`'lotline backup' takes no arguments (got ${rest.join(' ')}); give the backup file with --out FILE`);
  if (flags.out === undefined) throw new UsageError("'lotline backup' needs --out FILE (a new file)");
  const db = resolveDb(flags.db);
  const started = Date.now();
  let lastReport = 0;
  const summary = await backupToFile(db, flags.out, {
    force: flags.force ?? false,
    onProgress: (p) => {
      const now = Date.now();
      // progress only for backups that take more than a second, at most twice a second
      if (flags.quiet || now - started < 1000 || now - lastReport < 500) return;
      lastReport = now;
      io.err(`backup: ${Math.floor(100 * p.done)}% (${p.copiedPages} of ${p.totalPages} pages${p.restarts > 0 ? `, started over ${p.restarts}× after writes` : ''})`);
    },
  });
  await recordInAuditTrail(db, 'records.backup', summary.file, summary);
  if (flags.json) io.out(JSON.stringify(summary, null, 2));
  else {
    io.out(
      `${summary.file}: backup of ${db}, ${summary.entries} log entries (${summary.events} events, ${summary.declarations} error declarations), hash chain verified, head ${summary.headHash} at log position ${summary.headSeq}; ${summary.bytes} bytes, sha256 ${summary.sha256} (${summary.ms} ms)`,
    );
  }
  return 0;
}

/** `lotline restore FILE --db DB [--force]`. */
export async function cmdRestore(rest: readonly string[], flags: { db?: string; force?: boolean; json?: boolean }, io: CliIo): Promise<number> {
  if (rest.length !== 1) throw new UsageError("'lotline restore' needs the backup FILE (one), and --db DB for where to restore it");
  const db = resolveDb(flags.db);
  const summary = await restoreFromFile(rest[0]!, db, { force: flags.force ?? false });
  await recordInAuditTrail(db, 'records.restore', summary.file, summary);
  if (flags.json) io.out(JSON.stringify({ ...summary, db: resolve(db) }, null, 2));
  else {
    io.out(
      `${resolve(db)}: restored from ${summary.file} (sha256 ${summary.sha256}); ${summary.entries} log entries, hash chain verified before and after, head ${summary.headHash} at log position ${summary.headSeq}${summary.replaced.length > 0 ? '; the database it replaced held ' + summary.replaced.join(', ') : ''} (${summary.ms} ms)`,
    );
  }
  return 0;
}

/** The administrative audit log (identity audit, shown by `lotline report audit`) records every backup and restore. */
async function recordInAuditTrail(db: string, action: string, target: string, s: BackupSummary): Promise<void> {
  const identity = await openIdentityStore(db);
  try {
    const ctx = cliContext();
    await identity.appendAudit({
      actor: ctx.actor,
      origin: ctx.origin ?? null,
      action,
      target,
      details: { entries: s.entries, headSeq: s.headSeq, headHash: s.headHash, bytes: s.bytes, sha256: s.sha256 },
    });
  } finally {
    await identity.close();
  }
}
