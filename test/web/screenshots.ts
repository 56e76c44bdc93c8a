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
    // It opens with its crowded columns grouped (600 lots of one item in one box); then every box.
    await shot('lot-grouped');
    await page.getByRole('button', { name: 'Expand all groups' }).click();
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

/** The admin pages (docs/web.md), signed in as an administrator, with the demo's master data and a quality configuration file. */
async function adminScreenshots(): Promise<void> {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { user } = await import('../helpers/http.js');
  const { demoMasterData } = await import('../../src/demo/demo-master-data.js');
  const { readMasterDataJson } = await import('../../src/masterdata/read-master-data.js');
  const { loadQualityConfig } = await import('../../src/quality/quality-config.js');
  const { GAP_RULE_IDS } = await import('../../src/quality/rules/index.js');
  const file = join(mkdtempSync(join(tmpdir(), 'lotline-shots-')), 'quality.json');
  writeFileSync(
    file,
    JSON.stringify({
      routings: [{ item: '00614141100118', steps: [{ name: 'metal-detect', location: 'Line 1', withinHours: 2 }, { name: 'checkweigh', withinHours: 4 }, { name: 'pack', bizStep: 'packing', withinHours: 6 }] }],
      lotFormats: [{ item: 'FLOUR-T55', pattern: "'F'-MMDD" }, { item: '00614141100118', pattern: "'BC'-MMDD-SHIFT", parts: { SHIFT: '[A-C]' } }],
      massBalance: { tolerance: 0.03 },
    }),
  );
  const app = await startWebApp({ quality: await loadQualityConfig(file, GAP_RULE_IDS) });
  await user(app.t.identity, 'admin', 'admin');
  await app.t.masterData.put(readMasterDataJson(demoMasterData(), 'the demo master data'), 'demo');
  await app.t.app.inject({ method: 'POST', url: '/api/v1/stations', headers: app.t.keys.admin, payload: { id: 'MIX-1', site: 'Plant 1', line: 'L1', role: 'production', defaults: { outputItem: '09520123456788' } } });
  await app.t.app.inject({ method: 'POST', url: '/api/v1/stations', headers: app.t.keys.admin, payload: { id: 'RCV-DOCK', site: 'Plant 1', role: 'receiving', defaults: { quantity: 25, uom: 'KGM' } } });
  const browser = await launch();
  try {
    const ctx = await context(browser, { width: 1280, height: 860 });
    const page = await ctx.newPage();
    const shot = async (name: string, fullPage = false) => {
      await page.screenshot({ path: `${OUT}web-${name}.png`, fullPage });
      console.log(`docs/img/web-${name}.png`);
    };
    await signIn(page, app.url, 'admin');
    await page.goto(`${app.url}/admin`);
    await page.getByRole('heading', { level: 1, name: 'Administration' }).waitFor();
    await shot('admin');
    await page.goto(`${app.url}/admin/users`);
    const add = page.getByRole('form', { name: 'Add a user' });
    await add.getByLabel('User name').fill('nina');
    await add.getByLabel('Full name').fill('Nina Novak');
    await add.getByLabel('Initial password').fill('short');
    await add.getByRole('button', { name: 'Add the user' }).click();
    await page.locator('#user-password-error:not([hidden])').waitFor();
    await shot('admin-users', true);
    await page.goto(`${app.url}/admin/keys`);
    await page.getByRole('form', { name: 'Create an API key' }).getByLabel('Name').fill('mes-line-1');
    await page.getByRole('button', { name: 'Create the key' }).click();
    await page.getByRole('region', { name: /The secret of/ }).waitFor();
    await shot('admin-keys', true);
    await page.goto(`${app.url}/admin/stations`);
    await page.locator('tr[data-station="MIX-1"]').getByRole('button').click();
    await shot('admin-stations', true);
    await page.goto(`${app.url}/admin/master-data?kind=parties&search=freshmart`);
    await page.getByRole('table').first().waitFor();
    await shot('admin-master-data');
    const flour = (await app.t.masterData.list('items', { search: 'flour' }))[0]!;
    await page.goto(`${app.url}/admin/master-data/items/${encodeURIComponent(flour.key)}`);
    await page.getByLabel('Description').fill(`${String(flour.data['description'])}, organic`);
    await page.getByLabel('Lot-code format').fill("'F'-MMDD");
    await page.getByRole('button', { name: 'Save a new version' }).click();
    await page.locator('tr[data-version="2"]').waitFor();
    await shot('admin-master-data-record', true);
    await page.goto(`${app.url}/admin/master-data?kind=parties`);
    const form = page.getByRole('form', { name: /Import/ });
    await form.getByLabel('or paste the CSV').fill('id,name,roles,email\nAcme Oats,Acme Oats,supplier,orders@acme.example\nBest Mills,,supplier,not-an-email\n');
    await form.getByRole('button', { name: 'Import' }).click();
    await form.getByRole('alert').waitFor();
    await form.evaluate((e) => e.scrollIntoView());
    await shot('admin-import');
    await page.goto(`${app.url}/admin/quality`);
    await page.getByRole('heading', { level: 1, name: 'Routings and lot-code formats' }).waitFor();
    await shot('admin-quality', true);
  } finally {
    await browser.close();
    await app.close();
  }
}

await adminScreenshots();
