/**
 * An XLSX workbook of report tables, one sheet each, made to be sorted and filtered: one header
 * row (frozen, with an auto-filter), no merged cells, numbers as numbers and dates as date cells.
 *
 * The SpreadsheetML parts are written as bytes here (ECMA-376: workbook, one worksheet per table,
 * a fixed style sheet; text cells inline) and zipped by zip-archive.ts as they are written:
 * a sheet is never one string or one buffer. exceljs built a cell object per cell and took 10–20 s
 * for an FSMA report of 40,000 rows; this takes a fraction of a second for 137,000.
 * The tests read the files back with exceljs, so what a spreadsheet program sees is checked.
 */
import { ByteChunks, utf8Bytes } from './byte-chunks.js';
import type { Cell, Column, ReportTable } from './report-table.js';
import { zipStream } from './zip-archive.js';

const SHEET_NAME_BAD = /[[\]:*?/\\]/g;

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';

/** Cell styles of styles.xml, by position in cellXfs. */
const STYLE = { date: 1, header: 2, headerDate: 3 } as const;

const STYLES =
  `${XML}<styleSheet xmlns="${MAIN}">` +
  '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>' +
  '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="4">' +
  '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>' +
  '<xf numFmtId="164" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>' +
  '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>';

// Characters XML 1.0 does not allow at all (C0 controls other than tab, CR, LF; lone surrogates; U+FFFE/FFFF).
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;
// eslint-disable-next-line no-control-regex
const NOT_XML_G = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const SPECIAL = /[&<>"]/;

function escapeXml(s: string): string {
  // a character XML cannot carry is shown as U+FFFD rather than making the whole file unreadable
  const clean = NOT_XML.test(s) ? s.replace(NOT_XML_G, '\ufffd') : s;
  return SPECIAL.test(clean) ? clean.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;') : clean;
}

/** Column letters: 0 → A, 25 → Z, 26 → AA. */
function columnName(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** Days since 1899-12-30, Excel's 1900 date system, of a calendar date held at UTC midnight. */
function serialDate(d: Date): number {
  return d.getTime() / 86_400_000 + 25_569;
}

/** A text cell (the header's): written inline, as every text cell is (see `worksheet`). */
function textCell(ref: string, style: string, s: string): string {
  return `<c r="${ref}"${style} t="inlineStr"><is><t xml:space="preserve">${escapeXml(s)}</t></is></c>`;
}

/**
 * Writes text as escapeXml spells it: ASCII that needs no escape (nearly every cell of a report)
 * is copied byte by byte; anything else goes through escapeXml.
 */
function writeXmlText(w: ByteChunks, s: string): void {
  const n = s.length;
  w.room(n);
  const buf = w.buf;
  let p = w.pos;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    // '"', '&', '<', '>', controls other than tab/LF/CR, non-ASCII: w.pos has not moved, so nothing copied is kept
    if (c >= 128 || c === 34 || c === 38 || c === 60 || c === 62 || (c < 32 && c !== 9 && c !== 10 && c !== 13)) return w.utf8(escapeXml(s));
    buf[p++] = c;
  }
  w.pos = p;
}

/** The fixed bytes around one column's cells: what goes before the row number and after it, per kind of cell. */
interface CellBytes {
  /** `<c r="A` */
  readonly open: Uint8Array;
  /** `" s="1"><v>` (or without the style), then the number, then CLOSE_V */
  readonly number: Uint8Array;
  /** `" t="inlineStr"><is><t>` (or with the style), then the text, then CLOSE_T */
  readonly text: Uint8Array;
  /** The same with `xml:space="preserve"`, for a text with white space at either end */
  readonly textPreserve: Uint8Array;
  readonly isDate: boolean;
}

const CLOSE_V = utf8Bytes('</v></c>');
const CLOSE_T = utf8Bytes('</t></is></c>');
const EMPTY_DATE = utf8Bytes(`" s="${STYLE.date}"/>`);
const DATE_V = utf8Bytes(`" s="${STYLE.date}"><v>`);
const ROW_OPEN = utf8Bytes('<row r="');
const ROW_CLOSE = utf8Bytes('</row>');

/**
 * The sheet's XML in buffers of about a megabyte: cells written straight into them, no string per
 * cell or row. Text cells are inline, not through a shared-string table: the table made the FSMA
 * sheets of 137,000 rows 79 MB of XML instead of 169 MB (11.3 MB zipped instead of 12.7), but
 * looking 1.8 million cells up in a map of their distinct texts cost more CPU (~1.0 s against
 * ~0.7 s) than deflating the repeats saved.
 */
function* worksheet(t: ReportTable): Generator<Buffer> {
  const cols: readonly Column[] = t.columns;
  const letters = cols.map((_, i) => columnName(i));
  const last = cols.length > 0 ? letters[cols.length - 1]! : 'A';
  const lastRow = cols.length > 0 ? 1 + t.rows.length : 1;
  const w = new ByteChunks();
  let out =
    `${XML}<worksheet xmlns="${MAIN}" xmlns:r="${REL}"><dimension ref="A1:${last}${lastRow}"/>` +
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>' +
    '<sheetFormatPr defaultRowHeight="15"/>';
  if (cols.length > 0) {
    out += '<cols>';
    cols.forEach((c, i) => (out += `<col min="${i + 1}" max="${i + 1}" width="${Math.min(60, Math.max(12, c.header.length * 0.6))}" customWidth="1"${c.kind === 'date' ? ` style="${STYLE.date}"` : ''}/>`));
    out += '</cols><sheetData>';
    out += `<row r="1" spans="1:${cols.length}" s="${STYLE.header}" customFormat="1">`;
    cols.forEach((c, i) => (out += textCell(`${letters[i]}1`, ` s="${c.kind === 'date' ? STYLE.headerDate : STYLE.header}"`, c.header)));
    out += '</row>';
    w.utf8(out);
    const rowSpans = utf8Bytes(`" spans="1:${cols.length}">`);
    const keys = cols.map((c) => c.key);
    const cells: CellBytes[] = cols.map((c, i) => {
      const style = c.kind === 'date' ? ` s="${STYLE.date}"` : '';
      return { open: utf8Bytes(`<c r="${letters[i]}`), number: utf8Bytes(`"${style}><v>`), text: utf8Bytes(`"${style} t="inlineStr"><is><t>`), textPreserve: utf8Bytes(`"${style} t="inlineStr"><is><t xml:space="preserve">`), isDate: c.kind === 'date' };
    });
    const textOnly = utf8Bytes('" t="inlineStr"><is><t xml:space="preserve">');
    // the row number's digits, written once per row and copied into each cell reference
    const digits = Buffer.alloc(12);
    let r = 1;
    for (const row of t.rows) {
      r++;
      const rn = digits.write(String(r), 0, 'latin1');
      const ref = digits.subarray(0, rn);
      w.bytes(ROW_OPEN);
      w.bytes(ref);
      w.bytes(rowSpans);
      for (let i = 0; i < keys.length; i++) {
        const v: Cell | undefined = row[keys[i]!];
        const c = cells[i]!;
        if (v === null || v === undefined) {
          // an empty cell of a date column keeps the column's format, as a spreadsheet program writes it
          if (c.isDate) {
            w.bytes(c.open);
            w.bytes(ref);
            w.bytes(EMPTY_DATE);
          }
        } else if (typeof v === 'string') {
          w.bytes(c.open);
          w.bytes(ref);
          // xml:space="preserve" only where a reader would otherwise trim (a fifth of the sheet's bytes if on every cell)
          w.bytes(v.length > 0 && (v.charCodeAt(0) <= 32 || v.charCodeAt(v.length - 1) <= 32) ? c.textPreserve : c.text);
          writeXmlText(w, v);
          w.bytes(CLOSE_T);
        } else if (typeof v === 'number') {
          w.bytes(c.open);
          w.bytes(ref);
          if (Number.isFinite(v)) {
            w.bytes(c.number);
            w.number(v);
            w.bytes(CLOSE_V);
          } else {
            w.bytes(textOnly);
            w.utf8(String(v));
            w.bytes(CLOSE_T);
          }
        } else if (!Number.isNaN(v.getTime())) {
          w.bytes(c.open);
          w.bytes(ref);
          w.bytes(DATE_V);
          w.number(serialDate(v));
          w.bytes(CLOSE_V);
        }
      }
      w.bytes(ROW_CLOSE);
      if (w.full) yield w.take();
    }
    w.utf8(`</sheetData><autoFilter ref="A1:${last}${lastRow}"/>`);
  } else w.utf8(`${out}<sheetData/>`);
  w.utf8('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>');
  yield w.take();
}

/** The workbook's bytes, whole. `creator` is written into its properties. */
export async function toXlsx(tables: readonly ReportTable[], creator = 'Lotline'): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of xlsxStream(tables, creator)) parts.push(b);
  return Buffer.concat(parts);
}

