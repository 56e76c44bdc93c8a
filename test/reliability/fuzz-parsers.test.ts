/**
 * Every parser of outside text, fed hostile input: each answers with a value or a LotlineError
 * whose code is one it documents and whose message or issues name the field — never a TypeError
 * from deep inside, never a hang. Runs: LOTLINE_FUZZ_RUNS (see fuzz-runs.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCaptureValue } from '../../src/capture/capture-events.js';
import { readBarcode } from '../../src/capture/scan/read-barcode.js';
import { checkTopicPattern, matchTopic } from '../../src/capture/mqtt/mqtt-ingest.js';
import { refFromArgs } from '../../src/cli/ref-args.js';
import { UsageError } from '../../src/cli/io.js';
import type { ErrorCode } from '../../src/domain/errors.js';
import { LotlineError } from '../../src/domain/errors.js';
import { parseRef, refKey } from '../../src/domain/identifiers/index.js';
import { toMs } from '../../src/genealogy/trace.js';
import { parseCsv } from '../../src/integrations/file-drops/csv.js';
import { compileDateFormat, readDate } from '../../src/integrations/file-drops/dates.js';
import { compileMapping } from '../../src/integrations/file-drops/mapping.js';
import { refFrom } from '../../src/server/ref-query.js';
import { assertProperty, fuzzRuns } from './fuzz-runs.js';
import { BAKERY, hostileCommand, hostileString, mutated } from './hostile-strings.js';

/** Runs `f`; a thrown error must be a LotlineError with one of `codes` and a message that says something. */
function valueOrError<T>(f: () => T, codes: readonly ErrorCode[], also: (e: LotlineError) => void = () => {}): T | LotlineError {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof LotlineError)) throw new Error(`not a LotlineError: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e });
    expect(codes).toContain(e.code);
    expect(e.message.length).toBeGreaterThan(10);
    also(e);
    return e;
  }
}

const ID_CODES: readonly ErrorCode[] = ['ID_UNKNOWN_FORM', 'ID_INVALID', 'ID_BAD_CHECK_DIGIT'];

const VALID_REFS = [
  'urn:epc:class:lgtin:4012345.012345.LOT7',
  'urn:epc:id:sgtin:4012345.012345.400',
  'urn:epc:idpat:sgtin:4012345.012345.*',
  'urn:epc:id:sscc:4012345.0000000001',
  'urn:epc:id:sgln:4012345.00001.0',
  'urn:epc:id:pgln:4012345.00001',
  'https://id.gs1.org/01/04012345123456/10/LOT%2F7?17=261231',
  'https://example.com/01/04012345123456/21/SER1',
  'https://id.gs1.org/00/040123450000000017',
  'https://id.gs1.org/414/4012345000016',
  '(01)04012345123456(10)LOT7(17)261231',
  ']C10104012345123456\u001d10LOT7',
  ']d2010401234512345610LOT7\u001d17261231',
  ']Q30104012345123456<GS>10LOT7',
  'urn:lotline:lot:FLOUR:F-0504',
  'urn:lotline:serial:PUMP:SN%3A1',
  'urn:lotline:unit:CAGE-12',
];

const refText = fc.oneof({ weight: 3, arbitrary: mutated(VALID_REFS) }, { weight: 2, arbitrary: hostileString }, { weight: 1, arbitrary: fc.webUrl() });

describe('identifiers and barcodes', () => {
  it('parseRef: a ref (whose key is stable) or ID_UNKNOWN_FORM / ID_INVALID / ID_BAD_CHECK_DIGIT', async () => {
    await assertProperty(
      'parseRef',
      fc.property(refText, (s) => {
        const r = valueOrError(() => parseRef(s), ID_CODES);
        if (!(r instanceof LotlineError)) expect(typeof refKey(r)).toBe('string');
      }),
      fuzzRuns(20),
    );
  });

  it('readBarcode: a reading or ID_INVALID / ID_BAD_CHECK_DIGIT naming the AI', async () => {
    const barcodes = [...VALID_REFS.filter((r) => !r.startsWith('urn')), '0104012345123456103456', '(00)040123450000000017(37)12(02)04012345123456', ']C1310300018917261231', '(7003)2612312359', 'FLOUR F-0504', 'https://id.gs1.org/01/04012345123456/10/ABC?3103=000189'];
    await assertProperty(
      'readBarcode',
      fc.property(fc.oneof(mutated(barcodes), hostileString), (s) => {
        const r = valueOrError(() => readBarcode(s, new Date('2026-05-04T00:00:00Z')), ID_CODES);
        if (!(r instanceof LotlineError)) expect(['gs1', 'text']).toContain(r.kind);
      }),
      fuzzRuns(20),
    );
  });

  it('CLI REF arguments and flags: a ref, a usage error, or an ID_* error', async () => {
    const flag = fc.option(fc.oneof(hostileString, fc.constantFrom('04012345123456', '4012345123456', 'FLOUR', 'F-0504')), { nil: undefined });
    await assertProperty(
      'refFromArgs',
      fc.property(fc.array(refText, { maxLength: 2 }), flag, flag, flag, flag, (positional, item, gtin, lot, serial) => {
        try {
          refFromArgs(positional, { item, gtin, lot, serial });
        } catch (e) {
          if (e instanceof UsageError) return;
          expect(e).toBeInstanceOf(LotlineError);
          expect([...ID_CODES, 'USAGE']).toContain((e as LotlineError).code);
        }
      }),
      fuzzRuns(10),
    );
  });

  it('HTTP ref parameters (path or query): a ref or an error whose issue names the parameter', async () => {
    const param = fc.option(fc.oneof(hostileString, refText), { nil: undefined });
    await assertProperty(
      'refFrom (HTTP)',
      fc.property(param, param, param, param, param, fc.constantFrom('query' as const, 'path' as const), (ref, item, gtin, lot, serial, where) => {
        valueOrError(() => refFrom({ ref, item, gtin, lot, serial }, where), [...ID_CODES, 'INPUT_INVALID'], (e) => {
          if (e.code === 'INPUT_INVALID') expect(e.issues[0]?.path).toMatch(new RegExp(`^${where}\\.`));
        });
      }),
      fuzzRuns(10),
    );
  });
});

describe('regressions found by these properties', () => {
  it('a Digital Link barcode with a bad host or percent-encoding is ID_INVALID, not a TypeError', () => {
    for (const s of ['https://%id.gs1.org/01/04012345123456/10/OT%2F7?17=261231', 'https://id.gs1.org/01/04012345123456/10/%E0%A4%A']) {
      const r = valueOrError(() => readBarcode(s), ID_CODES);
      expect(r).toBeInstanceOf(LotlineError);
    }
  });
});

describe('regressions found by these properties (native commands)', () => {
  it('a party name with an unpaired surrogate or a control character is a field issue, not an exception', () => {
    for (const [field, value] of [['from', '\ud800'], ['from', 'S\u0000x'], ['location', 'Dock\u0007'], ['po', '\udc00PO']] as const) {
      const cmd = { ...(BAKERY[0] as Record<string, unknown>), [field]: value };
      const e = valueOrError(() => readCaptureValue(cmd), ['NATIVE_INVALID_FIELD']);
      expect(e).toBeInstanceOf(LotlineError);
      expect((e as LotlineError).issues[0]?.path).toBe(`$.${field}`);
    }
  });
});

describe('times', () => {
  const times = mutated(['2026-05-04', '2026-05-04T10:00:00+02:00', '2026-05-04T10:00Z', '2026-12-31T23:59:59.999-11:00']);
  it('query and CLI times (--from, --to, --as-of, GE_eventTime): a time or USAGE naming the option', async () => {
    await assertProperty(
      'toMs',
      fc.property(fc.oneof(times, hostileString), (s) => {
        const r = valueOrError(() => toMs(s, 'from', 0), ['USAGE'], (e) => expect(e.message).toContain('the from time'));
        if (typeof r === 'number') expect(Number.isFinite(r)).toBe(true);
      }),
      fuzzRuns(20),
    );
  });

  it('file-drop dates: a zoned time or a reason, for any text and format', async () => {
    const formats = ['DD.MM.YYYY HH:mm:ss', 'YYYY-MM-DD', 'MM/DD/YY HH:mm', 'YYYYMMDD'].map((f) => compileDateFormat(f));
    await assertProperty(
      'readDate',
      fc.property(fc.oneof(mutated(['04.05.2026 07:45:00', '2026-05-04', '05/04/26 07:45', '20260504']), hostileString), fc.nat(3), fc.constantFrom('UTC', 'Europe/Berlin', '+05:30', 'America/St_Johns'), (text, f, zone) => {
        const r = readDate(text, formats[f]!, zone);
        if ('time' in r) expect(Number.isNaN(Date.parse(r.time))).toBe(false);
        else expect(r.reason.length).toBeGreaterThan(5);
      }),
      fuzzRuns(20),
    );
  });
});

describe('CSV and mappings', () => {
  const csvChar = fc.constantFrom('a', 'Z', '1', '"', ',', ';', '\t', '\n', '\r', ' ', 'é', '\uFEFF', '\u0000', "'");
  it('parseCsv: records on increasing lines, or INPUT_INVALID naming the line of the open quote', async () => {
    await assertProperty(
      'parseCsv',
      fc.property(fc.string({ unit: csvChar, maxLength: 200 }), fc.constantFrom(undefined, ',', ';', '\t'), (text, sep) => {
        const r = valueOrError(() => parseCsv(text, 'drop.csv', sep), ['INPUT_INVALID'], (e) => expect(e.issues[0]).toMatchObject({ file: 'drop.csv', line: expect.any(Number) }));
        if (Array.isArray(r)) for (let i = 1; i < r.length; i++) expect(r[i]!.line).toBeGreaterThan(r[i - 1]!.line);
      }),
      fuzzRuns(20),
    );
  });

  it('parseCsv reads back any cells written with RFC 4180 quoting', async () => {
    const cell = fc.string({ unit: csvChar, maxLength: 12 }).map((s) => s.replace(/^\uFEFF/, ''));
    await assertProperty(
      'parseCsv round trip',
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 6 }), fc.constantFrom(',', ';', '\t'), (rows, sep) => {
        const width = rows[0]!.length;
        const table = rows.map((r) => [...r, ...Array<string>(width).fill('')].slice(0, width));
        const text = table.map((r) => r.map((c) => `"${c.replaceAll('"', '""')}"`).join(sep)).join('\r\n');
        expect(parseCsv(text, 'x.csv', sep).map((r) => r.cells)).toEqual(table);
      }),
      fuzzRuns(10),
    );
  });

  it('compileMapping: a mapping or MAPPING_INVALID with every issue at a $ path', async () => {
    const base = { kind: 'receive', time_zone: 'UTC', event: { time: 'Date', from: 'Vendor' }, lines: { item: 'Item', lot: 'Lot' } } as Record<string, unknown>;
    const key = fc.constantFrom('kind', 'time_zone', 'date_format', 'separator', 'decimal', 'units', 'event', 'lines', 'sheet', 'format', 'colour');
    const junk = fc.oneof(hostileString, fc.anything({ maxDepth: 3 }), fc.constantFrom('produce', 'ship', 'Europe/Berlin', 'YYYY', ',', { column: 'X' }, { column: ['A', 'B'] }, { value: 1 }));
    await assertProperty(
      'compileMapping',
      fc.property(fc.array(fc.tuple(key, junk), { maxLength: 3 }), (edits) => {
        const doc = { ...base };
        for (const [k, v] of edits) doc[k] = v;
        valueOrError(() => compileMapping(doc, 'm.yaml'), ['MAPPING_INVALID'], (e) => {
          expect(e.issues.length).toBeGreaterThan(0);
          for (const i of e.issues) expect(i.path).toMatch(/^\$/);
        });
      }),
      fuzzRuns(10),
    );
  });
});

