/**
 * Accessibility in Chromium: axe-core (WCAG 2 A and AA rules) over every page, each opened as the
 * role that uses it — sign-in, search, a lot page with its graph, recalls and a saved recall,
 * exceptions, the scan station (choosing and a station), the dashboard and the admin pages. Any
 * violation fails the test, listing its rule, the element and what to do. Then the keyboard:
 * from the sign-in page to a lot page with Tab and Enter only, and the scan station's field
 * keeping focus.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PASSWORD, user } from '../helpers/http.js';
import { context, NO_BROWSER, signIn, useBrowserSession } from './web-app.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const FLOUR = 'urn:lotline:lot:FLOUR-T55:F-0504';

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** Runs axe with the WCAG 2 A/AA tags on the page as it is; one line per element in violation. */
async function violations(page: Page): Promise<string[]> {
  // The server's Content-Security-Policy refuses inline scripts (addScriptTag), and it stays on:
  // axe's source is evaluated through the debugging protocol instead, which CSP does not govern.
  if ((await page.evaluate<string>('typeof window.axe')) === 'undefined') await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate<AxeViolation[]>(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then(r => r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => ({ target: n.target })) })))`);
  return found.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact ?? '?'}) at ${JSON.stringify(n.target)}: ${v.help}`));
}

/** Whether the element is the one with the keyboard focus. */
const isFocused = (l: Locator) => l.evaluate((e, _) => e === e.ownerDocument.activeElement, null);

async function expectNoViolations(page: Page, what: string): Promise<void> {
  const found = await violations(page);
  expect.soft(found, `${what}:\n${found.join('\n')}`).toEqual([]);
}

