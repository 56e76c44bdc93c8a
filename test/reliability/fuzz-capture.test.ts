/**
 * Hostile files through the whole capture path into a real store: an NDJSON file with a hostile
 * line, an EPCIS document with a hostile field, an ERP export with a hostile cell. Each is
 * imported whole, or refused with a capture code — and then the log is exactly as before
 * (same entries, same head hash).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAtomically } from '../../src/capture/capture-events.js';
import { importFile } from '../../src/capture/import-file.js';
import type { ErrorCode } from '../../src/domain/errors.js';
import { LotlineError } from '../../src/domain/errors.js';
import { loadMapping } from '../../src/integrations/file-drops/mapping.js';
import type { Mapping } from '../../src/integrations/file-drops/mapping.js';
import { processDrop } from '../../src/integrations/file-drops/watch-dir.js';
import { SqliteIntegrationStore } from '../../src/integrations/sqlite/sqlite-integration-store.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { FIXTURES, tempDb } from '../helpers/cli.js';
import { assertProperty, fuzzRuns } from './fuzz-runs.js';
import { hostileCommand, hostileString, replaceAt } from './hostile-strings.js';

const FILE_CODES: readonly ErrorCode[] = ['NATIVE_INVALID_FIELD', 'EPCIS_INVALID_FIELD', 'EPCIS_NOT_A_DOCUMENT', 'INPUT_NOT_JSON', 'INPUT_TOO_DEEP', 'INPUT_STRING_TOO_LONG', 'EVENT_ID_CONFLICT'];
const BAKERY = readFileSync(join(FIXTURES, 'scenarios/bakery.ndjson'), 'utf8').split('\n').filter((l) => l.trim() !== '');
const JUICE = JSON.parse(readFileSync(join(FIXTURES, 'epcis/juice-plant.jsonld'), 'utf8')) as unknown;
const EXAMPLES = new URL('../../docs/integrations/examples/', import.meta.url).pathname;

async function logHead(store: EventStore): Promise<string> {
  const v = await store.verify();
  return `${v.entries}:${v.headHash}:${v.ok}`;
}

/** Imports `content` as `name`; on a refusal the log must not have moved. Returns the outcome. */
async function importOrRefuse(store: EventStore, dir: string, name: string, content: string): Promise<'imported' | ErrorCode> {
  const file = join(dir, name);
  writeFileSync(file, content);
  const before = await logHead(store);
  try {
    await importFile(store, file, { captureThread: false });
    return 'imported';
  } catch (e) {
    if (!(e instanceof LotlineError)) throw new Error(`not a LotlineError: ${String(e)}`, { cause: e });
    expect(FILE_CODES).toContain(e.code);
    expect(e.message).toContain(name);
    expect(await logHead(store)).toBe(before);
    return e.code;
  }
}

describe('hostile files into a store', () => {
  let store: EventStore;
  let dir: string;
  const outcomes = new Map<string, number>();
  beforeAll(() => {
    const db = tempDb();
    store = openSqliteStore(db);
    dir = mkdtempSync(join(tmpdir(), 'lotline-fuzz-capture-'));
  });
  afterAll(async () => {
    await store.close();
    // what the runs came to, for docs/reliability.md
    if (process.env['LOTLINE_FUZZ_REPORT']) console.log('fuzz-capture outcomes', Object.fromEntries(outcomes));
  });
  const count = (k: string) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1);

  it('an NDJSON file with hostile lines: imported whole, or refused with the log unchanged', async () => {
    const line = fc.oneof({ weight: 3, arbitrary: hostileCommand.map((c) => JSON.stringify(c)) }, { weight: 1, arbitrary: hostileString }, { weight: 1, arbitrary: fc.constantFrom(...BAKERY) });
    await assertProperty(
      'NDJSON import',
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 5 }), async (lines) => {
        count(`ndjson ${await importOrRefuse(store, dir, 'hostile.ndjson', lines.join('\n'))}`);
      }),
      fuzzRuns(1),
    );
  }, 900_000);

  it('an EPCIS document with a hostile field: imported whole, or refused with the log unchanged', async () => {
    await assertProperty(
      'EPCIS import',
      fc.asyncProperty(fc.array(fc.nat(), { minLength: 1, maxLength: 7 }), fc.oneof(hostileString, fc.anything({ maxDepth: 2 })), async (path, junk) => {
        const doc = replaceAt(JUICE, path, junk);
        count(`epcis ${await importOrRefuse(store, dir, 'hostile.jsonld', JSON.stringify(doc) ?? '')}`);
      }),
      fuzzRuns(1),
    );
  }, 900_000);

  it('an ERP export with a hostile cell: processed or failed with a report, never a crash; a failure stores nothing', async () => {
    const integrations = new SqliteIntegrationStore(':memory:');
    const mapping: Mapping = await loadMapping(join(EXAMPLES, 'sap-goods-receipts.yaml'));
    const rows = readFileSync(join(EXAMPLES, 'sap-goods-receipts.csv'), 'utf8').split('\n').filter((l) => l !== '').map((l) => l.split(';'));
    const drops = mkdtempSync(join(tmpdir(), 'lotline-fuzz-drops-'));
    try {
      await assertProperty(
        'CSV drop',
        fc.asyncProperty(fc.nat(), fc.nat(), hostileString, async (r, c, junk) => {
          const table = rows.map((row) => [...row]);
          const row = table[1 + (r % (table.length - 1))]!;
          row[c % row.length] = junk.includes(';') || junk.includes('"') || /[\r\n]/.test(junk) ? `"${junk.replaceAll('"', '""')}"` : junk;
          const path = join(drops, 'export.csv');
          writeFileSync(path, table.map((x) => x.join(';')).join('\n'));
          const before = await logHead(store);
          const result = await processDrop(path, { dir: drops, mapping, integrations, append: (events, source) => appendAtomically(store, source, events, 'events', { actor: 'fuzz' }) });
          count(`csv ${result.outcome}`);
          if (result.outcome !== 'processed') expect(await logHead(store)).toBe(before);
          if (result.outcome === 'failed') expect(result.error ?? result.issues.map((i) => `${i.row} ${i.column} ${i.reason}`).join()).toMatch(/\S{3}/);
        }),
        fuzzRuns(1),
      );
    } finally {
      await integrations.close();
    }
  }, 900_000);
});
