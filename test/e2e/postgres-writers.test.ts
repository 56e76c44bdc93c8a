/**
 * Several writers on one PostgreSQL database: two processes import interleaved files at the same
 * time; the hash chain must verify, and every trace and lot state must equal those of one writer
 * capturing the same events in the order the log took them (their interleaving is up to the
 * scheduler, and ties such as which of two pallets a lot left on follow log order).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { captureEvent } from '../../src/capture/captured-event.js';
import type { Issue } from '../../src/domain/errors.js';
import { generateDemoPlant } from '../../src/demo/demo-plant.js';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';
import { everyAnswer } from '../helpers/answers.js';
import { writeNdjson } from '../helpers/cli.js';
import { freshPgUrl, pgSkipReason } from '../helpers/postgres.js';

const run = promisify(execFile);
const skip = pgSkipReason();
const ROOT = new URL('../../', import.meta.url).pathname;

describe.skipIf(skip !== undefined)(`several writers on PostgreSQL${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('two processes capturing interleaved files keep one chain and the same answers as one writer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lotline-writers-'));
    const commands = generateDemoPlant({ days: 4, seed: 11 }).commands;
    const files: string[] = [];
    for (let i = 0; i * 20 < commands.length; i++) {
      const file = join(dir, `part-${String(i).padStart(4, '0')}.ndjson`);
      writeNdjson(file, commands.slice(i * 20, i * 20 + 20));
      files.push(file);
    }
    const shared = freshPgUrl('writers');
    // create the schema first, so that the two workers race on capture, not on migration
    await (await openPostgresStore(shared)).close();
    const startAt = String(Date.now() + 4000);
    const worker = (mine: string[]) => run(process.execPath, ['--import', 'tsx', 'test/helpers/import-worker.ts', shared, startAt, ...mine], { cwd: ROOT });
    await Promise.all([worker(files.filter((_, i) => i % 2 === 0)), worker(files.filter((_, i) => i % 2 === 1))]);

    const store = await openPostgresStore(shared, { create: false });
    const alone = await openPostgresStore(freshPgUrl('alone'));
    try {
      const v = await store.verify();
      expect(v).toMatchObject({ ok: true, entries: commands.length });
      // the two processes really wrote in turns: the log switches from one to the other many times
      const actors = (await store.readLog(0, 1_000_000)).map((e) => e.actor);
      const switches = actors.filter((a, i) => i > 0 && a !== actors[i - 1]).length;
      expect(new Set(actors).size).toBe(2);
      expect(switches).toBeGreaterThan(4);

      const logged = await store.readLog(0, 1_000_000);
      const session = await alone.beginCapture();
      for (const entry of logged) {
        const issues: Issue[] = [];
        const ev = captureEvent(JSON.parse(entry.body), '$', issues);
        expect(issues).toEqual([]);
        expect(ev!.fingerprint).toBe(entry.fingerprint);
        await session.append([ev!]);
      }
      await session.commit();
      expect(await alone.verify()).toMatchObject({ ok: true, entries: commands.length });
      const content = (entries: typeof logged) => entries.map((e) => [e.seq, e.kind, e.eventId, e.fingerprint, e.body]);
      expect(content(await alone.readLog(0, 1_000_000))).toEqual(content(logged));
      const answers = await everyAnswer(store);
      expect(Object.keys(answers).length).toBeGreaterThan(80);
      expect(answers).toEqual(await everyAnswer(alone));
    } finally {
      await store.close();
      await alone.close();
    }
  });
});
