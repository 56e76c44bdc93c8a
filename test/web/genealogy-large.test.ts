/**
 * A genealogy of hundreds of boxes in Chromium: 200 received ingredient lots (four suppliers) mixed
 * into one batch MX-1, which was cut into 80 bar lots, two of them shipped. The batch's page draws
 * the whole graph at once — every lot a box, none overlapping — colours the held ingredient, and
 * exports it as SVG (every box in the file) and PNG (a real image). A bar's page opened one level
 * back hides the 200 ingredients behind a visible "+200 more" that brings them all back; clicking
 * a box re-centres on that lot. The layout and drawing times are printed (measured, not asserted).
 * The page groups crowded columns (test/web/genealogy-groups.test.ts); here "Expand all groups"
 * shows every lot as its own box first.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { NO_BROWSER, useBrowserSession } from './web-app.js';
import type { WebApp } from './web-app.js';

const INGREDIENTS = Array.from({ length: 200 }, (_, i) => ({ item: `ING-${String.fromCharCode(65 + (i % 8))}`, lot: `L-${String(i).padStart(3, '0')}` }));
const BARS = Array.from({ length: 80 }, (_, j) => ({ item: 'BAR', lot: `BR-${String(j).padStart(2, '0')}` }));
const SUPPLIERS = ['Alpha Mills', 'Beta Farms', 'Gamma Oils', 'Delta Sugar'];
const urn = (r: { item: string; lot: string }) => `urn:lotline:lot:${r.item}:${r.lot}`;
const party = (kind: 'supplier' | 'customer', name: string) => `${kind}:urn:lotline:party:${encodeURIComponent(name)}`;
const CUSTOMER = party('customer', 'FreshMart DC South');
const MIX = { item: 'MIX', lot: 'MX-1' };
const HELD = INGREDIENTS[17]!;

async function setup(app: WebApp): Promise<void> {
  const post = async (path: string, body: unknown, key: { authorization: string }) => {
    const r = await fetch(`${app.url}/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...key }, body: JSON.stringify(body) });
    if (r.status >= 300) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  };
  const op = app.t.keys.operator;
  for (const [k, from] of SUPPLIERS.entries()) {
    const lots = INGREDIENTS.filter((_, i) => i % SUPPLIERS.length === k).map((r) => ({ ...r, quantity: 10, uom: 'KGM' }));
    await post('/events', { cmd: 'receive', time: '2026-06-01T06:00:00Z', lots, from, location: 'Goods in' }, op);
  }
  await post('/events', { cmd: 'produce', time: '2026-06-01T08:00:00Z', inputs: INGREDIENTS.map((r) => ({ ...r, quantity: 10, uom: 'KGM' })), outputs: [{ ...MIX, quantity: 2000, uom: 'KGM' }], location: 'Mixing room' }, op);
  await post('/events', { cmd: 'produce', time: '2026-06-01T10:00:00Z', inputs: [{ ...MIX, quantity: 2000, uom: 'KGM' }], outputs: BARS.map((r) => ({ ...r, quantity: 25, uom: 'KGM' })), location: 'Line 1' }, op);
  await post('/events', { cmd: 'ship', time: '2026-06-02T07:00:00Z', lots: [BARS[0]!, BARS[1]!].map((r) => ({ ...r, quantity: 25, uom: 'KGM' })), to: 'FreshMart DC South', location: 'Dispatch' }, op);
  await post('/holds', { lots: [urn(HELD)], reason: 'supplier notice: possible foreign body' }, app.t.keys.quality);
}

/** The ids of the drawn boxes, and whether any two boxes overlap. */
const drawn = async (s: ReturnType<typeof useBrowserSession>) => {
  const boxes = await s.page.locator('svg.genealogy g.node').evaluateAll((gs) =>
    gs.map((g) => {
      const r = g.querySelector('rect')!;
      return { id: g.getAttribute('data-id')!, x: +r.getAttribute('x')!, y: +r.getAttribute('y')!, w: +r.getAttribute('width')!, h: +r.getAttribute('height')! };
    }),
  );
  const sorted = [...boxes].sort((a, b) => a.x - b.x || a.y - b.y);
  let overlaps = 0;
  for (let i = 0; i < sorted.length; i++)
    for (let j = i + 1; j < sorted.length && sorted[j]!.x < sorted[i]!.x + sorted[i]!.w; j++) if (sorted[j]!.y < sorted[i]!.y + sorted[i]!.h && sorted[i]!.y < sorted[j]!.y + sorted[j]!.h) overlaps++;
  return { ids: boxes.map((b) => b.id), overlaps };
};

