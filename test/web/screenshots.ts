/**
 * `npm run screenshots`: the pages as a user sees them, on the demo plant, into docs/img/web-*.png
 * (README and docs/web.md show them). Run after changing a page, and look at every picture.
 */
import { mkdirSync } from 'node:fs';
import { PASSWORD } from '../helpers/http.js';
import { context, launch, NO_BROWSER, startWebApp } from './web-app.js';

const OUT = new URL('../../docs/img/', import.meta.url).pathname;

async function main(): Promise<void> {
  if (NO_BROWSER) throw new Error(`cannot take screenshots: ${NO_BROWSER}`);
  mkdirSync(OUT, { recursive: true });
  const app = await startWebApp();
  const browser = await launch();
  try {
    const ctx = await context(browser, { width: 1280, height: 800 });
    const page = await ctx.newPage();
    const shot = async (name: string) => {
      await page.screenshot({ path: `${OUT}web-${name}.png` });
      console.log(`docs/img/web-${name}.png`);
    };
    await page.goto(app.url);
    await page.getByLabel('User name').fill('qa');
    await shot('sign-in');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('combobox').fill('EGG-2610');
    await page.getByRole('option').first().waitFor();
    await shot('search');
    await page.goto(`${app.url}/lots/${encodeURIComponent('urn:lotline:lot:RM-EGG-LIQ:EGG-261005-1')}`);
    await page.locator('svg.genealogy').waitFor();
    await page.waitForTimeout(1500);
    await shot('lot');
    await page.goto(`${app.url}/lots/${encodeURIComponent('urn:lotline:lot:DOUGH:D-0504-1')}`);
    await page.locator('svg.genealogy').waitFor();
    await page.waitForTimeout(500);
    await shot('lot-small');
    await page.getByRole('heading', { name: 'Trace table' }).scrollIntoViewIfNeeded();
    await shot('trace-table');
  } finally {
    await browser.close();
    await app.close();
  }
}

await main();
