/**
 * The pages in Chromium, as a quality manager uses them: sign in (a wrong password is refused and
 * said so), search as you type, a scanned barcode straight to its lot, the lot page with the
 * genealogy of the walk-through plant (hand-checked: 75% flour, 300/100/400 KGM, 960 EA on one
 * pallet to FreshMart DC South), re-centring by clicking a lot, collapsing levels, the CSV, SVG
 * and PNG downloads, the timeline, a pallet s.page, a lot that does not exist, sign out; and setup
 * mode, where anyone reads without signing in.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../helpers/http.js';
import type { WebApp } from './web-app.js';
import { context, NO_BROWSER, startWebApp, useBrowserSession } from './web-app.js';

const DOUGH = 'urn:lotline:lot:DOUGH:D-0504-1';
const lotUrl = (app: WebApp, ref: string) => `${app.url}/lots/${encodeURIComponent(ref)}`;

describe.skipIf(NO_BROWSER !== undefined)(`the web pages in Chromium${NO_BROWSER ? ` (skipped: ${NO_BROWSER})` : ''}`, () => {
  const s = useBrowserSession();

  const nodeLabels = async () => (await s.page.locator('svg.genealogy g.node text:first-of-type').allTextContents()).sort();

  it('asks to sign in, refuses a wrong password with the server’s reason, and signs in', async () => {
    await s.page.goto(s.app.url);
    await s.page.getByRole('heading', { name: 'Sign in to Lotline' }).waitFor();
    await s.page.getByLabel('User name').fill('qa');
    await s.page.getByLabel('Password').fill('not the password');
    await s.page.getByRole('button', { name: 'Sign in' }).click();
    const alert = s.page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/name or password/i);
    // The wrong password is cleared, the name kept.
    expect(await s.page.getByLabel('Password').inputValue()).toBe('');
    expect(await s.page.getByLabel('User name').inputValue()).toBe('qa');
    await s.page.getByLabel('Password').fill(PASSWORD);
    await s.page.getByRole('button', { name: 'Sign in' }).click();
    await s.page.getByText('qa (quality)').waitFor();
    const cookies = await s.ctx.cookies();
    expect(cookies.find((c) => c.name === 'lotline_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });

  it('lists lots as you type and opens the one chosen with the keyboard', async () => {
    await s.page.goto(s.app.url);
    const box = s.page.getByRole('combobox', { name: 'Find a lot' });
    await box.pressSequentially('EGG-26100', { delay: 20 });
    await expect.poll(async () => s.page.getByRole('option').allTextContents()).toEqual(['lot RM-EGG-LIQ / EGG-261001-1', 'lot RM-EGG-LIQ / EGG-261002-1', 'lot RM-EGG-LIQ / EGG-261005-1', 'lot RM-EGG-LIQ / EGG-261008-1']);
    await box.press('ArrowDown');
    await box.press('ArrowDown');
    await box.press('ArrowDown');
    expect(await s.page.getByRole('option', { selected: true }).textContent()).toBe('lot RM-EGG-LIQ / EGG-261005-1');
    await box.press('Enter');
    await s.page.getByRole('heading', { level: 1, name: 'RM-EGG-LIQ / EGG-261005-1' }).waitFor();
    expect(new URL(s.page.url()).pathname).toBe(`/lots/${encodeURIComponent('urn:lotline:lot:RM-EGG-LIQ:EGG-261005-1')}`);
    // The supplier's own lot code is on the page. Its 74 descendants are drawn at once (the whole
    // graph opens up to 1,000 boxes); two levels forward hide some behind a "+N more" button.
    // (first: the summary at the top; the receipt in the timeline names it too)
    await s.page.getByText('SFE-261005-P2').first().waitFor();
    await s.page.getByText(/^74 lots drawn; 1 receipt\(s\), 184 shipment\(s\)\.$/).waitFor();
    expect(await s.page.getByLabel('Levels forward').inputValue()).toBe('all');
    await s.page.getByLabel('Levels forward').selectOption('2');
    await s.page.getByText(/^\d+ lots drawn, \d+ more in hidden levels; 1 receipt\(s\), 184 shipment\(s\)\.$/).waitFor();
    await s.page.getByRole('button', { name: /^\+\d+ more: show all levels$/ }).click();
    await s.page.getByText(/^74 lots drawn; /).waitFor();
  });

  it('goes straight to the lot when a barcode is scanned into the search box (keyboard wedge: characters, then Enter)', async () => {
    await s.page.goto(s.app.url);
    const box = s.page.getByRole('combobox', { name: 'Find a lot' });
    await box.pressSequentially(']d2010061414110011810BC-0504-A', { delay: 5 });
    await box.press('Enter');
    await s.page.getByRole('heading', { level: 1, name: '00614141100118 / BC-0504-A' }).waitFor();
    // 2000 baked, 960 shipped: released, 1040 on hand.
    await s.page.getByText('Released', { exact: true }).waitFor();
    await s.page.getByText('1040 EA').waitFor();
  });

  it('says when a scanned barcode names nothing recorded', async () => {
    await s.page.goto(s.app.url);
    const box = s.page.getByRole('combobox', { name: 'Find a lot' });
    await box.fill('(01)00614141100118(10)NO-SUCH-LOT');
    await s.page.getByText('Nothing is recorded under 00614141100118 / NO-SUCH-LOT.').waitFor();
    await box.fill('(01)00614141100119(10)X');
    await s.page.getByText(/check digit/).waitFor();
  });

  it('shows the lot: status, on hand, location, balance, and the genealogy with shares, quantities, suppliers and customer', async () => {
    await s.page.goto(lotUrl(s.app, DOUGH));
    await s.page.getByRole('heading', { level: 1, name: 'DOUGH / D-0504-1' }).waitFor();
    const facts = await s.page.locator('dl.facts').innerText();
    expect(facts).toContain('0 KGM');
    expect(facts).toContain('Line 1');
    expect(facts).toContain('received 0 + produced 400 − consumed 400 − shipped 0 − scrapped 0 ± adjusted 0 (KGM)');
    await s.page.locator('svg.genealogy').waitFor();
    expect(await nodeLabels()).toEqual(['00614141100118 / BC-0504-A', '13012345001011 / ND-7', 'DOUGH / D-0504-1', 'FLOUR-T55 / F-0504', 'FreshMart DC South', 'Northfield Dairy', 'Valley Mills']);
    // Each lot's status is painted in once it is read.
    const details = async () => (await s.page.locator('svg.genealogy g.node').evaluateAll((gs) => gs.map((g) => g.querySelectorAll('text')[1]?.textContent ?? ''))).sort();
    await expect.poll(details).toEqual(['100% from this lot · released', '25% of this lot · released', '75% of this lot · released', 'customer · 1 shipment', 'supplier · 1 receipt', 'supplier · 1 receipt', 'this lot'].sort());
    expect((await s.page.locator('svg.genealogy g.edge text').allTextContents()).sort()).toEqual(['100 KGM', '1000 KGM', '200 KGM', '300 KGM', '400 KGM', '960 EA on 1 unit']);
    await s.page.getByText('4 lots drawn; 2 receipt(s), 1 shipment(s).').waitFor();
  });

  it('collapses levels, and opens a lot clicked in the graph (re-centred on it)', async () => {
    await s.page.goto(lotUrl(s.app, 'urn:lotline:lot:FLOUR-T55:F-0504'));
    await s.page.getByRole('heading', { level: 1, name: 'FLOUR-T55 / F-0504' }).waitFor();
    await s.page.getByText('700 KGM').waitFor();
    await s.page.locator('svg.genealogy').waitFor();
    expect(await nodeLabels()).toEqual(['00614141100118 / BC-0504-A', 'DOUGH / D-0504-1', 'FLOUR-T55 / F-0504', 'FreshMart DC South', 'Valley Mills']);
    // One level forward: the dough stays, the biscuits and their customer go.
    await s.page.getByLabel('Levels forward').selectOption('1');
    expect(await nodeLabels()).toEqual(['DOUGH / D-0504-1', 'FLOUR-T55 / F-0504', 'Valley Mills']);
    await s.page.getByText('2 lots drawn, 1 more in hidden levels', { exact: false }).waitFor();
    await s.page.getByRole('link', { name: /^DOUGH \/ D-0504-1, 75% from this lot/ }).click();
    await s.page.getByRole('heading', { level: 1, name: 'DOUGH / D-0504-1' }).waitFor();
    await s.page.locator('svg.genealogy').waitFor();
    expect(await nodeLabels()).toContain('Northfield Dairy');
    // Keyboard: a lot of the graph takes focus, and Enter opens it.
    await s.page.getByRole('link', { name: /^FLOUR-T55 \/ F-0504, 75% of this lot/ }).focus();
    await s.page.keyboard.press('Enter');
    await s.page.getByRole('heading', { level: 1, name: 'FLOUR-T55 / F-0504' }).waitFor();
    await s.page.goBack();
    await s.page.getByRole('heading', { level: 1, name: 'DOUGH / D-0504-1' }).waitFor();
  });

  it('downloads the trace as CSV, and the drawing as SVG and PNG', async () => {
    await s.page.goto(lotUrl(s.app, DOUGH));
    await s.page.locator('svg.genealogy').waitFor();
    const save = async (button: string) => {
      const [download] = await Promise.all([s.page.waitForEvent('download'), s.page.getByRole('button', { name: button, exact: true }).click()]);
      return { name: download.suggestedFilename(), body: readFileSync((await download.path())!) };
    };
    const csv = await save('Download CSV');
    expect(csv.name).toBe('trace-DOUGH_D-0504-1.csv');
    const lines = csv.body.toString('utf8').split('\r\n');
    expect(lines[0]).toBe('relation,depth,item,lot,serial,share,quantity,uom,party,unit,time,eventId');
    expect(lines.filter((l) => l.startsWith('ancestor,') || l.startsWith('descendant,')).map((l) => l.split(',').slice(0, 6).join(','))).toEqual(['ancestor,1,13012345001011,ND-7,,0.25', 'ancestor,1,FLOUR-T55,F-0504,,0.75', 'descendant,1,00614141100118,BC-0504-A,,1']);
    expect(lines.some((l) => l.startsWith('shipment,,00614141100118,BC-0504-A,,,960,EA,FreshMart DC South,006141419990000019,2026-05-05T07:30:00+02:00'))).toBe(true);
    const svg = await save('SVG');
    expect(svg.name).toBe('genealogy-DOUGH_D-0504-1.svg');
    const text = svg.body.toString('utf8');
    expect(text).toMatch(/^<\?xml[^>]*>\n<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(text).toContain('FreshMart DC South');
    expect(text).toContain('960 EA on 1 unit');
    const png = await save('PNG');
    expect(png.name).toBe('genealogy-DOUGH_D-0504-1.png');
    expect(png.body.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // Twice the drawing's size, for print.
    const width = png.body.readUInt32BE(16);
    const viewWidth = await s.page.locator('svg.genealogy').evaluate((s) => (s as unknown as { viewBox: { baseVal: { width: number } } }).viewBox.baseVal.width);
    expect(width).toBe(Math.round(viewWidth * 2));
  });

  it('lists the lot’s events in time order, with who recorded them', async () => {
    const items = s.page.locator('ol.timeline li');
    await expect.poll(() => items.count()).toBe(2);
    expect(await items.nth(0).innerText()).toMatch(/^2026-05-04 08:00\+02:00\s*creating class instance.*produced · Mixing room · recorded by user:claire\s*Operator\s*Claire Martin$/);
    expect(await items.nth(1).innerText()).toMatch(/^2026-05-04 10:00\+02:00\s*creating class instance.*used as input · Line 1/);
  });

  it('shows what a pallet holds, from the shipment table’s link', async () => {
    await s.page.goto(lotUrl(s.app, 'urn:lotline:lot:00614141100118:BC-0504-A'));
    await s.page.getByRole('link', { name: '006141419990000019' }).first().click();
    await s.page.getByRole('heading', { level: 1, name: 'SSCC 006141419990000019' }).waitFor();
    expect(await s.page.locator('table.data tbody tr').innerText()).toMatch(/00614141100118 \/ BC-0504-A\s+960 EA/);
  });

  it('says plainly when a lot does not exist', async () => {
    await s.page.goto(lotUrl(s.app, 'urn:lotline:lot:NOPE:X-1'));
    await s.page.getByRole('heading', { name: 'Lot not found' }).waitFor();
    expect(await s.page.getByRole('alert').textContent()).toMatch(/NOPE/);
  });

  it('signs out, back to the sign-in page; the session no longer reads', async () => {
    await s.page.goto(s.app.url);
    await s.page.getByRole('button', { name: 'Sign out' }).click();
    await s.page.getByRole('heading', { name: 'Sign in to Lotline' }).waitFor();
    const r = await s.page.evaluate(async () => (await fetch('/api/v1/session')).status);
    expect(r).toBe(401);
  });

  describe('setup mode (no account yet)', () => {
    let bare: WebApp;
    beforeAll(async () => {
      bare = await startWebApp({ accounts: false });
    });
    afterAll(async () => bare?.close());

    it('lets anyone read without signing in, and says how to add the first administrator', async () => {
      const own = await context(s.browser);
      const p = await own.newPage();
      await p.goto(lotUrl(bare, DOUGH));
      await p.getByText(/Setup mode: no account exists yet/).waitFor();
      await p.getByRole('heading', { level: 1, name: 'DOUGH / D-0504-1' }).waitFor();
      expect(await p.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
      await own.close();
    });
  });
});