/** The workbook's bytes as they are made (for a response or a file): each sheet is written and deflated a megabyte at a time. */
export function xlsxStream(tables: readonly ReportTable[], creator = 'Lotline'): AsyncGenerator<Buffer> {
  const names = tables.map((t) => t.name.replace(SHEET_NAME_BAD, ' ').slice(0, 31));
  const n = tables.length;
  const types =
    `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    names.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('') +
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>';
  const rels =
    `${XML}<Relationships xmlns="${PKG_REL}">` +
    `<Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/>` +
    `<Relationship Id="rId2" Type="${PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>` +
    `<Relationship Id="rId3" Type="${REL}/extended-properties" Target="docProps/app.xml"/></Relationships>`;
  const workbook =
    `${XML}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><workbookPr/><sheets>` +
    names.map((name, i) => `<sheet sheetId="${i + 1}" name="${escapeXml(name)}" state="visible" r:id="rId${i + 3}"/>`).join('') +
    '</sheets></workbook>';
  const workbookRels =
    `${XML}<Relationships xmlns="${PKG_REL}">` +
    `<Relationship Id="rId1" Type="${REL}/styles" Target="styles.xml"/>` +
    names.map((_, i) => `<Relationship Id="rId${i + 3}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('') +
    '</Relationships>';
  // A fixed creation date keeps the file's properties out of the way of whoever compares two reports.
  const core =
    `${XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
    `<dc:creator>${escapeXml(creator)}</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">1970-01-01T00:00:00Z</dcterms:created></cp:coreProperties>`;
  const app =
    `${XML}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">` +
    `<Application>Lotline</Application><HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>${n}</vt:i4></vt:variant></vt:vector></HeadingPairs>` +
    `<TitlesOfParts><vt:vector size="${n}" baseType="lpstr">${names.map((name) => `<vt:lpstr>${escapeXml(name)}</vt:lpstr>`).join('')}</vt:vector></TitlesOfParts></Properties>`;
  return zipStream([
    { name: '[Content_Types].xml', data: types },
    { name: '_rels/.rels', data: rels },
    { name: 'docProps/core.xml', data: core },
    { name: 'docProps/app.xml', data: app },
    { name: 'xl/workbook.xml', data: workbook },
    { name: 'xl/_rels/workbook.xml.rels', data: workbookRels },
    { name: 'xl/styles.xml', data: STYLES },
    ...tables.map((t, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, data: worksheet(t) })),
  ]);
}
