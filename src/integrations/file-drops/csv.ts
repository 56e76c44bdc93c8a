/**
 * A CSV reader for ERP exports (RFC 4180): quoted fields with doubled quotes and line breaks
 * inside, CRLF or LF line ends, a UTF-8 byte-order mark, and `,`, `;` or tab separators (found
 * from the header line when not given). Each record keeps the line it starts on, for reports.
 */
import { LotlineError } from '../../domain/errors.js';

export interface CsvRecord {
  /** One-based line of the file where the record starts. */
  readonly line: number;
  readonly cells: string[];
  /** Columns (by index) whose cell is a spreadsheet date, given as a wall time `YYYY-MM-DDTHH:mm:ss`. */
  readonly dates?: ReadonlySet<number>;
}

/** The separator the header line uses most, outside quotes: `,`, `;` or tab. */
export function detectSeparator(text: string): string {
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0]]);
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best = ',';
  for (const [sep, n] of counts) if (n > counts.get(best)!) best = sep;
  return best;
}

/** Parses CSV text into records; blank lines are skipped. `label` names the file in errors. */
export function parseCsv(input: string, label: string, separator?: string): CsvRecord[] {
  const text = input.replace(/^\uFEFF/, '');
  const sep = separator ?? detectSeparator(text);
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let start = 1;
  let i = 0;
  let quotedAt = 0;
  const endRecord = (): void => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === '')) records.push({ line: start, cells });
    cells = [];
    cell = '';
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && cell === '') {
      // a quoted field: up to the closing quote; "" is one quote
      quotedAt = line;
      i++;
      for (;;) {
        if (i >= text.length) throw new LotlineError('INPUT_INVALID', `${label}: line ${quotedAt}: a quoted field is never closed (a " is missing)`, { issues: [{ path: '$', reason: 'unclosed quote', file: label, line: quotedAt }] });
        const q = text[i]!;
        if (q === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\n') line++;
        cell += q;
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== sep && next !== '\n' && next !== '\r') {
        throw new LotlineError('INPUT_INVALID', `${label}: line ${line}: text after the closing quote of a field (${JSON.stringify(text.slice(i, i + 10))})`, {
          issues: [{ path: '$', reason: 'text after a closing quote', file: label, line }],
        });
      }
      continue;
    }
    if (c === sep) {
      cells.push(cell);
      cell = '';
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      endRecord();
      if (c === '\r' && text[i + 1] === '\n') i++;
      i++;
      line++;
      start = line;
      continue;
    }
    cell += c;
    i++;
  }
  if (cell !== '' || cells.length > 0) endRecord();
  return records;
}
