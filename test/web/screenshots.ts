/**
 * `npm run screenshots`: the pages as a user sees them, on the demo plant, into docs/img/web-*.png
 * (README and docs/web.md show them). Run after changing a page, and look at every picture.
 */
import { mkdirSync } from 'node:fs';
import { demoMasterData } from '../../src/demo/demo-master-data.js';
import { PASSWORD } from '../helpers/http.js';
import { context, launch, NO_BROWSER, signIn, startWebApp } from './web-app.js';

const OUT = new URL('../../docs/img/', import.meta.url).pathname;
const lot = (ref: string) => `/lots/${encodeURIComponent(ref)}`;

async function main(): Promise<void> {
  if (NO_BROWSER) throw new Error(`cannot take screenshots: ${NO_BROWSER}`);
  mkdirSync(OUT, { recursive: true });
  const app = await startWebApp();
  const post = async (path: string, body: unknown, key: { authorization: string }) => {
    const r = await fetch(`${app.url}/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...key }, body: JSON.stringify(body) });
    if (r.status >= 300) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  };
  // Something to show in the inbox and at the station: a held lot consumed, and a station.
  await post('/holds', { lots: ['urn:lotline:lot:13012345001011:ND-7'], reason: 'supplier notice SN-17: possible foreign body' }, app.t.keys.quality);
  await post('/events', { cmd: 'produce', time: new Date(Date.now() + 1000).toISOString(), inputs: [{ gtin: '13012345001011', lot: 'ND-7', quantity: 5, uom: 'KGM' }], outputs: [{ item: 'DOUGH', lot: 'D-0506-1', quantity: 5, uom: 'KGM' }], location: 'Mixing room' }, app.t.keys.operator);
  await post('/stations', { id: 'MIX-1', site: 'Plant 1', line: 'L1', role: 'production', defaults: { outputItem: '09520123456788' } }, app.t.keys.admin);
  const browser = await launch();
  const started = Date.now();
  try {
    const ctx = await context(browser, { width: 1280, height: 800 });
    const page = await ctx.newPage();
    const shot = async (name: string, fullPage = false) => {
      await page.screenshot({ path: `${OUT}web-${name}.png`, fullPage });
      console.log(`docs/img/web-${name}.png`);
    };
    await page.goto(app.url);
    await page.getByLabel('User name').fill('qa');
    await page.getByLabel('Password').fill(PASSWORD);
    await shot('sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('combobox').fill('EGG-2610');
    await page.getByRole('option').first().waitFor();
    await shot('search');
    await page.goto(app.url + lot('urn:lotline:lot:IM-COOKIE-DOUGH:CD261006-1'));
    await page.locator('svg.genealogy').waitFor();
    await page.waitForTimeout(1500);
    await page.getByRole('heading', { name: 'Genealogy' }).evaluate((e) => e.scrollIntoView());
    await shot('lot');
    await page.goto(app.url + lot('urn:lotline:lot:DOUGH:D-0504-1'));
    await page.locator('svg.genealogy').waitFor();
    await page.waitForTimeout(500);
    await shot('lot-small', true);
    // A graph of 640 boxes, drawn whole (everything the demo plant's salt lot went into): around the lot, then zoomed out.
    await page.goto(app.url + lot('urn:lotline:lot:RM-SALT:SLT-261001-1'));
    await page.locator('svg.genealogy').waitFor();
    await page.getByRole('heading', { name: 'Genealogy' }).evaluate((e) => e.scrollIntoView());
    await page.waitForTimeout(1500);
    await shot('lot-large');
    for (let i = 0; i < 4; i++) await page.getByRole('button', { name: 'Zoom out' }).click();
    await page.locator('.graph-viewport').evaluate((v) => v.scrollTo({ left: 0, top: v.scrollHeight / 2 - v.clientHeight / 2 }));
    await shot('lot-large-out');
    await page.goto(app.url + lot('urn:lotline:lot:13012345001011:ND-7'));
    await page.getByRole('button', { name: 'Release…' }).click();
    await page.getByLabel('Your password, again').fill(PASSWORD);
    await shot('sign-dialog');
    await page.getByRole('button', { name: 'Sign', exact: true }).click();
    await page.getByText('Released.').waitFor();
    await shot('signature');
    await page.getByRole('button', { name: 'Close' }).click();
    await page.goto(`${app.url}/exceptions`);
    await page.locator('figure.chart svg').first().waitFor();
    await shot('exceptions');
    // Live dashboard, search by order, the timeline with process data (dashboard-page.ts, search-box.ts, lot-page.ts)
    await page.goto(`${app.url}/dashboard`);
    await page.getByText('Live: connected.').waitFor();
    await post('/holds', { lots: ['urn:lotline:lot:FLOUR-T55:F-0504'], reason: 'Certificate of analysis missing', reference: 'NC-2026-031' }, app.t.keys.quality);
    await post('/events', { cmd: 'receive', time: new Date().toISOString(), lots: [{ item: 'FLOUR-T55', lot: 'F-0507', quantity: 1000, uom: 'KGM' }], from: 'Valley Mills', po: 'PO-4790', location: 'Goods in', operator: 'Marc Leroy' }, app.t.keys.operator);
    await post('/events', { cmd: 'move', time: new Date().toISOString(), lots: [{ item: 'FLOUR-T55', lot: 'F-0507' }], to: 'Dry store', operator: 'Marc Leroy' }, app.t.keys.operator);
    await page.locator('.live-event').nth(2).waitFor();
    await page.locator('.dash-holds li').first().waitFor();
    await page.locator('.dash-completeness').waitFor();
    await shot('dashboard');
    await page.goto(app.url);
    await page.getByRole('combobox').fill('SO-2026-701');
    await page.getByRole('option').first().waitFor();
    await shot('search-order');
    await page.goto(app.url + lot('urn:lotline:lot:IM-COOKIE-DOUGH:CD261006-1'));
    await page.locator('.timeline dl').first().waitFor();
    await page.getByRole('heading', { name: /^Events/ }).evaluate((e) => e.scrollIntoView());
    await shot('timeline');
    const tablet = await context(browser, { width: 1024, height: 768 });
    const t = await tablet.newPage();
    await signIn(t, app.url, 'op');
    await t.goto(`${app.url}/scan/MIX-1`);
    await t.locator('#scan').waitFor();
    await t.keyboard.type('(01)13012345001011(10)NO-SUCH-LOT(3102)001000');
    await t.keyboard.press('Enter');
    await t.locator('.scan-result.bad').waitFor();
    await t.screenshot({ path: `${OUT}web-scan-refused.png` });
    await t.keyboard.type('(01)13012345001011(10)ND-7(3102)000500');
    await t.keyboard.press('Enter');
    await t.locator('.scan-result.ok').waitFor();
    await t.screenshot({ path: `${OUT}web-scan.png` });
    console.log('docs/img/web-scan-refused.png\ndocs/img/web-scan.png');
    // The recall workspace, with the demo's address book (taken last: the pictures above show the plant without it).
    await post('/master-data/import', demoMasterData(), app.t.keys.quality);
    await page.goto(`${app.url}${lot('urn:lotline:lot:FLOUR-T55:F-0504')}`);
    await page.getByRole('link', { name: 'Start a recall…' }).click();
    await page.getByRole('button', { name: 'Compute the recall' }).click();
    await page.getByRole('heading', { level: 1, name: /^Recall RC-/ }).waitFor();
    await page.getByRole('button', { name: /^Place holds on/ }).click();
    await page.getByRole('dialog').waitFor();
    await shot('recall-holds');
    await page.getByRole('dialog').getByRole('button', { name: /^Hold / }).click();
    await page.getByText(/^Holds placed on/).waitFor();
    await page.goto(`${app.url}/recalls`);
    await page.getByRole('textbox', { name: 'Lots' }).fill('urn:lotline:lot:RM-EGG-LIQ:EGG-261005-1');
    await page.getByRole('button', { name: 'Compute the recall' }).click();
    await page.getByRole('heading', { level: 1, name: /^Recall RC-/ }).waitFor();
    await shot('recall');
    await page.locator('#section-customers').evaluate((e) => e.scrollIntoView());
    await shot('recall-customers');
    await page.goto(`${app.url}/recalls`);
    await page.locator('table.recall-list tbody tr').nth(1).waitFor();
    await shot('recalls');
  } finally {
    await browser.close();
    await app.close();
  }
  console.log(`${Date.now() - started} ms`);
}

await main();
