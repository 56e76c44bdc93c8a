/**
 * Path traversal and odd paths on every file the product reads or writes for a caller: the web
 * files the server answers, the CLI's --out and import files, the mapping and watch folder of
 * file drops. Over HTTP no path leaves the web root; on the command line a path is the operator's
 * own (relative to the current folder, absolute allowed), and the odd ones get clear errors.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendAtomically } from '../../src/capture/capture-events.js';
import { loadMapping } from '../../src/integrations/file-drops/mapping.js';
import { DropWatcher } from '../../src/integrations/file-drops/watch-dir.js';
import { SqliteIntegrationStore } from '../../src/integrations/sqlite/sqlite-integration-store.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { cli, FIXTURES, tempDb } from '../helpers/cli.js';
import { testApi } from '../helpers/http.js';
import { snapshot } from '../helpers/snapshot.js';
import { assertProperty, fuzzRuns } from './fuzz-runs.js';
import { hostileString } from './hostile-strings.js';

const SECRET = 'TOP-SECRET-7f3a';
const BAKERY = join(FIXTURES, 'scenarios/bakery.ndjson');
const EXAMPLES = new URL('../../docs/integrations/examples/', import.meta.url).pathname;

describe('the web files the server answers', () => {
  const TRAVERSALS = [
    '/../secret.txt',
    '/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/..%5csecret.txt',
    '/assets/..\\..\\secret.txt',
    '/index.html%00.txt',
    '/%00',
    '//etc/passwd',
    '/etc/passwd',
    '/assets/../../../../../../etc/passwd',
    `/${'..%2f'.repeat(20)}etc%2fpasswd`,
  ];

  it('no URL reaches a file outside the web root, and none answers 500', async () => {
    const base = mkdtempSync(join(tmpdir(), 'lotline-fuzz-web-'));
    const root = join(base, 'web');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Lotline</title>');
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(base, 'secret.txt'), SECRET);
    const t = await testApi({ webRoot: root });
    try {
      let tried = 0;
      const check = async (url: string): Promise<void> => {
        const r = await t.app.inject({ url });
        tried++;
        expect(r.statusCode, url).toBeLessThan(500);
        expect(r.body, url).not.toContain(SECRET);
        expect(r.body, url).not.toMatch(/root:.*:0:0:/);
      };
      for (const url of TRAVERSALS) await check(url);
      await assertProperty(
        'web root traversal',
        fc.asyncProperty(fc.array(fc.oneof(fc.constantFrom('..', '%2e%2e', '.', 'assets', 'secret.txt', '%2f', '%5c', '%00', 'index.html'), hostileString), { minLength: 1, maxLength: 6 }), async (parts) => {
          const url = `/${parts.map((p) => (/^[%.\w-]*$/.test(p) ? p : encodeURIComponent(p.replace(/[\ud800-\udfff]/g, '')))).join('/')}`;
          await check(url);
        }),
        fuzzRuns(2),
      );
      expect(tried).toBeGreaterThan(TRAVERSALS.length);
      // the app itself is still served
      expect((await t.app.inject({ url: '/assets/app.js' })).body).toBe('console.log(1)');
    } finally {
      await t.close();
    }
  });
});

describe('CLI file options', () => {
  it('--out: a NUL byte, a missing folder or a folder is FILE_NOT_WRITABLE naming --out; nothing is left behind', async () => {
    const db = tempDb();
    expect((await cli('import', BAKERY, '--db', db)).code).toBe(0);
    const dir = dirname(db);
    mkdirSync(join(dir, 'folder.csv'));
    for (const out of [join(dir, 'a\u0000b.csv'), join(dir, 'no-such-folder', 'r.csv'), join(dir, 'folder.csv')]) {
      const r = await cli('report', 'fsma204', '--out', out, '--db', db, '--json');
      expect(r.code, out).toBe(1);
      expect(JSON.parse(r.stderr), out).toMatchObject({ error: { code: 'FILE_NOT_WRITABLE', issues: [{ path: '--out' }] } });
    }
    expect(readdirSync(dir).filter((f) => f.includes('.partial'))).toEqual([]);
  });

  it('--out naming a symlink replaces the link with the report; the file it pointed to is never written', async () => {
    const db = tempDb();
    expect((await cli('import', BAKERY, '--db', db)).code).toBe(0);
    const dir = dirname(db);
    const victim = join(mkdtempSync(join(tmpdir(), 'lotline-fuzz-victim-')), 'precious.txt');
    writeFileSync(victim, SECRET);
    symlinkSync(victim, join(dir, 'link.csv'));
    const r = await cli('report', 'fsma204', '--out', join(dir, 'link.csv'), '--db', db);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe(SECRET);
    expect(readFileSync(join(dir, 'link.csv'), 'utf8')).toMatch(/Traceability Lot Code|TLC/i);
  });

  it('import: a NUL byte in the name, a folder, a name that does not exist: a clear code, the database unchanged', async () => {
    const db = tempDb();
    expect((await cli('import', BAKERY, '--db', db)).code).toBe(0);
    const before = snapshot(db);
    const dir = dirname(db);
    for (const [file, code] of [
      [join(dir, 'bakery\u0000.ndjson'), /FILE_(UNREADABLE|NOT_FOUND)/],
      [dir, /FILE_UNREADABLE/],
      [join(dir, '..', '..', '..', '..', 'no-such-file-fuzz.ndjson'), /FILE_NOT_FOUND/],
    ] as const) {
      const r = await cli('import', file, '--db', db);
      expect(r.code, file).toBe(1);
      expect(r.stderr, file).toMatch(code);
    }
    expect(snapshot(db)).toBe(before);
  });
});

describe('file drops', () => {
  it('a symlink, a folder or a hidden file in the watch folder is never read or moved; a real export beside them is', async () => {
    const db = tempDb();
    const store = openSqliteStore(db);
    const integrations = new SqliteIntegrationStore(db);
    try {
      const dir = mkdtempSync(join(tmpdir(), 'lotline-fuzz-drop-'));
      const outside = mkdtempSync(join(tmpdir(), 'lotline-fuzz-outside-'));
      const csv = readFileSync(join(EXAMPLES, 'sap-goods-receipts.csv'), 'utf8');
      writeFileSync(join(outside, 'elsewhere.csv'), csv);
      symlinkSync(join(outside, 'elsewhere.csv'), join(dir, 'linked.csv'));
      symlinkSync('/etc/passwd', join(dir, 'passwd.csv'));
      mkdirSync(join(dir, 'folder.csv'));
      writeFileSync(join(dir, '.hidden.csv'), csv);
      writeFileSync(join(dir, 'real.csv'), csv);
      writeFileSync(join(dir, 'real.csv.done'), '');
      const watcher = new DropWatcher({ dir, mapping: await loadMapping(join(EXAMPLES, 'sap-goods-receipts.yaml')), integrations, append: (events, source) => appendAtomically(store, source, events, 'events', { actor: 'test' }) });
      const results = await watcher.poll();
      expect(results.map((r) => [r.file, r.outcome])).toEqual([['real.csv', 'processed']]);
      expect(existsSync(join(dir, 'linked.csv'))).toBe(true);
      expect(existsSync(join(dir, 'passwd.csv'))).toBe(true);
      expect(readFileSync(join(outside, 'elsewhere.csv'), 'utf8')).toBe(csv);
      expect(readdirSync(join(dir, 'processed'))).toEqual(['real.csv']);
      expect(await store.headSeq()).toBe(3);
    } finally {
      await integrations.close();
      await store.close();
    }
  });

  it('a mapping path with a NUL byte or one that is a folder: a clear error, nothing watched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lotline-fuzz-map-'));
    await expect(loadMapping(join(dir, 'm\u0000.yaml'))).rejects.toMatchObject({ code: expect.stringMatching(/^FILE_(NOT_FOUND|UNREADABLE)$|^MAPPING_INVALID$/) });
    await expect(loadMapping(dir)).rejects.toMatchObject({ code: expect.stringMatching(/^FILE_(NOT_FOUND|UNREADABLE)$|^MAPPING_INVALID$/) });
  });
});
