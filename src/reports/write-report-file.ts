/**
 * Writes a report to its file whole or not at all: the bytes go to a file beside it, then the
 * file is renamed into place, so a failure never leaves half a spreadsheet behind.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { LotlineError } from '../domain/errors.js';

export async function writeReportFile(path: string, content: string | Uint8Array): Promise<void> {
  const aside = `${path}.${process.pid}.partial`;
  try {
    await writeFile(aside, content);
    await rename(aside, path);
  } catch (e) {
    await rm(aside, { force: true }).catch(() => {});
    const reason = e instanceof Error ? e.message.replace(`${aside}`, path) : String(e);
    throw new LotlineError('FILE_NOT_WRITABLE', `cannot write ${path}: ${reason}`, { issues: [{ path: '--out', reason }], cause: e });
  }
}