describe('captured JSON and MQTT topics', () => {
  const CAPTURE_CODES: readonly ErrorCode[] = ['NATIVE_INVALID_FIELD', 'INPUT_TOO_DEEP', 'INPUT_STRING_TOO_LONG', 'INPUT_TOO_MANY_EVENTS'];
  it('readCaptureValue (POST /events, MQTT event messages): events, or a capture code with issues at $ paths', async () => {
    await assertProperty(
      'readCaptureValue',
      fc.property(fc.oneof({ weight: 4, arbitrary: hostileCommand }, { weight: 1, arbitrary: fc.array(hostileCommand, { maxLength: 3 }) }, { weight: 1, arbitrary: fc.anything() }), (v) => {
        valueOrError(() => readCaptureValue(v), CAPTURE_CODES, (e) => {
          expect(e.issues.length).toBeGreaterThan(0);
          for (const i of e.issues) expect(i.path).toMatch(/^\$/);
        });
      }),
      fuzzRuns(10),
    );
  });

  it('MQTT topic patterns and topics: a match, no match, or USAGE for a bad pattern', async () => {
    const topic = fc.oneof(hostileString, fc.array(fc.constantFrom('lotline', 'scan', '+', '#', '', 'st-1', '..', '\u0000'), { maxLength: 5 }).map((p) => p.join('/')));
    await assertProperty(
      'MQTT topics',
      fc.property(topic, topic, (pattern, t) => {
        const ok = valueOrError(() => checkTopicPattern(pattern, '--mqtt-scan-topic', true), ['USAGE']);
        if (!(ok instanceof LotlineError)) {
          const m = matchTopic(pattern, t);
          if (m !== undefined) expect(Array.isArray(m)).toBe(true);
        }
      }),
      fuzzRuns(10),
    );
  });
});