describe.skipIf(NO_BROWSER !== undefined)(`accessibility of every page${NO_BROWSER ? ` (skipped: ${NO_BROWSER})` : ''}`, () => {
  let recallId = '';
  const s = useBrowserSession({
    setup: async (a) => {
      await user(a.t.identity, 'boss', 'admin');
      const st = await fetch(`${a.url}/api/v1/stations`, { method: 'POST', headers: { 'content-type': 'application/json', ...a.t.keys.admin }, body: JSON.stringify({ id: 'MIX-1', site: 'Plant 1', line: 'L1', role: 'production' }) });
      expect(st.status).toBe(201);
      const rc = await fetch(`${a.url}/api/v1/recalls`, { method: 'POST', headers: { 'content-type': 'application/json', ...a.t.keys.quality }, body: JSON.stringify({ lots: [FLOUR] }) });
      expect(rc.status).toBe(201);
      recallId = ((await rc.json()) as { id: string }).id;
    },
  });

  const open = async (path: string, ready: (p: Page) => Promise<unknown>) => {
    await s.page.goto(`${s.app.url}${path}`);
    await ready(s.page);
  };

  it('the sign-in page, and a refused sign-in with its error shown', async () => {
    await s.page.goto(s.app.url);
    await s.page.getByRole('button', { name: 'Sign in' }).waitFor();
    await expectNoViolations(s.page, 'sign-in');
    await s.page.getByLabel('User name').fill('qa');
    await s.page.getByLabel('Password').fill('not the password');
    await s.page.getByRole('button', { name: 'Sign in' }).click();
    await s.page.getByRole('alert').waitFor();
    await expectNoViolations(s.page, 'sign-in refused');
  });

  it('the pages of a quality user: search, results, lot page, recalls, exceptions, dashboard', async () => {
    await signIn(s.page, s.app.url, 'qa');
    await expectNoViolations(s.page, 'search');
    await s.page.getByRole('combobox').first().fill('F-05');
    await s.page.getByRole('option').first().waitFor();
    await expectNoViolations(s.page, 'search with results');
    await open(`/lots/${encodeURIComponent(FLOUR)}`, (p) => p.locator('svg .node').first().waitFor());
    await expectNoViolations(s.page, 'lot page');
    await open('/recalls', (p) => p.getByRole('button', { name: 'Compute the recall' }).waitFor());
    await expectNoViolations(s.page, 'recalls');
    await open(`/recalls/${recallId}`, (p) => p.getByRole('list', { name: 'Scope in figures' }).waitFor());
    await expectNoViolations(s.page, 'a saved recall');
    await open('/exceptions', (p) => p.getByRole('heading', { level: 1 }).waitFor());
    await expectNoViolations(s.page, 'exceptions');
    await open('/dashboard', (p) => p.getByRole('heading', { level: 1 }).waitFor());
    await s.page.waitForLoadState('networkidle').catch(() => undefined);
    await expectNoViolations(s.page, 'dashboard');
  });

  it('the scan station of an operator: choosing, then the station', async () => {
    await s.ctx.clearCookies();
    await signIn(s.page, s.app.url, 'op');
    await open('/scan?choose', (p) => p.getByRole('button', { name: /MIX-1/ }).waitFor());
    await expectNoViolations(s.page, 'choose a station');
    await open('/scan/MIX-1', (p) => p.getByRole('heading', { name: 'Station MIX-1' }).waitFor());
    await s.page.keyboard.type('(01)09999999999999(10)NOPE');
    await s.page.keyboard.press('Enter');
    await s.page.locator('.scan-result').waitFor();
    await expectNoViolations(s.page, 'scan station');
  });

  it('the admin pages of an administrator', async () => {
    await s.ctx.clearCookies();
    await signIn(s.page, s.app.url, 'boss');
    for (const path of ['/admin', '/admin/users', '/admin/keys', '/admin/stations', '/admin/master-data', '/admin/quality']) {
      await open(path, (p) => p.getByRole('heading', { level: 1 }).waitFor());
      await s.page.waitForLoadState('networkidle').catch(() => undefined);
      await expectNoViolations(s.page, path);
    }
  });

  it('signs in and opens a lot with the keyboard only', async () => {
    const ctx = await context(s.browser);
    const p = await ctx.newPage();
    try {
      await p.goto(s.app.url);
      await p.getByRole('button', { name: 'Sign in' }).waitFor();
      const focusedLabel = () => p.evaluate<string>(`(() => { const e = document.activeElement; return e ? (e.labels?.[0]?.textContent ?? e.textContent ?? e.tagName) : ''; })()`);
      // Tab until the user-name field: the order is the page's, nothing is clicked.
      for (let i = 0; i < 10 && !(await focusedLabel()).includes('User name'); i++) await p.keyboard.press('Tab');
      expect(await focusedLabel()).toContain('User name');
      await p.keyboard.type('qa');
      await p.keyboard.press('Tab');
      expect(await focusedLabel()).toContain('Password');
      await p.keyboard.type(PASSWORD);
      await p.keyboard.press('Enter');
      await p.getByRole('button', { name: 'Sign out' }).waitFor();
      // The search page puts the focus in the search box.
      const box = p.getByRole('combobox').first();
      await expect.poll(() => isFocused(box)).toBe(true);
      await p.keyboard.type('F-0504');
      await p.getByRole('option').first().waitFor();
      await p.keyboard.press('ArrowDown');
      await p.keyboard.press('Enter');
      await p.getByRole('heading', { level: 1, name: 'FLOUR-T55 / F-0504' }).waitFor();
      expect(new URL(p.url()).pathname).toBe(`/lots/${encodeURIComponent(FLOUR)}`);
      // The focus is visible where it lands: a focused link or button draws an outline.
      await p.keyboard.press('Tab');
      const outline = await p.evaluate<string>(`getComputedStyle(document.activeElement).outlineStyle`);
      expect(outline).not.toBe('none');
    } finally {
      await ctx.close();
    }
  });

  it('keeps the scan field focused after each scan and after a click elsewhere', async () => {
    await s.ctx.clearCookies();
    await signIn(s.page, s.app.url, 'op');
    await open('/scan/MIX-1', (p) => p.getByRole('heading', { name: 'Station MIX-1' }).waitFor());
    const field = s.page.getByRole('textbox', { name: /scan/i }).first();
    await expect.poll(() => isFocused(field)).toBe(true);
    await s.page.keyboard.type('garbage-barcode');
    await s.page.keyboard.press('Enter');
    await s.page.locator('.scan-result[data-result="bad"]').waitFor();
    expect(await isFocused(field)).toBe(true);
    await s.page.getByRole('heading', { name: 'Station MIX-1' }).click();
    await expect.poll(() => isFocused(field)).toBe(true);
  });
});
