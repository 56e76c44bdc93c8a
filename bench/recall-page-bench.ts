/**
 * `npx tsx bench/recall-page-bench.ts [LOTS]`: how long the recall workspace takes to show a large
 * saved scope in Chromium. The scope is the demo's real supplier recall (Sunny Farm Eggs, the first
 * week of October: 187 lots, 115 shipments) repeated with renamed lot codes until it holds LOTS lots
 * (5,000 by default), saved as a recall, then opened. Reported: wall time to the first table page,
 * the page's own CPU (Chromium's task time), the server's CPU (this process), the JSON size, and
 * the time of one Next on the lots table. The machine is shared: read CPU, not wall time.
 */
import { cpus, loadavg } from 'node:os';
import type { CDPSession } from 'playwright-core';
import { context, launch, signIn, startWebApp } from '../test/web/web-app.js';

const LOTS = Number(process.argv[2] ?? 5000);
const RUNS = 3;

type Scope = { lots: { lot?: string }[]; shipments: { lot?: string; eventId: string }[]; customers: unknown[] } & Record<string, unknown>;

async function taskSeconds(cdp: CDPSession): Promise<number> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  return metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN;
}

async function main(): Promise<void> {
  const app = await startWebApp();
  const res = await fetch(`${app.url}/api/v1/recalls`, {
    method: 'POST',
    headers: { ...app.t.keys.quality, 'content-type': 'application/json' },
    body: JSON.stringify({ supplier: 'Sunny Farm Eggs', from: '2026-10-01', to: '2026-10-08' }),
  });
  const real = (await res.json()) as { id: string; computedAt: string; computedBy: string; asOfSeq: number; request: Record<string, unknown>; summary: Record<string, unknown>; scope: Scope };
  const copies = Math.ceil(LOTS / real.scope.lots.length);
  const scope: Scope = {
    ...real.scope,
    lots: Array.from({ length: copies }, (_, i) => real.scope.lots.map((l) => ({ ...l, lot: `${l.lot}-${i}` }))).flat().slice(0, LOTS),
    shipments: Array.from({ length: copies }, (_, i) => real.scope.shipments.map((s) => ({ ...s, lot: `${s.lot}-${i}`, eventId: `${s.eventId}-${i}` }))).flat(),
  };
  const id = `RC-BENCH-${LOTS}`;
  await app.t.masterData.saveRecall({ ...real, id, summary: { ...real.summary, lots: scope.lots.length, shipments: scope.shipments.length }, scope: scope as never });
  const json = await (await fetch(`${app.url}/api/v1/recalls/${id}`, { headers: app.t.keys.auditor })).text();

  const browser = await launch();
  const ctx = await context(browser);
  const page = await ctx.newPage();
  await signIn(page, app.url, 'qa');
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Performance.enable');
  const rows: string[] = [];
  for (let run = 0; run < RUNS; run++) {
    await page.goto(`${app.url}/recalls`);
    await page.getByRole('heading', { name: 'Saved recalls' }).waitFor();
    const task0 = await taskSeconds(cdp);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await page.getByRole('link', { name: id }).click();
    await page.locator('#lots-table caption').getByText(`of ${scope.lots.length.toLocaleString('en-US')}`, { exact: false }).waitFor();
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const task = (await taskSeconds(cdp)) - task0;
    const n0 = performance.now();
    await page.locator('#lots-table').getByRole('button', { name: 'Next' }).click();
    await page.locator('#lots-table caption').getByText('(51–100 of', { exact: false }).waitFor();
    const next = performance.now() - n0;
    rows.push(`| ${run + 1} | ${Math.round(wall)} | ${Math.round(task * 1000)} | ${Math.round((cpu.user + cpu.system) / 1000)} | ${Math.round(next)} |`);
  }
  const [l1, l5] = loadavg();
  console.log(`recall workspace, ${scope.lots.length} lots, ${scope.shipments.length} shipments, ${real.scope.customers.length} customers; GET /recalls/${id}: ${(json.length / 1e6).toFixed(1)} MB of JSON`);
  console.log(`${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average ${l1?.toFixed(1)} / ${l5?.toFixed(1)} (1 / 5 min), ${new Date().toISOString()}`);
  console.log('| run | wall to first table page, ms | page CPU (Chromium tasks), ms | server CPU (this process), ms | Next page, wall ms |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  await browser.close();
  await app.close();
}

await main();
