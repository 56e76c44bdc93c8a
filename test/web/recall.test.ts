/**
 * The recall workspace in Chromium, on the README walk-through. By hand: flour F-0504 (1000 KGM
 * received, 300 KGM into dough D-0504-1) has 700 KGM left in the Mixing room; the dough (400 KGM,
 * 300 of them flour: 75%) was used up in biscuits BC-0504-A (2000 EA, 75% flour), of which 960 EA
 * left on pallet 006141419990000019 for FreshMart DC South: exposure 0.75 × 960 = 720 EA, and
 * 2000 − 960 = 1040 EA are left at the Palletiser. So: 3 affected lots, 2 on hand to hold, 1
 * customer (no contact on file: the walk has no master data), 1 shipment.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { LotState } from '../../src/genealogy/lot-state.js';
import { lotState as anyState } from '../../src/genealogy/lot-state.js';
import { parseCsv } from '../../src/integrations/file-drops/csv.js';
import { context, NO_BROWSER, signIn, useBrowserSession } from './web-app.js';

const FLOUR = 'urn:lotline:lot:FLOUR-T55:F-0504';
const FLOUR_REF = { kind: 'lot', item: 'FLOUR-T55', lot: 'F-0504' } as const;
const BISCUITS_REF = { kind: 'lot', item: '00614141100118', lot: 'BC-0504-A' } as const;
const lotState = async (store: Parameters<typeof anyState>[0], ref: typeof FLOUR_REF | typeof BISCUITS_REF) => (await anyState(store, ref)) as LotState;

/** The cells of a table's body rows, as text. */
const rows = (page: Page, selector: string): Promise<string[][]> =>
  page.locator(`${selector} tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())));

const csvRows = (text: string): string[][] => parseCsv(text, 'download', ',').map((r) => r.cells);

describe.skipIf(NO_BROWSER !== undefined)(`the recall workspace in the browser${NO_BROWSER ? ` (skipped: ${NO_BROWSER})` : ''}`, () => {
  const s = useBrowserSession({ signInAs: 'qa' });
  let recallId = '';
  const savedRecalls = async (): Promise<{ id: string; computedBy: string }[]> => {
    const r = await fetch(`${s.app.url}/api/v1/recalls`, { headers: s.app.t.keys.auditor });
    return ((await r.json()) as { recalls: { id: string; computedBy: string }[] }).recalls;
  };

  it('starts a recall from the lot page of flour F-0504 and shows the scope worked out by hand', async () => {
    await s.page.goto(`${s.app.url}/lots/${encodeURIComponent(FLOUR)}`);
    await s.page.getByRole('link', { name: 'Start a recall…' }).click();
    await s.page.getByRole('heading', { name: 'New recall' }).waitFor();
    expect(await s.page.getByRole('textbox', { name: 'Lots' }).inputValue()).toBe(FLOUR);
    await s.page.getByRole('button', { name: 'Compute the recall' }).click();
    await s.page.getByRole('heading', { level: 1, name: /^Recall RC-/ }).waitFor();
    recallId = /\/recalls\/(RC-[\w-]+)$/.exec(s.page.url())![1]!;
    expect(await savedRecalls()).toEqual([expect.objectContaining({ id: recallId, computedBy: 'user:qa' })]);

    expect(await s.page.getByRole('list', { name: 'Scope in figures' }).getByRole('listitem').allTextContents()).toEqual([
      '3 affected lots',
      '2 lots on hand to hold',
      '1 customer to notify',
      '1 shipment',
      '0 orders to stop',
    ]);
    // Lot, description, steps, share, status, on hand, where, dossier.
    expect(await rows(s.page, '#lots-table')).toEqual([
      ['FLOUR-T55 / F-0504', '', '0', '100%', 'Released', '700 KGM', 'Mixing room', 'PDF'],
      ['DOUGH / D-0504-1', '', '1', '75%', 'Consumed', '—', '', 'PDF'],
      ['00614141100118 / BC-0504-A', '', '2', '75%', 'Released', '1,040 EA', 'Palletiser', 'PDF'],
    ]);
    expect(await s.page.locator('#section-on-hand ul.totals li').allTextContents()).toEqual(['Mixing room: 700 KGM in 1 lot', 'Palletiser: 1,040 EA in 1 lot']);
    // Customer, contact, lots, shipped, exposure, shipments, last shipped.
    expect(await rows(s.page, '#customers-table')).toEqual([['FreshMart DC South', '⚠ no contact on file', '00614141100118 / BC-0504-A', '960 EA', '720 EA', '1', '2026-05-05 07:30+02:00']]);
    await s.page.getByText('1 customer has no contact on file', { exact: false }).waitFor();
    const [shipment] = await rows(s.page, '#shipments-table');
    expect(shipment).toEqual(['2026-05-05 07:30+02:00', 'FreshMart DC South', 'SO-2026-701', '00614141100118 / BC-0504-A', '960 EA', '75%', '720 EA', '006141419990000019', 'Transports Dupuis']);
    // One biscuit lot was made on that day: the genealogy spares nothing, and says so.
    expect(await s.page.locator('#precision').textContent()).toBe('This recall covers 2,000 EA, the same as a recall of the same items made on the same dates: the genealogy spares nothing here.');
    expect(await s.page.locator('.recall-history li').allTextContents()).toEqual([expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}.*computed by user:qa \(log position \d+\)$/)]);
  });

  it('downloads the notification list with the customer row, and the FSMA 204 sheet and a dossier of the recalled lots', async () => {
    const [csv] = await Promise.all([s.page.waitForEvent('download'), s.page.getByRole('link', { name: 'Notification list (CSV)' }).click()]);
    expect(csv.suggestedFilename()).toBe(`${recallId}.notification.csv`);
    const lines = readFileSync((await csv.path())!, 'utf8').trim().split(/\r?\n/);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Customer,Customer identifier,Contact,Phone,E-mail,Address,Lots \(item \/ lot\),Quantity shipped,Exposure \(share x quantity\),Shipments,First shipped,Last shipped$/);
    expect(lines[1]).toBe('FreshMart DC South,urn:lotline:party:FreshMart%20DC%20South,no contact on file,,,,00614141100118 / BC-0504-A,960 EA,720 EA,1,2026-05-05T07:30:00+02:00,2026-05-05T07:30:00+02:00');

    const [fsma] = await Promise.all([s.page.waitForEvent('download'), s.page.getByRole('link', { name: 'FSMA 204 (CSV)' }).click()]);
    const [head, ...sheet] = csvRows(readFileSync((await fsma.path())!, 'utf8'));
    const col = (name: string) => head!.indexOf(name);
    // The flour's receipt, the two transformations it went through, the biscuits' shipment: nothing of the demo plant.
    expect(sheet.map((r) => [r[col('Critical tracking event')], r[col('Traceability lot code')] || r[col('New traceability lot code')]])).toEqual([
      ['Receiving', 'F-0504'],
      ['Transformation', 'D-0504-1'],
      ['Transformation', 'D-0504-1'],
      ['Transformation', 'BC-0504-A'],
      ['Shipping', 'BC-0504-A'],
    ]);
    const [xlsx] = await Promise.all([s.page.waitForEvent('download'), s.page.getByRole('link', { name: 'FSMA 204 (XLSX)' }).click()]);
    expect(readFileSync((await xlsx.path())!).subarray(0, 2).toString()).toBe('PK');
    const [pdf] = await Promise.all([s.page.waitForEvent('download'), s.page.getByRole('link', { name: 'PDF, dossier of DOUGH / D-0504-1' }).click()]);
    expect(readFileSync((await pdf.path())!).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('places the holds on the 2 lots on hand after a confirmation; the store holds them; a second time holds nothing', async () => {
    await s.page.getByRole('button', { name: 'Place holds on 2 lots' }).click();
    const dlg = s.page.getByRole('dialog', { name: `Place holds for ${recallId}` });
    expect(await dlg.getByRole('listitem').allTextContents()).toEqual(['FLOUR-T55 / F-0504 — 700 KGM', '00614141100118 / BC-0504-A — 1,040 EA']);
    // Cancel changes nothing.
    await dlg.getByRole('button', { name: 'Cancel' }).click();
    expect((await lotState(s.app.t.store, FLOUR_REF)).status).toBe('released');
    await s.page.getByRole('button', { name: 'Place holds on 2 lots' }).click();
    expect(await dlg.getByLabel('Reason').inputValue()).toBe(`Recall ${recallId}`);
    await dlg.getByLabel('Reason').fill('Supplier notice SN-118: salmonella suspected');
    await dlg.getByRole('button', { name: 'Hold 2 lots' }).click();
    await s.page.getByRole('status').getByText('Holds placed on 2 lots.').waitFor();
    for (const ref of [FLOUR_REF, BISCUITS_REF]) expect(await lotState(s.app.t.store, ref)).toMatchObject({ status: 'on_hold', hold: { reason: 'Supplier notice SN-118: salmonella suspected' } });
    await s.page.getByText('Nothing left to hold: every lot on hand is held.').waitFor();
    expect(await s.page.locator('.recall-history li').nth(1).textContent()).toMatch(/holds placed by user:qa: FLOUR-T55 \/ F-0504, 00614141100118 \/ BC-0504-A$/);
    // The API, asked again, holds nothing twice.
    const again = await fetch(`${s.app.url}/api/v1/recalls/${recallId}/holds`, { method: 'POST', headers: { ...s.app.t.keys.quality, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'again' }) });
    expect(await again.json()).toEqual({ eventId: null, seq: null, lots: [] });
  });

  it('reopens the saved recall from the list, with its holds in the history', async () => {
    await s.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Recalls' }).click();
    await s.page.getByRole('heading', { name: 'Saved recalls' }).waitFor();
    const [row] = await rows(s.page, 'table.recall-list');
    expect(row).toEqual([recallId, expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/), 'user:qa', 'FLOUR-T55 / F-0504', '3', '2', '11 without contact', '2,000 EA of 2,000 EA (100%)']);
    await s.page.getByRole('link', { name: recallId }).click();
    await s.page.getByRole('heading', { level: 1, name: `Recall ${recallId}` }).waitFor();
    expect(await s.page.locator('.recall-history li').count()).toBe(2);
    expect(await rows(s.page, '#on-hand-table')).toEqual([
      ['Mixing room', 'FLOUR-T55 / F-0504', '700 KGM', '', expect.stringMatching(/^On hold by this recall, \d{4}-/)],
      ['Palletiser', '00614141100118 / BC-0504-A', '1,040 EA', '', expect.stringMatching(/^On hold by this recall, \d{4}-/)],
    ]);
  });

  it('refuses a reversed date range next to the To field, and an unknown lot next to Lots; nothing is saved', async () => {
    const before = (await savedRecalls()).length;
    await s.page.goto(`${s.app.url}/recalls`);
    await s.page.getByRole('radio', { name: 'An item' }).check();
    await s.page.getByRole('combobox', { name: 'Item' }).fill('FLOUR-T55');
    await s.page.getByLabel('From', { exact: true }).fill('2026-05-08');
    await s.page.getByLabel('To (not included)').fill('2026-05-01');
    await s.page.getByRole('button', { name: 'Compute the recall' }).click();
    const toError = s.page.locator('#recall-to-error');
    await toError.waitFor();
    expect(await toError.textContent()).toBe('To: "to" must be after from (to is not included)');
    expect(await s.page.getByLabel('To (not included)').getAttribute('aria-invalid')).toBe('true');
    expect(await s.page.locator('#recall-from-error').isHidden()).toBe(true);

    await s.page.getByRole('radio', { name: 'Lots' }).check();
    await s.page.getByRole('textbox', { name: 'Lots' }).fill('FLOUR-T55 / NO-SUCH-LOT');
    await s.page.getByRole('button', { name: 'Compute the recall' }).click();
    await s.page.locator('#recall-lots-error').getByText('no event names FLOUR-T55 / NO-SUCH-LOT', { exact: false }).waitFor();
    expect(s.page.url()).toBe(`${s.app.url}/recalls`);
    expect((await savedRecalls()).length).toBe(before);
  });

  it('pages a large scope: the demo egg lot reaches 74 lots, shown 50 at a time with the count', async () => {
    await s.page.goto(`${s.app.url}/recalls`);
    await s.page.getByRole('textbox', { name: 'Lots' }).fill('RM-EGG-LIQ / EGG-261005-1');
    await s.page.getByRole('button', { name: 'Compute the recall' }).click();
    await s.page.getByRole('heading', { level: 1, name: /^Recall RC-/ }).waitFor();
    const lots = s.page.locator('#lots-table');
    expect(await lots.locator('caption').textContent()).toBe('Affected lots (1–50 of 74)');
    expect(await lots.locator('tbody tr').count()).toBe(50);
    await lots.getByRole('button', { name: 'Next' }).click();
    expect(await lots.locator('caption').textContent()).toBe('Affected lots (51–74 of 74)');
    expect(await lots.locator('tbody tr').count()).toBe(24);
    expect(await lots.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    expect(await lots.getByText('Page 2 of 2').count()).toBe(1);
  });

  it('shows an auditor the saved recall without the "Place holds" button or the new-recall form', async () => {
    const other = await context(s.browser);
    const p = await other.newPage();
    await signIn(p, s.app.url, 'viewer');
    await p.goto(`${s.app.url}/recalls`);
    await p.getByText('Computing a recall and placing its holds needs the role quality', { exact: false }).waitFor();
    expect(await p.getByRole('heading', { name: 'New recall' }).count()).toBe(0);
    await p.goto(`${s.app.url}/recalls/${recallId}`);
    await p.getByRole('heading', { level: 1, name: `Recall ${recallId}` }).waitFor();
    await p.locator('#lots-table tbody tr').first().waitFor();
    expect(await p.getByRole('button', { name: /hold/i }).count()).toBe(0);
    await p.goto(`${s.app.url}/lots/${encodeURIComponent(FLOUR)}`);
    await p.getByRole('heading', { level: 1, name: 'FLOUR-T55 / F-0504' }).waitFor();
    expect(await p.getByRole('link', { name: 'Start a recall…' }).count()).toBe(0);
    await other.close();
  });
});
