/**
 * The web application for the browser tests and the screenshots: the pages built from the current
 * sources (into a temp folder, so a stale dist/web is never what is tested), a real `buildApp` on
 * a temp SQLite file with the demo plant plus the README's six-event plant (whose answers are
 * worked out by hand), and Chromium driven by playwright-core.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll } from 'vitest';
import { readNativeValue } from '../../src/capture/native/read-native-line.js';
import { loadDemo } from '../../src/cli/demo.js';
import type { Issue } from '../../src/domain/errors.js';
import type { QualityConfig } from '../../src/quality/quality-config.js';
import { tempDb } from '../helpers/cli.js';
import type { TestApi } from '../helpers/http.js';
import { PASSWORD, testApi, user } from '../helpers/http.js';

export const CHROMIUM = '/usr/bin/chromium';
/** Why the browser tests are skipped, or undefined when they run (CI installs Chromium). */
export const NO_BROWSER = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (apt-get install -y chromium)`;

let built: Promise<string> | undefined;

/** Builds web/ once per process into a temp folder and returns it. */
export function buildWeb(): Promise<string> {
  built ??= (async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'lotline-web-'));
    await build({ configFile: new URL('../../web/vite.config.ts', import.meta.url).pathname, logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
    return outDir;
  })();
  return built;
}

/**
 * The README walk-through: flour F-0504 (1000 KGM from Valley Mills) and butter ND-7 make dough
 * D-0504-1 (300 + 100 KGM), baked into biscuits BC-0504-A, 960 of which leave on pallet
 * 006141419990000019 for FreshMart DC South. By hand: the dough and the biscuits are 75% flour
 * F-0504; forward of the flour: 2 lots, 1 shipment; backward of the biscuits: 3 lots, 2 receipts.
 */
export const WALK = [
  { cmd: 'receive', time: '2026-05-04T06:10:00+02:00', lots: [{ item: 'FLOUR-T55', lot: 'F-0504', quantity: 1000, uom: 'KGM' }], from: 'Valley Mills', po: 'PO-4711', supplierLot: 'VM-26-118', location: 'Goods in' },
  { cmd: 'receive', time: '2026-05-04T06:20:00+02:00', lots: [{ gtin: '13012345001011', lot: 'ND-7', quantity: 200, uom: 'KGM' }], from: 'Northfield Dairy', location: 'Goods in' },
  {
    cmd: 'produce',
    time: '2026-05-04T08:00:00+02:00',
    inputs: [
      { item: 'FLOUR-T55', lot: 'F-0504', quantity: 300, uom: 'KGM' },
      { gtin: '13012345001011', lot: 'ND-7', quantity: 100, uom: 'KGM' },
    ],
    outputs: [{ item: 'DOUGH', lot: 'D-0504-1', quantity: 400, uom: 'KGM' }],
    location: 'Mixing room',
    operator: 'Claire Martin',
  },
  { cmd: 'produce', time: '2026-05-04T10:00:00+02:00', inputs: [{ item: 'DOUGH', lot: 'D-0504-1', quantity: 400, uom: 'KGM' }], outputs: [{ gtin: '00614141100118', lot: 'BC-0504-A', quantity: 2000, uom: 'EA' }], order: 'MO-2026-101', location: 'Line 1' },
  { cmd: 'pack', time: '2026-05-04T12:00:00+02:00', sscc: '006141419990000019', contents: [{ gtin: '00614141100118', lot: 'BC-0504-A', quantity: 960, uom: 'EA' }], location: 'Palletiser' },
  { cmd: 'ship', time: '2026-05-05T07:30:00+02:00', units: [{ sscc: '006141419990000019' }], to: 'FreshMart DC South', order: 'SO-2026-701', carrier: 'Transports Dupuis', location: 'Dispatch' },
];

export interface WebApp {
  readonly url: string;
  readonly t: TestApi;
  close(): Promise<void>;
}

/** A server with the demo plant and the walk-through; users `qa` (quality), `viewer` (auditor) and `op` (operator) unless `accounts` is false (setup mode). */
export async function startWebApp(options: { accounts?: boolean; quality?: QualityConfig } = {}): Promise<WebApp> {
  const webRoot = await buildWeb();
  const accounts = options.accounts !== false;
  const t = await testApi({ db: tempDb(), accounts, webRoot, ...(options.quality ? { quality: options.quality } : {}) });
  await loadDemo(t.store);
  if (accounts) {
    await user(t.identity, 'qa', 'quality');
    await user(t.identity, 'viewer', 'auditor');
    await user(t.identity, 'op', 'operator');
  }
  const events = WALK.map((c, i) => {
    const issues: Issue[] = [];
    const ev = readNativeValue(c, issues);
    if (!ev) throw new Error(`walk-through line ${i}: ${JSON.stringify(issues)}`);
    return ev;
  });
  const session = await t.store.beginCapture({ actor: 'user:claire', origin: 'test' });
  await session.append(events);
  await session.commit();
  const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  return { url, t, close: () => t.close() };
}

/** Signs `name` in through the sign-in page. */
export async function signIn(page: Page, url: string, name: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** A browser context that accepts downloads, at a laptop's size. */
export async function context(browser: Browser, viewport = { width: 1280, height: 860 }): Promise<BrowserContext> {
  return browser.newContext({ viewport, acceptDownloads: true });
}

/** What `useBrowserSession` fills in before the first test of its file runs. */
export interface BrowserSession {
  readonly app: WebApp;
  readonly browser: Browser;
  readonly ctx: BrowserContext;
  readonly page: Page;
}

/**
 * Registers the `beforeAll`/`afterAll` every browser test file needs: the web application and
 * Chromium started side by side, `setup` run against the server (stations, holds, …), one page at
 * `viewport`, `signInAs` signed in (none: the page stays on the sign-in form), and everything
 * closed afterwards. The returned object is filled in before the first test.
 */
export function useBrowserSession(
  options: { signInAs?: string; viewport?: { width: number; height: number }; setup?: (app: WebApp) => Promise<void>; quality?: QualityConfig } = {},
): BrowserSession {
  const s: { -readonly [K in keyof BrowserSession]?: BrowserSession[K] } = {};
  beforeAll(async () => {
    [s.app, s.browser] = await Promise.all([startWebApp(options.quality ? { quality: options.quality } : {}), launch()]);
    if (options.setup) await options.setup(s.app);
    s.ctx = await context(s.browser, options.viewport);
    s.page = await s.ctx.newPage();
    if (options.signInAs !== undefined) await signIn(s.page, s.app.url, options.signInAs);
  });
  afterAll(async () => {
    await s.ctx?.close();
    await s.browser?.close();
    await s.app?.close();
  });
  return s as BrowserSession;
}
