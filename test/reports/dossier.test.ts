/**
 * The genealogy dossier against the hand-built bakery (dossier-plant.ts, answers worked out there):
 * the data on SQLite and PostgreSQL, the HTML rows, the PDF rendered by poppler (pages, footer on
 * each page, lot codes, the signature line, a drawing that is not blank), the content hash and its
 * check from the command line, and the HTTP route.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQualityStore, openStore } from '../../src/main.js';
import type { QualityStore } from '../../src/quality/quality-store.js';
import type { Dossier } from '../../src/reports/dossier/dossier-data.js';
import { dossierData } from '../../src/reports/dossier/dossier-data.js';
import { dossierHash } from '../../src/reports/dossier/dossier-hash.js';
import { dossierHtml } from '../../src/reports/dossier/dossier-html.js';
import { dossierPdf, winAnsi } from '../../src/reports/dossier/dossier-pdf.js';
import type { EventStore } from '../../src/store/event-store.js';
import { cli, cliJson, tempDb } from '../helpers/cli.js';
import { testApi } from '../helpers/http.js';
import { freshPgUrl, pgSkipReason } from '../helpers/postgres.js';
import { load } from '../helpers/store.js';
import { buildDossierPlant, SSCC } from './dossier-plant.js';

const BC1 = { kind: 'lot', item: 'BISCUIT', lot: 'BC1' } as const;
const D1 = { kind: 'lot', item: 'DOUGH', lot: 'D1' } as const;

const KINDS = [
  { name: 'SQLite', skip: undefined, db: () => tempDb() },
  { name: 'PostgreSQL', skip: pgSkipReason(), db: () => freshPgUrl('dos') },
];

const share = (d: Dossier, dir: 'backward' | 'forward', label: string): number | null | undefined => d.data[dir].lots.find((l) => l.label === label)?.share;

for (const kind of KINDS) {
  describe.skipIf(kind.skip !== undefined)(`dossier data on ${kind.name}${kind.skip ? ` (skipped: ${kind.skip})` : ''}`, () => {
    let store: EventStore;
    let quality: QualityStore;
    let dossier: Dossier;
    let plant: Awaited<ReturnType<typeof buildDossierPlant>>;
    beforeAll(async () => {
      const db = kind.db();
      plant = await buildDossierPlant(db);
      store = await openStore(db, { create: false });
      quality = await openQualityStore(db);
      dossier = await dossierData(store, quality, BC1, { generatedBy: 'user:auditor' });
    });
    afterAll(async () => {
      await quality?.close();
      await store?.close();
    });

    it('lists where the lot came from, with the shares worked out by hand, and the link recorded after the fact', () => {
      const back = dossier.data.backward;
      expect(back.lots.map((l) => [l.label, l.depth])).toEqual([['DOUGH / D1', 1], ['DOUGH / D2', 1], ['BUTTER / B1', 2], ['FLOUR / F1', 2], ['SUGAR / S1', 2]]);
      expect(share(dossier, 'backward', 'DOUGH / D1')).toBeCloseTo(0.8, 9);
      expect(share(dossier, 'backward', 'DOUGH / D2')).toBeCloseTo(0.2, 9);
      expect(share(dossier, 'backward', 'FLOUR / F1')).toBeCloseTo(0.6, 9);
      expect(share(dossier, 'backward', 'BUTTER / B1')).toBeCloseTo(0.2, 9);
      expect(share(dossier, 'backward', 'SUGAR / S1')).toBeCloseTo(0.2, 9);
      expect(back.links.map((l) => [l.from, l.to, l.quantity, l.uom, l.retroactive !== null])).toEqual([
        ['BUTTER / B1', 'DOUGH / D1', 100, 'KGM', false],
        ['DOUGH / D1', 'BISCUIT / BC1', 400, 'KGM', false],
        ['DOUGH / D2', 'BISCUIT / BC1', 100, 'KGM', false],
        ['FLOUR / F1', 'DOUGH / D1', 300, 'KGM', false],
        ['SUGAR / S1', 'DOUGH / D2', 100, 'KGM', true],
      ]);
      expect(back.links[4]!.retroactive).toMatchObject({ exception: plant.exceptionId, confirmedBy: 'user:quinn' });
      expect(dossier.data.receipts.map((r) => [r.lot, r.party, r.quantity])).toEqual([['FLOUR / F1', 'Valley Mills', 1000], ['BUTTER / B1', 'Northfield Dairy', 200], ['SUGAR / S1', 'Sugar & Co', 500]]);
      // F1 stays on hold; the other lots were never held or were released
      expect(back.lots.filter((l) => l.held).map((l) => l.label)).toEqual(['FLOUR / F1']);
    });

    it('lists where it went: the pallet and the loose shipment, with customers and exposure', () => {
      expect(dossier.data.forward.lots).toEqual([]);
      expect(dossier.data.shipments.map((s) => [s.time, s.party, s.quantity, s.uom, s.via, s.exposure])).toEqual([
        ['2026-05-05T07:30:00+02:00', 'FreshMart DC', 1200, 'EA', SSCC, 1200],
        ['2026-05-05T09:00:00+02:00', 'Corner Shop', 500, 'EA', null, 500],
      ]);
      expect(dossier.data.state).toMatchObject({ status: 'released', onHand: '300 EA', hold: null });
    });

    it('lists every event of the chain in time order, with place, people, equipment, parameters and results — not the flour\'s other uses', () => {
      const ev = dossier.data.events;
      expect(ev.map((e) => e.step)).toEqual([
        'receiving', 'receiving', 'receiving', 'creating class instance', 'inspecting', 'creating class instance', 'linking retroactively', 'creating class instance', 'packing', 'shipping', 'shipping', 'holding', 'holding', 'inspecting',
      ]);
      const mix = ev[3]!;
      expect(mix).toMatchObject({ time: '2026-05-04T08:00:00+02:00', place: 'Mixing room', operator: 'Claire Martin', recordedBy: 'user:anna', equipment: 'Mixer 2', line: 'Line 1', processStep: 'mix', parameters: ['doughTempC = 23.5', 'mixMinutes = 12'] });
      expect(mix.objects).toEqual([
        { label: 'FLOUR / F1', role: 'input', quantity: 300, uom: 'KGM' },
        { label: 'BUTTER / B1', role: 'input', quantity: 100, uom: 'KGM' },
        { label: 'DOUGH / D1', role: 'output', quantity: 400, uom: 'KGM' },
      ]);
      expect(ev[4]).toMatchObject({ inspection: 'pass', operator: 'Quentin Roy', parameters: ['moisturePct = 31.2'] });
      expect(ev[6]).toMatchObject({ retroactive: true, recordedBy: 'user:quinn' });
      expect(ev[0]).toMatchObject({ from: 'Valley Mills', documents: ['po PO-4711'] });
      expect(dossier.data.eventScope).toEqual({ kind: 'chain', lots: 6, omittedEvents: 0 });
    });

    it('shows holds and the signed release (printed name, meaning, time, verified), and the exception with its history', () => {
      expect(dossier.data.holds.map((h) => [h.kind, h.lots, h.reason, h.reference])).toEqual([
        ['hold', ['BISCUIT / BC1'], 'metal detector alarm on line 1', 'DEV-12'],
        ['hold', ['FLOUR / F1'], 'supplier notice: possible foreign bodies', 'SN-3'],
        ['release', ['BISCUIT / BC1'], 'released after metal detector re-test', null],
      ]);
      expect(dossier.data.holds[2]!.signatures).toEqual([{ printedName: 'Quinn Tester', signer: 'quinn', meaning: 'released after metal detector re-test', signedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*\+00:00$/), valid: true, problem: null }]);
      expect(dossier.data.exceptions).toEqual([
        expect.objectContaining({ id: plant.exceptionId, rule: 'produced-without-inputs', lot: 'DOUGH / D2', state: 'resolved', resolution: 'shift lead confirmed the sugar went into batch MIX-2', correctiveEventId: plant.correctiveEventId }),
      ]);
      expect(dossier.data.exceptions[0]!.history.map((h) => [h.action, h.actor])).toEqual([['opened', 'lotline'], ['resolved', 'user:quinn']]);
    });

    it('seen from the dough, the biscuits are 80 % D1: exposures 960 and 400 packs', async () => {
      const d = await dossierData(store, quality, D1, { generatedBy: 'test' });
      expect(d.data.backward.lots.map((l) => [l.label, l.share])).toEqual([['BUTTER / B1', 0.25], ['FLOUR / F1', 0.75]]);
      expect(d.data.forward.lots.map((l) => [l.label, l.share])).toEqual([['BISCUIT / BC1', 0.8]]);
      expect(d.data.shipments.map((s) => [s.party, s.exposure])).toEqual([['FreshMart DC', 960], ['Corner Shop', 400]]);
    });

    it('stamps the log position and the chain hash, and gives the same hash for the same records', async () => {
      const head = await store.headSeq();
      const [entry] = await store.readLog(head - 1, 1);
      expect(dossier.stamp).toMatchObject({ generatedBy: 'user:auditor', logSeq: head, logHeadHash: entry!.hash });
      const again = await dossierData(store, quality, BC1, { generatedBy: 'someone else', asOf: dossier.stamp.asOf });
      expect(dossierHash(again.data)).toBe(dossierHash(dossier.data));
    });

    it('refuses an unknown lot and a chain over the limit', async () => {
      await expect(dossierData(store, quality, { kind: 'lot', item: 'BISCUIT', lot: 'NOPE' }, { generatedBy: 't' })).rejects.toMatchObject({ code: 'LOT_NOT_FOUND' });
      await expect(dossierData(store, quality, BC1, { generatedBy: 't', maxLots: 3 })).rejects.toMatchObject({ code: 'DOSSIER_TOO_LARGE', message: expect.stringMatching(/more than 3 lots/) });
    });
  });
}

describe('the dossier documents (SQLite)', () => {
  let db: string;
  let dossier: Dossier;
  let hash: string;
  beforeAll(async () => {
    db = tempDb();
    await buildDossierPlant(db);
    const store = await openStore(db, { create: false });
    const quality = await openQualityStore(db);
    dossier = await dossierData(store, quality, BC1, { generatedBy: 'user:auditor' });
    hash = dossierHash(dossier.data);
    await quality.close();
    await store.close();
  });

  it('HTML: one self-contained page with plain headings, the right rows, the drawing and the footer', () => {
    const html = dossierHtml(dossier, hash);
    expect(html).not.toMatch(/<script|<link|src="http/);
    for (const h of ['Where this lot came from', 'Where it went', 'What happened to it', 'Holds, releases and signatures', 'Problems found and how they were handled']) expect(html).toContain(`<h2>${h}</h2>`);
    expect(html).toContain('<tr><td>FLOUR / F1</td><td class="n">2</td><td class="n">60%</td><td>ON HOLD</td></tr>');
    expect(html).toMatch(/<td>2026-05-05 07:30 UTC\+02:00<\/td><td>BISCUIT \/ BC1<\/td><td>FreshMart DC<\/td><td class="n">1200 EA<\/td>/);
    expect(html).toContain('Quinn Tester — &quot;released after metal detector re-test&quot;');
    expect(html).toContain('(signature verified)');
    expect(html).toMatch(/<td>SUGAR \/ S1<\/td><td>DOUGH \/ D2<\/td><td class="n">100 KGM<\/td><td>recorded after the fact \(exception 1\)<\/td>/);
    expect(html).toContain('doughTempC = 23.5');
    // the drawing: every lot a box, the customers as end nodes, the quantities on the edges
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
    expect(svg.match(/<g class="node lot/g)).toHaveLength(6);
    expect(svg).toContain('class="node lot focus"');
    expect(svg).toContain('class="node lot held"');
    expect(svg.match(/<g class="node customer/g)).toHaveLength(2);
    expect(svg.match(/<g class="node supplier/g)).toHaveLength(3);
    expect(svg).toContain('>1200 EA</text>');
    expect(svg).toContain('class="edge retroactive"');
    expect(html).toContain(`Content SHA-256 <code>${hash}</code>`);
    expect(html).toContain(`log position ${dossier.stamp.logSeq}`);
  });

  const poppler = spawnSync('pdftotext', ['-v']).status === 0 && spawnSync('pdftoppm', ['-v']).status === 0;
  it.skipIf(!poppler)(`PDF: pages with the footer on each, lot codes, the signature line and a drawing${poppler ? '' : ' (skipped: pdftotext/pdftoppm from poppler-utils are not installed)'}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dossier-pdf-'));
    const file = join(dir, 'd.pdf');
    writeFileSync(file, await dossierPdf(dossier, hash));
    const pages: string[] = [];
    for (let p = 1; ; p++) {
      const r = spawnSync('pdftotext', ['-layout', '-f', String(p), '-l', String(p), file, '-'], { encoding: 'utf8' });
      if (r.status !== 0 || (p > 1 && r.stdout.trim() === '')) break;
      pages.push(r.stdout);
      if (p > 50) throw new Error('runaway page count');
    }
    const info = spawnSync('pdfinfo', [file], { encoding: 'utf8' }).stdout;
    const count = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    expect(pages).toHaveLength(count);
    expect(count).toBeGreaterThanOrEqual(4);
    for (const [i, text] of pages.entries()) {
      expect(text).toContain(`Page ${i + 1} of ${count}`);
      expect(text.replace(/\s+/g, ' ')).toContain(`Content SHA-256 ${hash}`);
      expect(text).toContain(`log position ${dossier.stamp.logSeq}`);
    }
    const all = pages.join('\n');
    for (const code of ['BISCUIT / BC1', 'DOUGH / D1', 'DOUGH / D2', 'FLOUR / F1', 'BUTTER / B1', 'SUGAR / S1', SSCC]) expect(all).toContain(code);
    expect(all.replace(/\s+/g, ' ')).toContain('Quinn Tester — "released after metal detector re-test"');
    expect(all).toContain('Where this lot came from');
    // page 2 is the drawing: its boxes carry the lot codes, and it is not blank
    expect(pages[1]).toContain('The genealogy at a glance');
    expect(pages[1]).toContain('THIS LOT');
    expect(pages[1]).toContain('FreshMart DC');
    spawnSync('pdftoppm', ['-gray', '-r', '40', '-f', '2', '-l', '2', '-singlefile', file, join(dir, 'graph')]);
    const ink = darkShare(readFileSync(join(dir, 'graph.pgm')));
    expect(ink).toBeGreaterThan(0.01);
    expect(ink).toBeLessThan(0.5);
    spawnSync('pdftoppm', ['-png', '-r', '30', '-f', '1', '-l', '1', '-singlefile', file, join(dir, 'first')]);
    expect(existsSync(join(dir, 'first.png'))).toBe(true);
  });

  it('PDF text: characters the standard fonts lack are approached, not dropped', () => {
    // ó and ü are in the fonts; Ł and ź are not, and have a Latin base letter; 名 has none
    expect(winAnsi('Łódź → Müller ✓ 名')).toBe('Lódz -> Müller v ?');
  });
});

/** The share of dark pixels of a binary PGM (P5, 8-bit), as pdftoppm -gray writes it. */
function darkShare(pgm: Buffer): number {
  const header = pgm.subarray(0, 64).toString('latin1');
  const m = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(header);
  if (!m) throw new Error('not a binary PGM');
  const [w, h] = [Number(m[1]), Number(m[2])];
  const pixels = pgm.subarray(m[0].length);
  let dark = 0;
  for (let i = 0; i < w * h; i++) if (pixels[i]! < 200) dark++;
  return dark / (w * h);
}

