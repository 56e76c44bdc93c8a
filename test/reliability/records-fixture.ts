/** Small databases for the keeping-records tests: native receipts written and imported as a user would. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll } from 'vitest';
import { cli, writeNdjson } from '../helpers/cli.js';

const dirs: string[] = [];
// Registered when a test file imports this module: its folders (databases, backups) go when its tests end.
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A new temporary folder for one test, named after the task so that parallel runs never share one; removed after the file's tests. */
export function recordsDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `lotline-backup-${label}-`));
  dirs.push(dir);
  return dir;
}

/** `n` receipts of distinct lots, received a minute apart from `start`. */
export function receipts(n: number, prefix: string, start = Date.parse('2026-05-04T06:00:00Z')): object[] {
  return Array.from({ length: n }, (_, i) => ({
    cmd: 'receive',
    time: new Date(start + i * 60_000).toISOString().replace('Z', '+00:00'),
    lots: [{ item: 'FLOUR-T55', lot: `${prefix}-${i}`, quantity: 1000, uom: 'KGM' }],
    from: 'Valley Mills',
    po: `PO-${prefix}-${i}`,
    location: 'Goods in',
  }));
}

/** Imports native commands into `db` (created when missing) through the CLI; throws when the import fails. */
export async function importCommands(db: string, dir: string, name: string, commands: readonly object[]): Promise<void> {
  const file = join(dir, `${name}.ndjson`);
  writeNdjson(file, commands);
  const r = await cli('import', file, '--db', db, '--quiet');
  if (r.code !== 0) throw new Error(`import of ${name} failed: ${r.stderr}`);
}

/** Changes one stored event's body behind Lotline's back (what an attacker with the file could do). */
export function tamperWithLog(db: string, seq: number): void {
  const d = new Database(db);
  try {
    d.exec('DROP TRIGGER log_refuses_update');
    d.prepare("UPDATE log SET body = replace(body, '1000', '10') WHERE seq = ?").run(seq);
  } finally {
    d.close();
  }
}

/** Files in `dir` other than those named: what a failed command left behind. */
export function leftovers(dir: string, expected: readonly string[]): string[] {
  return readdirSync(dir).filter((f) => !expected.includes(f) && !f.endsWith('.ndjson'));
}

/** One SQL count on a database file. */
export function count(db: string, sql: string): number {
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return (d.prepare(sql).get() as { n: number }).n;
  } finally {
    d.close();
  }
}

/** Entries of the administrative audit log with this action (0 when the database has no such log yet). */
export function auditCount(db: string, action: string): number {
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    if (d.prepare("SELECT 1 FROM sqlite_master WHERE name = 'identity_audit'").get() === undefined) return 0;
    return (d.prepare('SELECT count(*) AS n FROM identity_audit WHERE action = ?').get(action) as { n: number }).n;
  } finally {
    d.close();
  }
}
