/**
 * `lotline serve` on PostgreSQL, as a plant runs it in production: accounts made with the CLI on
 * the same database, capture through the API (native events and an EPCIS document), and answers
 * equal to the CLI's on the same database and to the same data served from SQLite.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { cli, cliJson, FIXTURES, tempDb } from '../helpers/cli.js';
import { freshPgUrl, pgSkipReason } from '../helpers/postgres.js';
import { serveProcess } from '../helpers/serve.js';

const skip = pgSkipReason();
const BAKERY = join(FIXTURES, 'scenarios/bakery.ndjson');
const JUICE = join(FIXTURES, 'epcis/juice-plant.jsonld');

describe.skipIf(skip !== undefined)(`lotline serve on PostgreSQL${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('captures through the API with CLI-made keys and answers as the CLI and as SQLite do', async () => {
    const db = freshPgUrl('serve');
    const key = (await cli('key', 'create', 'line-1', '--role', 'quality', '--db', db)).stdout.trim();
    expect(key).toMatch(/^llk_/);
    // Accounts live in the URL's schema, beside its events, never in another plant's.
    const schema = new URL(db).searchParams.get('schema')!;
    const client = new pg.Client({ connectionString: process.env['LOTLINE_TEST_PG'] });
    await client.connect();
    const tables = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name LIKE 'identity_%'", [schema]);
    await client.end();
    expect(tables.rows.map((r) => r.table_name)).toContain('identity_keys');
    const server = await serveProcess(['--db', db]);
    try {
      const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
      const commands = readFileSync(BAKERY, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
      const posted = await fetch(`${server.url}/api/v1/events`, { method: 'POST', headers, body: JSON.stringify(commands) });
      expect(posted.status).toBe(201);
      const capture = await fetch(`${server.url}/api/v1/epcis/capture`, { method: 'POST', headers: { ...headers, 'content-type': 'application/ld+json' }, body: readFileSync(JUICE, 'utf8') });
      expect(capture.status).toBe(202);
      const job = `${server.url}${capture.headers.get('location')!.replace(/^.*?(\/api\/v1\/)/, '$1')}`;
      let state: { success?: boolean; running?: boolean } = { running: true };
      for (let i = 0; i < 100 && state.running; i++) {
        state = (await (await fetch(job, { headers })).json()) as typeof state;
        if (state.running) await new Promise((r) => setTimeout(r, 50));
      }
      expect(state).toMatchObject({ success: true });

      // The same data imported into SQLite with the CLI.
      const sqlite = tempDb();
      expect((await cli('import', BAKERY, JUICE, '--db', sqlite)).code).toBe(0);

      const stored = (await cliJson<{ ok: boolean; entries: number }>('verify', '--db', db, '--json'));
      expect(stored).toMatchObject({ ok: true, entries: commands.length + 8 });
      const samples: [string, Record<string, string>][] = [
        ['forward', { item: 'FLOUR', lot: 'F2' }],
        ['backward', { gtin: '04012345000023', lot: 'C1' }],
      ];
      for (const [direction, params] of samples) {
        const args = Object.entries(params).flatMap(([k, v]) => [`--${k}`, v]);
        const overApi = await (await fetch(`${server.url}/api/v1/trace/${direction}?${new URLSearchParams(params).toString()}`, { headers })).json();
        expect((overApi as { lots: unknown[] }).lots.length).toBeGreaterThan(2);
        expect(overApi).toEqual(await cliJson('trace', direction, ...args, '--db', db, '--json'));
        expect(overApi).toEqual(await cliJson('trace', direction, ...args, '--db', sqlite, '--json'));
      }
      const events = (await (await fetch(`${server.url}/api/v1/epcis/events?perPage=5&EQ_bizStep=shipping`, { headers })).json()) as { type: string; epcisBody: { queryResults: { resultsBody: { eventList: unknown[] } } } };
      expect(events.type).toBe('EPCISQueryDocument');
      expect(events.epcisBody.queryResults.resultsBody.eventList.length).toBeGreaterThan(0);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