describe('lotline report dossier and GET /api/v1/reports/dossier', () => {
  let db: string;
  beforeAll(async () => {
    db = tempDb();
    await buildDossierPlant(db);
  });

  it('writes the PDF and the HTML; --verify matches the printed hash at its instant, and refuses another', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dossier-cli-'));
    const made = await cliJson<{ hash: string; asOf: string; logSeq: number; format: string }>('report', 'dossier', '--item', 'BISCUIT', '--lot', 'BC1', '--out', join(dir, 'bc1.pdf'), '--db', db);
    expect(made.format).toBe('pdf');
    expect(readFileSync(join(dir, 'bc1.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    const html = await cliJson<{ hash: string; format: string }>('report', 'dossier', 'urn:lotline:lot:BISCUIT:BC1', '--out', join(dir, 'bc1.html'), '--as-of', made.asOf, '--db', db);
    expect(html).toMatchObject({ format: 'html', hash: made.hash });

    const ok = await cli('report', 'dossier', 'urn:lotline:lot:BISCUIT:BC1', '--as-of', made.asOf, '--verify', made.hash, '--db', db);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`MATCH: the record as of ${made.asOf} (log position ${made.logSeq}`);
    expect(ok.stdout).toContain('The event log verifies');
    const wrong = await cli('report', 'dossier', 'urn:lotline:lot:BISCUIT:BC1', '--as-of', made.asOf, '--verify', '0'.repeat(64), '--db', db);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('DIFFERENT');
    expect(wrong.stderr).toContain('DOSSIER_MISMATCH');

    // Something new about the chain: a new dossier differs; the old one still checks at its instant.
    await new Promise((r) => setTimeout(r, 5));
    const store = await openStore(db, { create: false });
    await load(store, [{ cmd: 'ship', time: '2026-05-07T08:00:00+02:00', lots: [{ item: 'BISCUIT', lot: 'BC1', quantity: 100, uom: 'EA' }], to: 'Corner Shop' }]);
    await store.close();
    const later = await cliJson<{ hash: string }>('report', 'dossier', '--item', 'BISCUIT', '--lot', 'BC1', '--out', join(dir, 'later.html'), '--db', db);
    expect(later.hash).not.toBe(made.hash);
    expect((await cli('report', 'dossier', 'urn:lotline:lot:BISCUIT:BC1', '--as-of', made.asOf, '--verify', made.hash, '--db', db)).code).toBe(0);
    // Something about another lot only: the dossier's content, and its hash, stay the same.
    const store2 = await openStore(db, { create: false });
    await load(store2, [{ cmd: 'receive', time: '2026-05-07T08:00:00+02:00', lots: [{ item: 'SALT', lot: 'X9', quantity: 5, uom: 'KGM' }], from: 'Salt Works' }]);
    await store2.close();
    const unrelated = await cliJson<{ hash: string; logSeq: number }>('report', 'dossier', '--item', 'BISCUIT', '--lot', 'BC1', '--out', join(dir, 'later2.html'), '--db', db);
    expect(unrelated.hash).toBe(later.hash);
  });

  it('says clearly what is wrong: unknown lot, bad format, missing --out, --verify without --as-of, unwritable path', async () => {
    const unknown = await cli('report', 'dossier', '--item', 'BISCUIT', '--lot', 'NOPE', '--out', '/tmp/x.pdf', '--db', db);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('LOT_NOT_FOUND');
    const format = await cli('report', 'dossier', '--item', 'BISCUIT', '--lot', 'BC1', '--out', '/tmp/x.doc', '--format', 'docx', '--db', db);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/format must be pdf or html \(got "docx"\)/);
    expect((await cli('report', 'dossier', '--item', 'BISCUIT', '--lot', 'BC1', '--out', '/tmp/x.doc', '--db', db)).stderr).toMatch(/give --format pdf or --format html/);
    expect((await cli('report', 'dossier', '--item', 'BISCUIT', '--lot', 'BC1', '--db', db)).stderr).toMatch(/needs --out FILE/);
    expect((await cli('report', 'dossier', '--item', 'BISCUIT', '--lot', 'BC1', '--verify', 'ab', '--db', db)).stderr).toMatch(/--verify needs --as-of T/);
    expect((await cli('report', 'dossier', '--item', 'BISCUIT', '--lot', 'BC1', '--as-of', '2026-06-01', '--verify', 'ab', '--db', db)).stderr).toMatch(/64 hexadecimal digits/);
    const dir = mkdtempSync(join(tmpdir(), 'dossier-bad-'));
    const bad = await cli('report', 'dossier', '--item', 'BISCUIT', '--lot', 'BC1', '--out', join(dir, 'missing', 'x.pdf'), '--db', db);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('FILE_NOT_WRITABLE');
    expect(existsSync(join(dir, 'missing'))).toBe(false);
    const missingDb = await cli('report', 'dossier', '--item', 'BISCUIT', '--lot', 'BC1', '--out', join(dir, 'x.pdf'), '--db', join(dir, 'nope.db'));
    expect(missingDb.stderr).toContain('STORE_NOT_FOUND');
    expect(existsSync(join(dir, 'nope.db'))).toBe(false);
  });

  it('serves the PDF and the HTML over HTTP with the hash in a header; errors name the parameter', async () => {
    const t = await testApi({ db });
    try {
      const pdf = await t.app.inject({ method: 'GET', url: '/api/v1/reports/dossier?lot=urn:lotline:lot:BISCUIT:BC1&format=pdf', headers: t.keys.auditor });
      expect(pdf.statusCode).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdf.headers['lotline-content-hash']).toMatch(/^[0-9a-f]{64}$/);
      const html = await t.app.inject({ method: 'GET', url: `/api/v1/reports/dossier?item=BISCUIT&lot=BC1&format=html&asOf=${encodeURIComponent(String(pdf.headers['lotline-as-of']))}`, headers: t.keys.auditor });
      expect(html.statusCode).toBe(200);
      expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(html.headers['lotline-content-hash']).toBe(pdf.headers['lotline-content-hash']);
      expect(html.body).toContain('by key:auditor-key');
      const bad = await t.app.inject({ method: 'GET', url: '/api/v1/reports/dossier?lot=urn:lotline:lot:BISCUIT:BC1&format=docx', headers: t.keys.auditor });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: 'query.format' }] });
      const unknown = await t.app.inject({ method: 'GET', url: '/api/v1/reports/dossier?item=BISCUIT&lot=NOPE', headers: t.keys.auditor });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toMatchObject({ code: 'LOT_NOT_FOUND' });
      const none = await t.app.inject({ method: 'GET', url: '/api/v1/reports/dossier', headers: t.keys.auditor });
      expect(none.statusCode).toBe(400);
      expect(none.json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: 'query.ref' }] });
    } finally {
      await t.close();
    }
  });
});

