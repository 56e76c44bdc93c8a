/**
 * NDJSON captured on a worker thread (what a large import does) against the same file captured
 * on the importing thread: same outcome, same errors naming the same line and field, nothing
 * stored when any line is bad, on SQLite and PostgreSQL.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importFile } from '../../src/capture/import-file.js';
import { CAPTURE_THREAD_MIN_BYTES, captureThreadWorthIt } from '../../src/capture/ndjson-capture-thread.js';
import { generateDemoPlant } from '../../src/demo/demo-plant.js';
import { LotlineError } from '../../src/domain/errors.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { freshPgUrl, pgSkipReason } from '../helpers/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'lotline-thread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Over two import chunks of demo-plant commands, so that chunks are appended before the bad line is reached. */
const commands = generateDemoPlant({ days: 30, seed: 11 }).commands.map((c) => JSON.stringify(c));
const good = join(dir, 'good.ndjson');
writeFileSync(good, commands.join('\n') + '\n');

function withLine(name: string, at: number, line: string): string {
  const f = join(dir, name);
  const lines = [...commands];
  lines.splice(at, 0, line);
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

async function failure(p: Promise<unknown>): Promise<LotlineError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(LotlineError);
  return e as LotlineError;
}

const stores: { name: string; skip: string | undefined; open: () => Promise<EventStore> }[] = [
  { name: 'SQLite', skip: undefined, open: async () => openSqliteStore(join(dir, `${Math.random().toString(36).slice(2)}.db`)) },
  { name: 'PostgreSQL', skip: pgSkipReason(), open: async () => openPostgresStore(freshPgUrl('thread')) },
];

describe.each(stores)('NDJSON import with a capture thread, $name', ({ skip, open }) => {
  it.skipIf(skip !== undefined)('stores what the importing thread stores; a re-import only finds duplicates', async () => {
    expect(commands.length).toBeGreaterThan(2000);
    const a = await open();
    const b = await open();
    try {
      const inline = await importFile(a, good, { captureThread: false });
      const threaded = await importFile(b, good, { captureThread: true });
      expect(threaded).toEqual(inline);
      expect(threaded.stored).toBeGreaterThan(2000);
      const again = await importFile(b, good, { captureThread: true });
      expect(again).toEqual({ ...inline, stored: 0, declared: 0, duplicates: inline.events });
      const la = await a.readLog(0, 100_000);
      const lb = await b.readLog(0, 100_000);
      expect(lb.map((e) => [e.seq, e.kind, e.eventId, e.fingerprint, e.body])).toEqual(la.map((e) => [e.seq, e.kind, e.eventId, e.fingerprint, e.body]));
      expect((await b.verify()).ok).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it.skipIf(skip !== undefined)('a bad line after several chunks: the same error as without the thread, naming line and field; nothing stored', async () => {
    const at = 2300;
    const bad = withLine('bad.ndjson', at, JSON.stringify({ cmd: 'receive', item: 'RM-1', lot: 'L1', qty: -3, uom: 'kg', at: '2026-01-01T00:00:00Z' }));
    const s = await open();
    try {
      const threaded = await failure(importFile(s, bad, { captureThread: true }));
      const inline = await failure(importFile(s, bad, { captureThread: false }));
      expect(threaded.code).toBe('NATIVE_INVALID_FIELD');
      expect(threaded.message).toBe(inline.message);
      expect(threaded.issues).toEqual(inline.issues);
      expect(threaded.message).toContain(`line ${at + 1}`);
      expect(threaded.issues[0]).toMatchObject({ line: at + 1, file: bad });
      expect(await s.headSeq()).toBe(0);
    } finally {
      await s.close();
    }
  });

  it.skipIf(skip !== undefined)('a line that is not JSON, and one with a conflicting eventID, are named by line; nothing stored', async () => {
    const notJson = withLine('not-json.ndjson', 1500, '{"cmd": "receive", ');
    const s = await open();
    try {
      const e = await failure(importFile(s, notJson, { captureThread: true }));
      expect(e.code).toBe('NATIVE_INVALID_FIELD');
      expect(e.message).toContain('line 1501');
      expect(e.message).toContain('not valid JSON');
      expect(await s.headSeq()).toBe(0);

      const ev = { type: 'ObjectEvent', eventID: 'urn:uuid:00000000-0000-4000-8000-000000000001', eventTime: '2026-01-01T00:00:00Z', eventTimeZoneOffset: '+00:00', action: 'OBSERVE', epcList: ['urn:epc:id:sgtin:4012345.000016.1'] };
      const f = join(dir, 'conflict.ndjson');
      writeFileSync(f, [JSON.stringify(ev), ...commands, JSON.stringify({ ...ev, action: 'DELETE' })].join('\n') + '\n');
      const c = await failure(importFile(s, f, { captureThread: true }));
      expect(c.code).toBe('EVENT_ID_CONFLICT');
      expect(c.message).toContain(`line ${commands.length + 2}`);
      expect(c.issues[0]).toMatchObject({ line: commands.length + 2, path: '$.eventID' });
      expect(await s.headSeq()).toBe(0);
    } finally {
      await s.close();
    }
  });
});

describe('capture thread', () => {
  it('is used for large files, when a core is free or the writing is done by a server', () => {
    const min = CAPTURE_THREAD_MIN_BYTES;
    expect(captureThreadWorthIt(min, false, 2, 0.5)).toBe(true);
    expect(captureThreadWorthIt(min - 1, false, 2, 0.5)).toBe(false);
    expect(captureThreadWorthIt(min, false, 1, 0)).toBe(false);
    expect(captureThreadWorthIt(min, false, 2, 3.5)).toBe(false);
    expect(captureThreadWorthIt(min, false, 8, 3.5)).toBe(true);
    expect(captureThreadWorthIt(min, true, 2, 15)).toBe(true);
    expect(captureThreadWorthIt(min - 1, true, 2, 0)).toBe(false);
    expect(captureThreadWorthIt(min, true, 1, 0)).toBe(false);
  });

  it('reports a line over the length limit as the importing thread does, and stores nothing', async () => {
    const f = join(dir, 'long.ndjson');
    writeFileSync(f, commands[0] + '\n' + `{"cmd":"receive","note":"${'x'.repeat(17 * 1024 * 1024)}"}\n`);
    const s = openSqliteStore(join(dir, 'long.db'));
    try {
      const e = await failure(importFile(s, f, { captureThread: true }));
      expect(e.code).toBe('INPUT_TOO_LARGE');
      expect(e.message).toContain('line 2 is longer than 16.0 MiB');
      expect(await s.headSeq()).toBe(0);
    } finally {
      await s.close();
    }
  });
});
