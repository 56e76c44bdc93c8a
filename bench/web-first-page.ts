/**
 * `npx tsx bench/web-first-page.ts [RUNS]` (not part of `npm run bench`: it needs Chromium): how fast
 * the web application's first pages are on the demo plant. The server is the real `buildApp` on a
 * temp SQLite database holding the demo plant (what `npm start` loads) plus a quality user, the
 * pages the production Vite build. Each run uses a fresh browser context (an empty cache, as on a
 * first visit) and times, in Chromium:
 *   1. navigation → the sign-in page interactive (the form drawn and DOMContentLoaded passed),
 *      read in the page with `performance.now()` (its origin is the navigation start);
 *   2. the Sign in click → the search page shown with the focus in its search box;
 *   3. a lot code typed into the search box and Enter → the lot page with its genealogy graph drawn.
 * Steps 2 and 3 are timed from the click/keypress in the page (`performance.now()` then too). Also
 * reported per step: Chromium's renderer task time (CDP `Performance.getMetrics`, TaskDuration) and
 * this process's CPU (`process.cpuUsage`; the server runs in it). Prints p50/max over RUNS (5), the
 * load average, and the bundle's sizes (raw and gzip). The machine is shared: read the CPU too.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { CDPSession, Page } from 'playwright-core';
import { PASSWORD } from '../test/helpers/http.js';
import { buildWeb, context, launch, startWebApp } from '../test/web/web-app.js';

const RUNS = Number(process.argv[2] ?? 5);
const LOT = { code: 'D-0504-1', heading: 'DOUGH / D-0504-1' };
const STEPS = ['sign-in page interactive', 'sign-in → search page', 'search → lot page with graph'] as const;

interface Sample {
  wall: number;
  page: number;
  server: number;
}

async function taskMs(cdp: CDPSession): Promise<number> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  return (metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN) * 1000;
}

function serverMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

/** The little of the page's DOM the waits read (this file is type-checked without the DOM library). */
interface Doc {
  readyState: string;
  activeElement: { getAttribute(name: string): string | null } | null;
  querySelector(selector: string): { textContent: string | null } | null;
}
type Step = 'sign-in' | 'search' | 'lot';

/**
 * Waits in the page, frame by frame, until the step's page is ready, and returns `performance.now()`
 * read in the page at the first frame it was. The check is a function shipped to the page, not a
 * string: the page's Content-Security-Policy forbids eval, and it stays on.
 */
async function nowWhen(page: Page, step: Step): Promise<number> {
  const h = await page.waitForFunction(
    async ([which, heading]) => {
      const g = globalThis as unknown as { document: Doc; requestAnimationFrame(f: () => void): void };
      const d = g.document;
      // No named function in here: the bundler would wrap it in a helper the page does not have.
      while (
        !(which === 'sign-in'
          ? d.readyState !== 'loading' && d.querySelector('form button[type=submit]') !== null
          : which === 'search'
            ? d.activeElement?.getAttribute('role') === 'combobox' && d.querySelector('.who') !== null
            : d.querySelector('h1')?.textContent === heading && d.querySelector('svg g.node') !== null)
      )
        await new Promise((r) => g.requestAnimationFrame(() => r(undefined)));
      return performance.now();
    },
    [step, LOT.heading] as const,
    { timeout: 30_000 },
  );
  return Number(await h.jsonValue());
}

async function oneRun(browser: Awaited<ReturnType<typeof launch>>, url: string): Promise<Sample[]> {
  const ctx = await context(browser);
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Performance.enable');
  try {
    const out: Sample[] = [];
    // 1. Navigation to the sign-in form, interactive.
    let task = await taskMs(cdp);
    let cpu = process.cpuUsage();
    await page.goto(url, { waitUntil: 'commit' });
    const t1 = await nowWhen(page, 'sign-in');
    out.push({ wall: t1, page: (await taskMs(cdp)) - task, server: serverMs(cpu) });

    // 2. Sign in → the search page with its box focused.
    await page.getByLabel('User name').fill('qa');
    await page.getByLabel('Password').fill(PASSWORD);
    task = await taskMs(cdp);
    cpu = process.cpuUsage();
    const s2 = await page.evaluate<number>(`(() => { const t = performance.now(); document.querySelector('form button[type=submit]').click(); return t; })()`);
    const t2 = await nowWhen(page, 'search');
    out.push({ wall: t2 - s2, page: (await taskMs(cdp)) - task, server: serverMs(cpu) });

    // 3. A lot code and Enter → the lot page with its graph drawn.
    await page.keyboard.type(LOT.code);
    task = await taskMs(cdp);
    cpu = process.cpuUsage();
    const s3 = await page.evaluate<number>('performance.now()');
    await page.keyboard.press('Enter');
    const t3 = await nowWhen(page, 'lot');
    out.push({ wall: t3 - s3, page: (await taskMs(cdp)) - task, server: serverMs(cpu) });
    return out;
  } finally {
    await ctx.close();
  }
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length - 1) * p + 0.5))]!;
const r0 = (x: number) => Math.round(x).toString();

async function main(): Promise<void> {
  const load0 = loadavg();
  const [app, browser] = await Promise.all([startWebApp(), launch()]);
  try {
    await oneRun(browser, app.url); // warm-up: the server's first queries, Chromium's first start
    const runs: Sample[][] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await oneRun(browser, app.url));
    const load1 = loadavg();
    console.log(`web first pages, demo plant, ${RUNS} runs (fresh context each), ${new Date().toISOString()}`);
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}; load average before ${load0.map((l) => l.toFixed(1)).join(' ')}, after ${load1.map((l) => l.toFixed(1)).join(' ')}`);
    console.log('| step | wall p50, ms | wall max, ms | page CPU p50, ms | server CPU p50, ms | all walls, ms |');
    console.log('|---|---|---|---|---|---|');
    STEPS.forEach((name, i) => {
      const col = (k: keyof Sample) => runs.map((r) => r[i]![k]);
      console.log(`| ${name} | ${r0(pct(col('wall'), 0.5))} | ${r0(Math.max(...col('wall')))} | ${r0(pct(col('page'), 0.5))} | ${r0(pct(col('server'), 0.5))} | ${col('wall').map(r0).join(' / ')} |`);
    });
    const dir = join(await buildWeb(), 'assets');
    console.log('\n| bundle file | bytes | gzip bytes |\n|---|---|---|');
    for (const f of readdirSync(dir).filter((n) => !n.endsWith('.map')).sort()) {
      const body = readFileSync(join(dir, f));
      console.log(`| ${f.replace(/-[\w-]{8}\./, '.')} | ${statSync(join(dir, f)).size} | ${gzipSync(body).length} |`);
    }
  } finally {
    await browser.close();
    await app.close();
  }
}

await main();