describe.skipIf(NO_BROWSER !== undefined)(`a genealogy of hundreds of boxes in the browser${NO_BROWSER ? ` (skipped: ${NO_BROWSER})` : ''}`, () => {
  const s = useBrowserSession({ signInAs: 'qa', setup });

  it('draws every lot of a 286-box graph at once, boxes apart, the held ingredient coloured', async () => {
    await s.page.goto(`${s.app.url}/lots/${encodeURIComponent(urn(MIX))}`);
    await s.page.locator('svg.genealogy').waitFor();
    // grouped at first: the 80 bars and each ingredient item's 25 lots
    expect(await s.page.locator('svg.genealogy g.node-group').count()).toBe(1 + 8);
    await s.page.getByRole('button', { name: 'Expand all groups' }).click();
    const { ids, overlaps } = await drawn(s);
    const want = [urn(MIX), ...INGREDIENTS.map(urn), ...BARS.map(urn), ...SUPPLIERS.map((x) => party('supplier', x)), CUSTOMER];
    expect(new Set(ids)).toEqual(new Set(want));
    expect(ids).toHaveLength(want.length);
    expect(overlaps).toBe(0);
    expect(await s.page.locator('.more-levels').isHidden()).toBe(true);
    await s.page.getByText('281 lots drawn;', { exact: false }).waitFor();
    // The held ingredient is painted once its state arrives.
    const held = s.page.locator(`g.node[data-id="${urn(HELD)}"] rect`);
    await expect.poll(() => held.getAttribute('fill'), { timeout: 30_000 }).toBe('#fff4cc');
    expect(await s.page.locator(`g.node[data-id="${urn(INGREDIENTS[18]!)}"] rect`).getAttribute('fill')).toBe('#ffffff');
    const vp = s.page.locator('.graph-viewport');
    console.log(`genealogy of ${ids.length} boxes in Chromium: layout ${await vp.getAttribute('data-layout-ms')} ms, SVG drawn ${await vp.getAttribute('data-draw-ms')} ms`);
  });

  it('exports the large drawing as SVG with every box, and as a PNG image', async () => {
    const [svgDownload] = await Promise.all([s.page.waitForEvent('download'), s.page.getByRole('button', { name: 'SVG', exact: true }).click()]);
    expect(svgDownload.suggestedFilename()).toBe('genealogy-MIX_MX-1.svg');
    const svg = await readFile((await svgDownload.path())!, 'utf8');
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg')).toBe(true);
    for (const r of [MIX, ...INGREDIENTS, ...BARS]) expect(svg).toContain(`data-id="${urn(r)}"`);
    expect(svg.match(/<g class="node /g)).toHaveLength(286);
    const [pngDownload] = await Promise.all([s.page.waitForEvent('download'), s.page.getByRole('button', { name: 'PNG', exact: true }).click()]);
    expect(pngDownload.suggestedFilename()).toBe('genealogy-MIX_MX-1.png');
    const png = await readFile((await pngDownload.path())!);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    const box = await s.page.locator('svg.genealogy').evaluate((el) => {
      const v = (el as unknown as { viewBox: { baseVal: { width: number; height: number } } }).viewBox.baseVal;
      return { width: v.width, height: v.height };
    });
    // twice the drawing's size, or smaller when a side would pass the canvas limit
    expect(width / height).toBeCloseTo(box.width / box.height, 1);
    expect(width).toBeLessThanOrEqual(Math.max(2 * box.width, 16000) + 1);
    expect(width).toBeGreaterThan(box.width / 2);
  });

  it('collapses a level behind a visible "+N more", which brings every lot back; a click re-centres', async () => {
    const bar = BARS[0]!;
    await s.page.goto(`${s.app.url}/lots/${encodeURIComponent(urn(bar))}`);
    await s.page.locator('svg.genealogy').waitFor();
    await s.page.getByRole('button', { name: 'Expand all groups' }).click();
    expect((await drawn(s)).ids).toHaveLength(1 + 1 + 200 + 4 + 1);
    await s.page.getByLabel('Levels back').selectOption('1');
    const more = s.page.getByRole('button', { name: '+200 more: show all levels' });
    await more.waitFor();
    expect(new Set((await drawn(s)).ids)).toEqual(new Set([urn(bar), urn(MIX), CUSTOMER]));
    await more.click();
    const all = await drawn(s);
    expect(all.ids).toHaveLength(207);
    for (const r of INGREDIENTS) expect(all.ids).toContain(urn(r));
    expect(await more.isHidden()).toBe(true);
    expect(await s.page.getByLabel('Levels back').inputValue()).toBe('all');
    // Re-centre: the batch's box opens the batch's page, its graph centred on it.
    await s.page.locator(`g.node[data-id="${urn(MIX)}"]`).click();
    await s.page.getByRole('heading', { level: 1, name: 'MIX / MX-1' }).waitFor();
    await s.page.locator(`svg.genealogy g.node-root[data-id="${urn(MIX)}"]`).waitFor();
  });
});
