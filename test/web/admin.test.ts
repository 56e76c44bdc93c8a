/**
 * The admin pages in Chromium, signed in as an administrator: users (a blank name or a weak
 * password refused next to the field, nothing stored; a role changed), API keys (the secret shown
 * once works against the API, and is refused once revoked), scan stations (a new one is offered by
 * the scan page; a change keeps its id), master data (an item's description changed shows as a new
 * version in its history; a CSV with one bad row lists that row and stores nothing), and the
 * routings and lot-code formats in force with their file. A quality user sees no admin page.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoMasterData } from '../../src/demo/demo-master-data.js';
import { readMasterDataJson } from '../../src/masterdata/read-master-data.js';
import { loadQualityConfig } from '../../src/quality/quality-config.js';
import { GAP_RULE_IDS } from '../../src/quality/rules/index.js';
import { PASSWORD, user } from '../helpers/http.js';
import { context, NO_BROWSER, signIn, useBrowserSession } from './web-app.js';

const QUALITY_FILE = join(mkdtempSync(join(tmpdir(), 'lotline-admin-qc-')), 'quality.json');
writeFileSync(
  QUALITY_FILE,
  JSON.stringify({
    routings: [{ item: '00614141100118', steps: [{ name: 'metal-detect', location: 'Line 1', withinHours: 2 }, { name: 'pack', bizStep: 'packing', withinHours: 6 }] }],
    lotFormats: [{ item: 'FLOUR-T55', pattern: "'F'-MMDD" }],
    massBalance: { tolerance: 0.03 },
  }),
);
const QUALITY = await loadQualityConfig(QUALITY_FILE, GAP_RULE_IDS);

describe.skipIf(NO_BROWSER !== undefined)(`admin pages in the browser${NO_BROWSER ? ` (skipped: ${NO_BROWSER})` : ''}`, () => {
  const s = useBrowserSession({
    signInAs: 'boss',
    quality: QUALITY,
    setup: async (app) => {
      await user(app.t.identity, 'boss', 'admin');
      await app.t.masterData.put(readMasterDataJson(demoMasterData(), 'the demo master data'), 'demo');
    },
  });
  const api = async (path: string, headers: Record<string, string> = s.app.t.keys.admin) => {
    const res = await fetch(`${s.app.url}/api/v1${path}`, { headers });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const users = async () => (await s.app.t.identity.listUsers()).map((u) => `${u.name}:${u.role}`).sort();

  it('shows the Admin link and the landing page with each area', async () => {
    await s.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await s.page.getByRole('heading', { level: 1, name: 'Administration' }).waitFor();
    for (const area of ['Users and roles', 'API keys', 'Scan stations', 'Master data', 'Routings and lot-code formats']) await s.page.getByRole('link', { name: new RegExp(`^${area}`) }).waitFor();
  });

  it('refuses a blank user name and a weak password next to the field, storing nothing; adds a user', async () => {
    await s.page.getByRole('link', { name: /^Users and roles/ }).click();
    await s.page.getByRole('heading', { level: 1, name: 'Users and roles' }).waitFor();
    const before = await users();
    const form = s.page.getByRole('form', { name: 'Add a user' });
    await form.getByLabel('Full name').fill('Nina Novak');
    await form.getByLabel('Initial password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Add the user' }).click();
    const nameError = s.page.locator('#user-name-error');
    await nameError.waitFor();
    expect(await nameError.textContent()).toMatch(/must be 1 to 64 letters/);
    expect(await form.getByLabel('User name').getAttribute('aria-invalid')).toBe('true');
    expect(await s.page.evaluate('document.activeElement && document.activeElement.id')).toBe('user-name');

    await form.getByLabel('User name').fill('nina');
    await form.getByLabel('Initial password').fill('short');
    await form.getByRole('button', { name: 'Add the user' }).click();
    await s.page.locator('#user-password-error').getByText(/at least 10 characters/).waitFor();
    expect(await nameError.isHidden()).toBe(true);
    expect(await form.getByLabel('Initial password').getAttribute('aria-invalid')).toBe('true');
    expect(await users()).toEqual(before);

    await form.getByLabel('Initial password').fill(PASSWORD);
    await form.getByLabel('Role').selectOption('operator');
    await form.getByRole('button', { name: 'Add the user' }).click();
    await s.page.getByRole('status').getByText('Added nina (operator).').waitFor();
    await s.page.locator('tr[data-user="nina"]').getByText('Nina Novak').waitFor();
    expect(await users()).toEqual([...before, 'nina:operator'].sort());
    expect(await form.getByLabel('User name').inputValue()).toBe('');
  });

  it("changes a user's role, seen in /api/v1/users, and disables the account", async () => {
    await s.page.locator('tr[data-user="nina"]').getByRole('button', { name: 'Change… nina' }).click();
    const form = s.page.getByRole('form', { name: 'Change nina' });
    await form.getByLabel('Role').selectOption('quality');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await s.page.getByRole('status').getByText('Saved the changes to nina.').waitFor();
    await s.page.locator('tr[data-user="nina"] td').getByText('quality', { exact: true }).waitFor();
    const listed = (await api('/users')).body['users'] as { name: string; role: string; disabled: boolean }[];
    expect(listed.find((u) => u.name === 'nina')).toMatchObject({ role: 'quality', disabled: false });

    await s.page.locator('tr[data-user="nina"]').getByRole('button', { name: 'Change… nina' }).click();
    await s.page.getByRole('form', { name: 'Change nina' }).getByRole('button', { name: 'Disable the account' }).click();
    await s.page.locator('tr[data-user="nina"]').getByText('disabled').waitFor();
    expect((await s.app.t.identity.getUser('nina'))?.disabled).toBe(true);
  });

  it('creates an API key whose secret, shown once, works; revoked after a confirmation, it is refused with 401', async () => {
    await s.page.goto(`${s.app.url}/admin/keys`);
    await s.page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    const form = s.page.getByRole('form', { name: 'Create an API key' });
    await form.getByLabel('Role').selectOption('auditor');
    await form.getByRole('button', { name: 'Create the key' }).click();
    await s.page.locator('#key-name-error').waitFor();
    expect(await s.page.locator('#key-name-error').textContent()).toMatch(/must be 1 to 64 letters/);
    expect((await s.app.t.identity.listKeys()).some((k) => k.name === 'erp-export')).toBe(false);

    await form.getByLabel('Name').fill('erp-export');
    await form.getByRole('button', { name: 'Create the key' }).click();
    const box = s.page.getByRole('region', { name: 'The secret of erp-export' });
    await box.waitFor();
    await box.getByText('it is shown only this once').waitFor();
    const secret = await box.getByLabel(/^Secret/).inputValue();
    expect(secret).toMatch(/^llk_/);
    await box.getByRole('button', { name: 'Copy the secret' }).click();
    await box.getByRole('status').getByText(/Copied|Ctrl\+C/).waitFor();
    const who = await api('/session', { authorization: `Bearer ${secret}` });
    expect(who).toMatchObject({ status: 200, body: { kind: 'key', name: 'erp-export', role: 'auditor' } });
    await s.page.locator('tr[data-key="erp-export"]').getByText('active').waitFor();

    // The first confirmation is dismissed: nothing happens.
    s.page.once('dialog', (d) => void d.dismiss());
    await s.page.locator('tr[data-key="erp-export"]').getByRole('button', { name: 'Revoke… erp-export' }).click();
    expect((await api('/session', { authorization: `Bearer ${secret}` })).status).toBe(200);
    let message = '';
    s.page.once('dialog', (d) => ((message = d.message()), void d.accept()));
    await s.page.locator('tr[data-key="erp-export"]').getByRole('button', { name: 'Revoke… erp-export' }).click();
    await s.page.getByRole('status').getByText('Revoked erp-export.').waitFor();
    expect(message).toMatch(/Revoke the API key "erp-export"/);
    await s.page.locator('tr[data-key="erp-export"]').getByText(/^revoked/).waitFor();
    expect((await api('/session', { authorization: `Bearer ${secret}` })).status).toBe(401);
    expect(await s.page.getByRole('region', { name: 'The secret of erp-export' }).count()).toBe(1);
    await box.getByRole('button', { name: /hide/ }).click();
    expect(await s.page.getByText(secret).count()).toBe(0);
  });

  it('adds a scan station that the scan page offers; a bad id is refused next to the field; a change keeps it', async () => {
    await s.page.goto(`${s.app.url}/admin/stations`);
    await s.page.getByRole('heading', { level: 1, name: 'Scan stations' }).waitFor();
    const form = s.page.getByRole('form', { name: 'Add a station' });
    await form.getByLabel('Station id').fill('pack line!');
    await form.getByLabel('Site', { exact: true }).fill('Plant 1');
    await form.getByRole('button', { name: 'Add the station' }).click();
    await s.page.locator('#station-id-error').getByText(/letters, digits/).waitFor();
    expect(await s.app.t.stations.listStations()).toEqual([]);

    await form.getByLabel('Station id').fill('PACK-2');
    await form.getByLabel('Line (optional)').fill('L2');
    await form.getByLabel('Role').selectOption('packing');
    await form.getByLabel('Accepted items (optional)').fill('00614141100118');
    await form.getByRole('button', { name: 'Add the station' }).click();
    await s.page.getByRole('status').getByText('Added station PACK-2.').waitFor();
    await s.page.locator('tr[data-station="PACK-2"]').getByText('accepts 00614141100118').waitFor();
    expect(await s.app.t.stations.getStation('PACK-2')).toMatchObject({ site: 'Plant 1', line: 'L2', role: 'packing', defaults: { items: ['00614141100118'] }, createdBy: 'user:boss' });

    await s.page.locator('tr[data-station="PACK-2"]').getByRole('button', { name: 'Change… PACK-2' }).click();
    const edit = s.page.getByRole('form', { name: 'Change station PACK-2' });
    expect(await edit.getByLabel('Station id').getAttribute('readonly')).not.toBeNull();
    await edit.getByLabel('Default quantity (optional)').fill('-3');
    await edit.getByRole('button', { name: 'Save the station' }).click();
    await s.page.locator('#station-edit-quantity-error').getByText(/more than 0/).waitFor();
    expect((await s.app.t.stations.getStation('PACK-2'))?.defaults).toEqual({ items: ['00614141100118'] });
    await edit.getByLabel('Default quantity (optional)').fill('24');
    await edit.getByLabel('Unit of the default quantity').fill('EA');
    await edit.getByLabel('Line (optional)').fill('L3');
    await edit.getByRole('button', { name: 'Save the station' }).click();
    await s.page.getByRole('status').getByText('Saved station PACK-2.').waitFor();
    expect(await s.app.t.stations.getStation('PACK-2')).toMatchObject({ line: 'L3', defaults: { items: ['00614141100118'], quantity: 24, uom: 'EA' } });

    await s.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Scan station' }).click();
    await s.page.getByRole('button', { name: /PACK-2/ }).waitFor();
    expect(await s.page.getByRole('button', { name: /PACK-2/ }).textContent()).toContain('line L3');
  });

  it("changes an item's description: the new version shows in its history with who and what changed", async () => {
    await s.page.goto(`${s.app.url}/admin/master-data`);
    await s.page.getByRole('heading', { level: 1, name: 'Master data' }).waitFor();
    await s.page.getByLabel('Search items').fill('flour');
    await s.page.getByRole('table').getByRole('caption').getByText(/matching “flour”/).waitFor();
    const rows = await s.page.locator('table.admin-table tbody tr').count();
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThan((await s.app.t.masterData.list('items', { limit: 1000 })).length);
    expect(s.page.url()).toContain('search=flour');
    const first = s.page.locator('table.admin-table tbody tr').first();
    const key = (await first.locator('th a').textContent())!;
    const old = (await first.locator('td').first().textContent())!;
    await first.locator('th a').click();
    await s.page.getByRole('heading', { level: 1, name: `Items: ${old}` }).waitFor();
    await s.page.getByLabel('Description').fill('');
    await s.page.getByRole('button', { name: 'Save a new version' }).click();
    await s.page.locator('#md-field-0-error').waitFor();
    expect((await s.app.t.masterData.history('items', key)).length).toBe(1);

    await s.page.getByLabel('Description').fill(`${old} (organic)`);
    await s.page.getByRole('button', { name: 'Save a new version' }).click();
    await s.page.getByRole('heading', { level: 1, name: `Items: ${old} (organic)` }).waitFor();
    const newest = s.page.locator('table.history tbody tr').first();
    expect(await newest.getAttribute('data-version')).toBe('2');
    expect(await newest.textContent()).toContain('user:boss');
    expect(await newest.locator('li').allTextContents()).toEqual([`description: ${old} → ${old} (organic)`]);
    expect(await s.page.locator('table.history tbody tr').nth(1).locator('li').first().textContent()).toBe('created');
    const stored = await s.app.t.masterData.history('items', key);
    expect(stored.map((v) => [v.version, v.changedBy, v.data['description']])).toEqual([
      [1, 'demo', old],
      [2, 'user:boss', `${old} (organic)`],
    ]);
  });

  it("imports a CSV with one bad row: that row's line and error are listed, nothing is stored; fixed, it imports", async () => {
    await s.page.goto(`${s.app.url}/admin/master-data?kind=parties`);
    await s.page.getByRole('heading', { level: 1, name: 'Master data' }).waitFor();
    const before = (await s.app.t.masterData.list('parties', { limit: 1000 })).length;
    const form = s.page.getByRole('form', { name: 'Import suppliers and customers from CSV' });
    const csv = (email: string) => `id,name,roles,email\nAcme Oats,Acme Oats,supplier,orders@acme.example\nBest Mills,Best Mills,supplier,${email}\n`;
    await form.getByLabel('or paste the CSV').fill(csv('not-an-email'));
    await form.getByRole('button', { name: 'Import' }).click();
    const alert = form.getByRole('alert');
    await alert.getByText('Nothing was imported: 1 problem.').waitFor();
    const cells = await alert.locator('tbody tr').first().locator('td').allTextContents();
    expect(cells[0]).toBe('3');
    expect(cells[1]).toBe('email');
    expect(cells[2]).toMatch(/e-mail|email/i);
    expect(await alert.locator('tbody tr').count()).toBe(1);
    expect((await s.app.t.masterData.list('parties', { limit: 1000 })).length).toBe(before);

    await form.getByLabel('or paste the CSV').fill(csv('quality@best.example'));
    await form.getByRole('button', { name: 'Import' }).click();
    await form.getByRole('status').getByText('Imported: 2 new, 0 changed, 0 unchanged.').waitFor();
    expect((await s.app.t.masterData.list('parties', { limit: 1000 })).length).toBe(before + 2);
    await s.page.locator('table.admin-table').getByRole('link', { name: 'name:Best Mills' }).waitFor();
  });

  it('shows the routings, lot-code formats and tolerances in force, with the file they come from', async () => {
    await s.page.goto(`${s.app.url}/admin`);
    await s.page.getByRole('link', { name: /^Routings and lot-code formats/ }).click();
    await s.page.getByRole('heading', { level: 1, name: 'Routings and lot-code formats' }).waitFor();
    expect(await s.page.locator('code.qc-file').textContent()).toBe(QUALITY_FILE);
    await s.page.getByText(`Edit ${QUALITY_FILE}`, { exact: false }).waitFor();
    const routing = s.page.getByRole('table', { name: /with a routing/ });
    expect(await routing.locator('tbody tr').count()).toBe(2);
    expect(await routing.locator('tbody tr').first().textContent()).toMatch(/00614141100118.*metal-detect.*at Line 1.*2 h/);
    expect(await routing.locator('tbody tr').nth(1).textContent()).toMatch(/pack.*bizStep packing.*6 h/);
    const formats = s.page.getByRole('table', { name: /^1 format/ });
    expect(await formats.locator('tbody tr').textContent()).toContain("FLOUR-T55'F'-MMDD");
    await s.page.getByText('3 % of what came in').waitFor();
  });

  it('gives a quality user no Admin link and "not permitted" at /admin', async () => {
    const ctx = await context(s.browser);
    try {
      const page = await ctx.newPage();
      await signIn(page, s.app.url, 'qa');
      expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).count()).toBe(0);
      for (const path of ['/admin', '/admin/users', '/admin/master-data?kind=items']) {
        await page.goto(`${s.app.url}${path}`);
        await page.getByRole('heading', { level: 1, name: 'Not permitted' }).waitFor();
        expect(await page.getByRole('alert').textContent()).toContain('You are signed in as qa, with the role quality');
        expect(await page.locator('table').count()).toBe(0);
      }
    } finally {
      await ctx.close();
    }
  });
});
