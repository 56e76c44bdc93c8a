/**
 * Pins every stored byte of a fixture import: log bodies, fingerprints, eventIDs, projections,
 * nodes, flows and event objects (all but record times and the hash chain over them), for SQLite
 * and PostgreSQL, against a golden file written by the code before the import path was optimised.
 * A faster capture must store exactly what the slower one did.
 *
 * To rewrite the golden file on purpose (a deliberate change of the stored form):
 *   LOTLINE_WRITE_GOLDEN=1 npx vitest run test/capture/stored-bytes.golden.test.ts
 * which also leaves the rows themselves in $TMPDIR/lotline-golden-fixtures.lines.json, so that a
 * later difference is shown as its first differing row rather than as two digests.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importFile } from '../../src/capture/import-file.js';
import { generateDemoPlant } from '../../src/demo/demo-plant.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { FIXTURES } from '../helpers/cli.js';
import { freshPgUrl, pgSkipReason } from '../helpers/postgres.js';
import { HAVE_STANDARDS, STANDARDS_DIR } from '../helpers/standards.js';
import { dumpStored, type StoredDump } from '../helpers/stored-dump.js';

const GOLDEN = join(FIXTURES, 'golden', 'import-stored.json');
const WRITE = process.env['LOTLINE_WRITE_GOLDEN'] === '1';
const dir = mkdtempSync(join(tmpdir(), 'lotline-golden-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const context = { actor: 'cli:golden', origin: 'golden@test' };

/** EPCIS events written as NDJSON lines: a derived eventID, a given one, odd spellings, and an error declaration. */
const epcisLines = [
  {
    type: 'ObjectEvent', eventTime: '2026-06-01T10:00:00.000+02:00', eventTimeZoneOffset: '+02:00', action: 'OBSERVE', bizStep: 'inspecting',
    epcList: ['urn:epc:id:sgtin:4012345.000016.1', 'https://id.gs1.org/01/04012345000016/21/2'], readPoint: { id: 'urn:epc:id:sgln:4012345.00001.0' },
  },
  {
    type: 'ObjectEvent', eventID: 'urn:uuid:6a0c3d0e-1111-4a4a-9b9b-000000000001', eventTime: '2026-06-01T11:00:00Z', eventTimeZoneOffset: '+00:00', action: 'ADD',
    bizStep: 'urn:epcglobal:cbv:bizstep:commissioning', disposition: 'active',
    quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.000016.L0012', quantity: 12.5, uom: 'KGM' }, { epcClass: 'https://id.gs1.org/01/04012345000023/10/ABC', quantity: 3 }],
    bizLocation: { id: 'urn:epc:id:sgln:4012345.00001.0' },
  },
  {
    type: 'ObjectEvent', eventID: 'urn:uuid:6a0c3d0e-1111-4a4a-9b9b-000000000001', eventTime: '2026-06-01T11:00:00Z', eventTimeZoneOffset: '+00:00', action: 'ADD',
    bizStep: 'urn:epcglobal:cbv:bizstep:commissioning', disposition: 'active',
    quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.000016.L0012', quantity: 12.5, uom: 'KGM' }, { epcClass: 'https://id.gs1.org/01/04012345000023/10/ABC', quantity: 3 }],
    bizLocation: { id: 'urn:epc:id:sgln:4012345.00001.0' },
    errorDeclaration: { declarationTime: '2026-06-02T09:00:00Z', reason: 'incorrect_data' },
  },
];

function writeInputs(): string[] {
  const demo = join(dir, 'demo.ndjson');
  writeFileSync(demo, generateDemoPlant({ days: 45, seed: 7 }).commands.map((c) => JSON.stringify(c)).join('\n') + '\n');
  const extra = join(dir, 'extra.ndjson');
  writeFileSync(extra, epcisLines.map((l) => JSON.stringify(l)).join('\r\n') + '\r\n');
  const files = [demo, join(FIXTURES, 'scenarios', 'bakery.ndjson'), join(FIXTURES, 'epcis', 'juice-plant.jsonld'), extra, demo /* again: all duplicates */];
  return files;
}

const officialExamples = ['object', 'aggregation', 'association', 'transaction', 'transformation'].map((t) => join(STANDARDS_DIR, `${t}_event_all_possible_fields.jsonld`));

async function importAll(store: EventStore, files: readonly string[], captureThread?: boolean): Promise<unknown[]> {
  const summaries: unknown[] = [];
  try {
    for (const f of files) {
      const { file: _file, ...s } = await importFile(store, f, { context, captureThread });
      summaries.push(s);
    }
    return summaries;
  } finally {
    await store.close();
  }
}

