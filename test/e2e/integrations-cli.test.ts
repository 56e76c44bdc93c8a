import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/integrations/webhooks/signing.js';
import { cli, cliJson, tempDb } from '../helpers/cli.js';
import { freshPgUrl, pgSkipReason } from '../helpers/postgres.js';
import { serveProcess } from '../helpers/serve.js';

const EXAMPLES = new URL('../../docs/integrations/examples/', import.meta.url).pathname;
const dropDir = (): string => mkdtempSync(join(tmpdir(), 'lotline-watch-'));

describe('lotline watch --once', () => {
  it('imports a complete drop, moves it, and a trace finds the lot; a failed file exits 1 with its report', async () => {
    const db = tempDb();
    const dir = dropDir();
    copyFileSync(join(EXAMPLES, 'sap-goods-receipts.csv'), join(dir, 'gr.csv'));
    writeFileSync(join(dir, 'bad.csv'), readFileSync(join(EXAMPLES, 'sap-goods-receipts.csv'), 'utf8').replace('04.05.2026;08:10:00', '34.05.2026;08:10:00'));
    const r = await cli('watch', dir, '--mapping', join(EXAMPLES, 'sap-goods-receipts.yaml'), '--once', '--db', db);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/gr\.csv: 3 row\(s\), 3 event\(s\), 3 stored/);
    expect(r.stderr).toMatch(/bad\.csv: FAILED, nothing stored: 1 bad row\(s\)/);
    expect(readFileSync(join(dir, 'failed', 'bad.csv.errors.csv'), 'utf8')).toContain('3,Posting Date + Entry Time,34.05.2026 08:10:00');
    const lot = await cliJson<{ onHand: unknown }>('lot', '--item', 'SUGAR', '--lot', 'S-0504', '--db', db);
    expect(JSON.stringify(lot)).toContain('800');
  });

  it('refuses a bad mapping (MAPPING_INVALID, exit 1) and a missing folder (usage, exit 2)', async () => {
    const dir = dropDir();
    writeFileSync(join(dir, 'm.yaml'), 'kind: receive\ntime_zone: Mars\nevent: {}\nlines: {}\n');
    const bad = await cli('watch', dir, '--mapping', join(dir, 'm.yaml'), '--once', '--db', tempDb());
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('MAPPING_INVALID');
    const missing = await cli('watch', join(dir, 'nope'), '--mapping', join(dir, 'm.yaml'), '--once', '--db', tempDb());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('is not a folder');
  });

  const skip = pgSkipReason();
  it.skipIf(skip !== undefined)('works on PostgreSQL, and does not import the same content twice', async () => {
    const db = freshPgUrl('watch');
    const dir = dropDir();
    copyFileSync(join(EXAMPLES, 'netsuite-work-orders.csv'), join(dir, 'wo.csv'));
    writeFileSync(join(dir, 'wo.csv.done'), '');
    const first = await cliJson<{ files: { outcome: string; events: number }[] }>('watch', dir, '--mapping', join(EXAMPLES, 'netsuite-work-orders.yaml'), '--once', '--db', db);
    expect(first.files).toMatchObject([{ outcome: 'processed', events: 2 }]);
    copyFileSync(join(EXAMPLES, 'netsuite-work-orders.csv'), join(dir, 'wo-resent.csv'));
    writeFileSync(join(dir, 'wo-resent.csv.done'), '');
    const second = await cliJson<{ files: { outcome: string }[] }>('watch', dir, '--mapping', join(EXAMPLES, 'netsuite-work-orders.yaml'), '--once', '--db', db);
    expect(second.files).toMatchObject([{ outcome: 'duplicate' }]);
    const trace = await cliJson<unknown>('trace', 'forward', '--item', 'FLOUR-T55', '--lot', 'F-0504', '--db', db);
    expect(JSON.stringify(trace)).toContain('BM-0504');
  });
});

describe('lotline webhook', () => {
  it('adds, lists (no secret), disables, and removes subscriptions; names bad input', async () => {
    const db = tempDb();
    const added = await cliJson<{ id: string; secret: string; filter: unknown }>('webhook', 'add', 'http://127.0.0.1:9/hook', '--types', 'event,quality.alert', '--biz-step', 'shipping', '--db', db);
    expect(added.filter).toEqual({ bizSteps: ['shipping'] });
    const list = await cli('webhook', 'list', '--db', db);
    expect(list.stdout).toContain(`${added.id}  active`);
    expect(list.stdout).not.toContain(added.secret);
    expect((await cli('webhook', 'disable', added.id, '--db', db)).stdout).toContain('inactive');
    expect((await cli('webhook', 'remove', added.id, '--db', db)).code).toBe(0);
    const gone = await cli('webhook', 'remove', added.id, '--db', db);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('NOT_FOUND');
    const bad = await cli('webhook', 'add', 'mailto:x@y', '--db', db);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('$.url');
    expect((await cli('webhook', 'deliveries', '--db', db)).stdout).toContain('no dead deliveries');
  });
});

describe('lotline serve --watch', () => {
  let closeRx: (() => Promise<void>) | undefined;
  afterAll(async () => closeRx?.());

  it('imports drops through the server (the API sees them at once) and sends them to webhook subscribers', async () => {
    const got: { body: string; sig: string; ts: string }[] = [];
    const rx = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        got.push({ body, sig: String(req.headers['lotline-signature']), ts: String(req.headers['lotline-timestamp']) });
        res.end();
      });
    });
    await new Promise<void>((r) => rx.listen(0, '127.0.0.1', r));
    closeRx = () => new Promise((r) => rx.close(() => r()));
    const db = tempDb();
    const dir = dropDir();
    const { secret } = await cliJson<{ secret: string }>('webhook', 'add', `http://127.0.0.1:${(rx.address() as AddressInfo).port}/`, '--db', db);
    const server = await serveProcess(['--db', db, '--watch', dir, '--mapping', join(EXAMPLES, 'dynamics-packing-slips.yaml')]);
    try {
      copyFileSync(join(EXAMPLES, 'dynamics-packing-slips.xlsx'), join(dir, 'slips.xlsx'));
      writeFileSync(join(dir, 'slips.xlsx.done'), '');
      const end = Date.now() + 20_000;
      while (got.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      expect(got).toHaveLength(2);
      for (const g of got) expect(verifySignature(secret, g.ts, g.body, g.sig)).toBe(true);
      expect(got.map((g) => (JSON.parse(g.body) as { data: { objects: { lot: string }[] } }).data.objects.map((o) => o.lot))).toEqual([['BM-0504', 'D-0504'], ['BM-0504']]);
      const found = (await (await fetch(`${server.url}/api/v1/lots?query=BM-0504`)).json()) as { lots: { lot: string }[] };
      expect(found.lots.map((l) => l.lot)).toEqual(['BM-0504']);
      expect(readdirSync(join(dir, 'processed'))).toEqual(['slips.xlsx']);
      expect(existsSync(join(dir, 'slips.xlsx.done'))).toBe(false);
      expect(server.log()).toContain('file drop slips.xlsx: 2 event(s), 2 stored');
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
