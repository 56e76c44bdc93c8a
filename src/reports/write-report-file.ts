/**
 * Writes a report to its file whole or not at all: the bytes go to a file beside it, then the
 * file is renamed into place, so a failure never leaves half a spreadsheet behind. Content given
 * in pieces (a large report as it is written) is written piece by piece, never held whole.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { LotlineError } from '../domain/errors.js';

export type ReportFileContent = string | Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/** An error of the content's own making (not of the file), carried past the file's error handling. */
class ContentFailed {
  constructor(readonly error: unknown) {}
}

async function* marked(content: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    yield* content;
  } catch (e) {
    throw new ContentFailed(e);
  }
}

export async function writeReportFile(path: string, content: ReportFileContent): Promise<void> {
  const aside = `${path}.${process.pid}.partial`;
  try {
    await writeFile(aside, typeof content === 'string' || content instanceof Uint8Array ? content : marked(content));
    await rename(aside, path);
  } catch (e) {
    await rm(aside, { force: true }).catch(() => {});
    // the report failed while being written: its own error, and no file
    if (e instanceof ContentFailed) throw e.error;
    const reason = e instanceof Error ? e.message.replace(`${aside}`, path) : String(e);
    throw new LotlineError('FILE_NOT_WRITABLE', `cannot write ${path}: ${reason}`, { issues: [{ path: '--out', reason }], cause: e });
  }
}
