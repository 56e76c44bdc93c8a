/**
 * A crowded column in Chromium: 200 received salt lots (two suppliers, two of them held) mixed into
 * one batch SB-1, which was cut into 6 packs. The batch's page draws the 200 salt lots as one group
 * box — the summed quantity on its edge, the held ones counted and coloured — that opens into 200
 * boxes on a click or on Enter; "Expand all groups" and back; the SVG export draws the group as it
 * is shown; the trace table and its CSV still list every lot.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { NO_BROWSER, useBrowserSession } from './web-app.js';
import type { WebApp } from './web-app.js';

const SALT = Array.from({ length: 200 }, (_, i) => ({ item: 'SALT-F', lot: `SF-${String(i).padStart(3, '0')}` }));
const PACKS = Array.from({ length: 6 }, (_, j) => ({ item: 'SEASONING', lot: `SN-${j}` }));
const urn = (r: { item: string; lot: string }) => `urn:lotline:lot:${r.item}:${r.lot}`;
const BATCH = { item: 'SEASON-MIX', lot: 'SB-1' };
const HELD = [SALT[7]!, SALT[150]!];

async function setup(app: WebApp): Promise<void> {
  const post = async (path: string, body: unknown, key: { authorization: string }) => {
    const r = await fetch(`${app.url}/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...key }, body: JSON.stringify(body) });
    if (r.status >= 300) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  };
  const op = app.t.keys.operator;
  await post('/events', { cmd: 'receive', time: '2026-06-01T06:00:00Z', lots: SALT.slice(0, 120).map((r) => ({ ...r, quantity: 25, uom: 'KGM' })), from: 'Salinas Norte', location: 'Goods in' }, op);
  await post('/events', { cmd: 'receive', time: '2026-06-01T06:05:00Z', lots: SALT.slice(120).map((r) => ({ ...r, quantity: 25, uom: 'KGM' })), from: 'Sel de Mer SA', location: 'Goods in' }, op);
  await post('/events', { cmd: 'produce', time: '2026-06-01T08:00:00Z', inputs: SALT.map((r) => ({ ...r, quantity: 5, uom: 'KGM' })), outputs: [{ ...BATCH, quantity: 1000, uom: 'KGM' }], location: 'Mixing room' }, op);
  await post('/events', { cmd: 'produce', time: '2026-06-01T10:00:00Z', inputs: [{ ...BATCH, quantity: 1000, uom: 'KGM' }], outputs: PACKS.map((r) => ({ ...r, quantity: 160, uom: 'KGM' })), location: 'Line 1' }, op);
  await post('/holds', { lots: HELD.map(urn), reason: 'supplier notice: insoluble matter' }, app.t.keys.quality);
}

describe.skipIf(NO_BROWSER !== undefined)(`crowded genealogy columns as group boxes${NO_BROWSER ? ` (skipped: ${NO_BROWSER})` : ''}`, () => {
  const s = useBrowserSession({ signInAs: 'qa', setup });
  const ids = () => s.page.locator('svg.genealogy g.node').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-id')!));
  const group = () => s.page.locator('svg.genealogy g.node-group');
  const open = async () => {
    await s.page.goto(`${s.app.url}/lots/${encodeURIComponent(urn(BATCH))}`);
    await s.page.locator('svg.genealogy').waitFor();
  };

  it('draws the 200 salt lots as one group box: summed quantity, held ones counted and coloured; the table lists every lot', async () => {
    await open();
    expect(await group().count()).toBe(1);
    expect(await group().getAttribute('data-count')).toBe('200');
    expect(await group().locator('text').first().textContent()).toBe('▸ 200 lots of SALT-F');
    const drawn = await ids();
    for (const r of SALT) expect(drawn).not.toContain(urn(r));
    expect(drawn).toHaveLength(1 + 1 + 6 + 2);
    // the group's edge into the batch: 200 × 5 KGM; each supplier's edge: its lots' receipts
    const edges = await s.page.locator('svg.genealogy g.edge text').allTextContents();
    // (each pack's edge says what the batch gave to the cutting: 1000 KGM)
    expect(edges.sort()).toEqual([...Array(1 + 6).fill('1000 KGM'), '2000 KGM', '3000 KGM']);
    await s.page.getByText(/^207 lots drawn; \d+ receipt\(s\), 0 shipment\(s\)\.$/).waitFor();
    await s.page.getByText('200 of them in 1 group (crowded columns): click a group, or Enter on it, to show its lots.').waitFor();
    // The two held lots arrive with the statuses: the group says so and takes the held colour.
    await expect.poll(() => group().locator('text').nth(1).textContent(), { timeout: 30_000 }).toBe('100% of this lot · 2 held');
    expect(await group().locator('rect').last().getAttribute('fill')).toBe('#fff4cc');
    expect(await group().getAttribute('aria-label')).toBe('200 lots of SALT-F, 100% of this lot · 2 held: show each lot');
    // The trace table still has a row for each lot, and so has the CSV.
    const madeFrom = s.page.locator('table', { has: s.page.locator('caption', { hasText: 'Made from (200)' }) });
    const rows = await madeFrom.locator('tbody tr td:nth-child(2)').allTextContents();
    expect(rows.sort()).toEqual(SALT.map((r) => `${r.item} / ${r.lot}`).sort());
    const [csvDownload] = await Promise.all([s.page.waitForEvent('download'), s.page.getByRole('button', { name: 'Download CSV' }).click()]);
    const csv = await readFile((await csvDownload.path())!, 'utf8');
    for (const r of SALT) expect(csv).toContain(`ancestor,1,SALT-F,${r.lot},`);
  });

  it('exports the drawing as shown: the group box, not its 200 lots; the PNG is an image', async () => {
    const [svgDownload] = await Promise.all([s.page.waitForEvent('download'), s.page.getByRole('button', { name: 'SVG', exact: true }).click()]);
    const svg = await readFile((await svgDownload.path())!, 'utf8');
    expect(svg).toContain('class="node node-group"');
    expect(svg).toContain('200 lots of SALT-F');
    expect(svg).toContain('2 held');
    expect(svg).not.toContain(`data-id="${urn(SALT[0]!)}"`);
    expect(svg.match(/<g class="node /g)).toHaveLength(10);
    const [pngDownload] = await Promise.all([s.page.waitForEvent('download'), s.page.getByRole('button', { name: 'PNG', exact: true }).click()]);
    expect((await readFile((await pngDownload.path())!)).subarray(1, 4).toString()).toBe('PNG');
  });

  it('opens the group in place on a click: 200 boxes, the held ones coloured, the first one focused', async () => {
    await group().click();
    await expect.poll(async () => (await ids()).length).toBe(1 + 200 + 6 + 2);
    const drawn = await ids();
    for (const r of SALT) expect(drawn).toContain(urn(r));
    expect(await group().count()).toBe(0);
    expect(await s.page.locator(`g.node[data-id="${urn(HELD[1]!)}"] rect`).getAttribute('fill')).toBe('#fff4cc');
    expect(await s.page.locator(`g.node[data-id="${urn(SALT[8]!)}"] rect`).getAttribute('fill')).toBe('#ffffff');
    await expect.poll(() => s.page.locator(':focus').getAttribute('data-id')).toBe(urn(SALT[0]!));
    await s.page.getByText('207 lots drawn;', { exact: false }).waitFor();
    expect(await s.page.locator('.group-note').textContent()).toBe('');
  });

  it('opens the group from the keyboard: Tab reaches it, Enter opens it', async () => {
    await open();
    await group().waitFor();
    // From the drawing's frame, Tab walks the boxes in order until it is on the group.
    await s.page.locator('.graph-viewport').focus();
    let onGroup = false;
    for (let i = 0; i < 12 && !onGroup; i++) {
      await s.page.keyboard.press('Tab');
      onGroup = (await s.page.locator('g.node-group:focus').count()) === 1;
    }
    expect(onGroup).toBe(true);
    await s.page.keyboard.press('Enter');
    await expect.poll(async () => (await ids()).length).toBe(1 + 200 + 6 + 2);
  });

  it('"Expand all groups" opens every group, and "Group crowded columns" closes them again', async () => {
    await open();
    await group().waitFor();
    const button = s.page.getByRole('button', { name: 'Expand all groups' });
    await button.click();
    await expect.poll(async () => (await ids()).length).toBe(1 + 200 + 6 + 2);
    await s.page.getByRole('button', { name: 'Group crowded columns' }).click();
    await expect.poll(async () => (await ids()).length).toBe(10);
    expect(await group().getAttribute('data-count')).toBe('200');
  });
});