function readGolden(): Record<string, unknown> {
  return JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, unknown>;
}

/** Compares section by section, and on a difference shows the first differing line (not just two digests). */
function expectSame(dump: StoredDump, golden: StoredDump['sections'], lines: Record<string, string[]> | undefined): void {
  for (const [k, v] of Object.entries(golden)) {
    if (dump.sections[k]?.sha256 !== v.sha256 && lines?.[k]) {
      const i = dump.lines[k]!.findIndex((l, j) => l !== lines[k]![j]);
      expect(dump.lines[k]![i], `${k} line ${i}`).toBe(lines[k]![i]);
    }
  }
  expect(dump.sections).toEqual(golden);
}

const cases: { name: string; skip: string | undefined; open: (label: string) => Promise<{ store: EventStore; reopen: () => Promise<EventStore> }> }[] = [
  {
    name: 'SQLite',
    skip: undefined,
    open: async (label) => {
      const path = join(dir, `${label}.db`);
      return { store: openSqliteStore(path), reopen: async () => openSqliteStore(path, { create: false }) };
    },
  },
  {
    name: 'PostgreSQL',
    skip: pgSkipReason(),
    open: async (label) => {
      const url = freshPgUrl(`golden_${label}`);
      return { store: await openPostgresStore(url), reopen: () => openPostgresStore(url, { create: false }) };
    },
  },
];

describe.each(cases)('stored bytes of a fixture import into $name', ({ name, skip, open }) => {
  it.skipIf(skip !== undefined)('equal the golden file: demo plant, bakery, juice plant, EPCIS lines with a declaration, a re-import', async () => {
    const { store, reopen } = await open('fixtures');
    const summaries = await importAll(store, writeInputs());
    const again = await reopen();
    try {
      const dump = await dumpStored(again);
      expect((await again.verify()).ok).toBe(true);
      const key = 'fixtures';
      if (WRITE && name === 'SQLite') {
        const golden = { [key]: { summaries, sections: dump.sections } };
        writeFileSync(GOLDEN, JSON.stringify({ ...(safeGolden()), ...golden }, null, 1) + '\n');
        writeFileSync(join(tmpdir(), `lotline-golden-${key}.lines.json`), JSON.stringify(dump.lines));
      }
      const golden = readGolden()[key] as { summaries: unknown[]; sections: StoredDump['sections'] };
      expect(summaries).toEqual(golden.summaries);
      expect(dump.sections['log']!.rows).toBeGreaterThan(3000);
      expectSame(dump, golden.sections, linesOf(key));
    } finally {
      await again.close();
    }
  });

  it.skipIf(skip !== undefined)('equal the golden file when NDJSON is captured on a worker thread (as large files are)', async () => {
    const { store, reopen } = await open('fixtures_thread');
    const summaries = await importAll(store, writeInputs(), true);
    const again = await reopen();
    try {
      const dump = await dumpStored(again);
      expect((await again.verify()).ok).toBe(true);
      const golden = readGolden()['fixtures'] as { summaries: unknown[]; sections: StoredDump['sections'] };
      expect(summaries).toEqual(golden.summaries);
      expectSame(dump, golden.sections, linesOf('fixtures'));
    } finally {
      await again.close();
    }
  });

  it.skipIf(skip !== undefined || !HAVE_STANDARDS)('equal the golden file: the official GS1 example documents (needs ../shared/standards)', async () => {
    const { store, reopen } = await open('official');
    const summaries = await importAll(store, officialExamples);
    const again = await reopen();
    try {
      const dump = await dumpStored(again);
      const key = 'official';
      if (WRITE && name === 'SQLite') {
        writeFileSync(GOLDEN, JSON.stringify({ ...safeGolden(), [key]: { summaries, sections: dump.sections } }, null, 1) + '\n');
      }
      const golden = readGolden()[key] as { summaries: unknown[]; sections: StoredDump['sections'] };
      expect(summaries).toEqual(golden.summaries);
      expectSame(dump, golden.sections, undefined);
    } finally {
      await again.close();
    }
  });
});

function safeGolden(): Record<string, unknown> {
  try {
    return readGolden();
  } catch {
    return {};
  }
}

function linesOf(key: string): Record<string, string[]> | undefined {
  try {
    return JSON.parse(readFileSync(join(tmpdir(), `lotline-golden-${key}.lines.json`), 'utf8')) as Record<string, string[]>;
  } catch {
    return undefined;
  }
}