describe('the PDF of a lot made with two hundred others', () => {
  const poppler = spawnSync('pdftotext', ['-v']).status === 0;
  it.skipIf(!poppler)(`cuts an event too long for a page, and says where the rest is${poppler ? '' : ' (skipped: pdftotext is not installed)'}`, async () => {
    const db = tempDb();
    const store = await openStore(db, { create: true });
    const outputs = Array.from({ length: 200 }, (_, i) => ({ item: 'PACK', lot: `P${i}`, quantity: 1, uom: 'EA' }));
    await load(store, [
      { cmd: 'receive', time: '2026-05-04T06:00:00+02:00', lots: [{ item: 'BULK', lot: 'K1', quantity: 200, uom: 'KGM' }], from: 'Mill' },
      { cmd: 'produce', time: '2026-05-04T08:00:00+02:00', inputs: [{ item: 'BULK', lot: 'K1', quantity: 200, uom: 'KGM' }], outputs },
    ]);
    const quality = await openQualityStore(db);
    const d = await dossierData(store, quality, { kind: 'lot', item: 'BULK', lot: 'K1' }, { generatedBy: 't' });
    await quality.close();
    await store.close();
    const dir = mkdtempSync(join(tmpdir(), 'dossier-long-'));
    writeFileSync(join(dir, 'k1.pdf'), await dossierPdf(d, dossierHash(d.data)));
    const text = spawnSync('pdftotext', [join(dir, 'k1.pdf'), '-'], { encoding: 'utf8' }).stdout;
    expect(text.replace(/\s+/g, ' ')).toMatch(/… and \d+ more line\(s\): see the HTML dossier/);
    // every page still has its footer, which a row running into it would have covered
    const pages = text.split('\f').filter((p) => p.trim() !== '');
    for (const [i, p] of pages.entries()) expect(p).toContain(`Page ${i + 1} of ${pages.length}`);
  });
});
