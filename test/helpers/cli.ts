/** Runs the CLI in-process, as a user would from a shell, and captures what it prints. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(...args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { out: (t) => (stdout += t.endsWith('\n') ? t : `${t}\n`), err: (t) => (stderr += t.endsWith('\n') ? t : `${t}\n`), errIsTty: false });
  return { code, stdout, stderr };
}

/** Runs a command with --json and parses stdout; fails loudly when the command failed. */
export async function cliJson<T = unknown>(...args: string[]): Promise<T> {
  const r = await cli(...args, '--json');
  if (r.code !== 0) throw new Error(`lotline ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'lotline-test-')), 'test.db');
}

export const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;

/** Writes native commands (or EPCIS events) as an NDJSON file. */
export function writeNdjson(file: string, commands: readonly object[]): void {
  writeFileSync(file, commands.map((c) => JSON.stringify(c)).join('\n'));
}

/** Writes native commands as an NDJSON file next to `db` and returns its path. */
export function ndjsonFile(db: string, name: string, commands: readonly object[]): string {
  const file = join(dirname(db), name);
  writeNdjson(file, commands);
  return file;
}
