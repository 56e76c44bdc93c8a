/**
 * The exceptions inbox in Chromium. Two critical `held-lot-used` exceptions are made the way a
 * plant makes them: flour F-0504 and butter ND-7 are held, then a batch consumes both. A quality
 * user acknowledges one (owner: themselves), resolves it with a note (a bad retroactive link is
 * refused first, naming the field, and changes nothing), and dismisses the other with a reason;
 * the completeness charts are drawn.
 */
import { describe, expect, it } from 'vitest';
import { NO_BROWSER, useBrowserSession } from './web-app.js';

interface Ex {
  id: number;
  subject: { ref: string };
  state: string;
  owner: string | null;
  resolution: string | null;
}

describe.skipIf(NO_BROWSER !== undefined)(`the exceptions inbox${NO_BROWSER ? ` (skipped: ${NO_BROWSER})` : ''}`, () => {
  const exceptions = async (): Promise<Ex[]> => ((await (await fetch(`${s.app.url}/api/v1/exceptions`, { headers: s.app.t.keys.auditor })).json()) as { exceptions: Ex[] }).exceptions;
  const post = async (path: string, body: unknown, key: { authorization: string }) => {
    const r = await fetch(`${s.app.url}/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...key }, body: JSON.stringify(body) });
    expect(r.status, await r.clone().text()).toBeLessThan(300);
  };
  const FLOUR = 'urn:lotline:lot:FLOUR-T55:F-0504';
  const BUTTER = 'urn:lotline:lot:13012345001011:ND-7';

  const s = useBrowserSession({
    signInAs: 'qa',
    setup: async (a) => {
      await post('/holds', { lots: [FLOUR, BUTTER], reason: 'supplier notice' }, a.t.keys.quality);
      await post(
        '/events',
        {
          cmd: 'produce',
          time: new Date(Date.now() + 1000).toISOString(),
          inputs: [
            { item: 'FLOUR-T55', lot: 'F-0504', quantity: 10, uom: 'KGM' },
            { gtin: '13012345001011', lot: 'ND-7', quantity: 5, uom: 'KGM' },
          ],
          outputs: [{ item: 'DOUGH', lot: 'D-0506-1', quantity: 15, uom: 'KGM' }],
          location: 'Mixing room',
        },
        a.t.keys.operator,
      );
      expect((await exceptions()).map((e) => e.subject.ref).sort()).toEqual([BUTTER, FLOUR]);
    },
  });

  const rowOf = (lot: string) => s.page.locator('tr[data-exception]', { hasText: lot });

  it('lists the open exceptions with severity, rule, subject and age, and draws the completeness charts', async () => {
    await s.page.getByRole('link', { name: 'Exceptions' }).click();
    await s.page.getByRole('heading', { level: 1, name: 'Exceptions' }).waitFor();
    await s.page.getByText('2 open exceptions').waitFor();
    const flour = rowOf('FLOUR-T55 / F-0504');
    expect(await flour.locator('td').nth(0).innerText()).toBe('critical');
    expect(await flour.locator('td').nth(1).innerText()).toBe('held-lot-used');
    expect(await flour.getByRole('link', { name: 'FLOUR-T55 / F-0504' }).getAttribute('href')).toBe(`/lots/${encodeURIComponent(FLOUR)}`);
    expect(await flour.locator('td').nth(5).innerText()).toMatch(/^\d+ (min|h|d)$/);
    await s.page.locator('figure.chart svg').first().waitFor();
    expect(await s.page.locator('figure.chart figcaption').allTextContents()).toEqual([expect.stringMatching(/^Lots with an unbroken chain/), expect.stringMatching(/^Routing scans on time/)]);
  });

  it('acknowledges one: it leaves the open list and is owned by the quality user', async () => {
    await rowOf('FLOUR-T55 / F-0504').getByRole('button', { name: 'Acknowledge' }).click();
    await s.page.getByText('1 open exception').waitFor();
    await s.page.getByLabel('State').selectOption('acknowledged');
    await s.page.getByText('1 acknowledged exception').waitFor();
    // Critical: due within the escalation time, shown with the owner.
    expect(await rowOf('FLOUR-T55 / F-0504').locator('td').nth(6).innerText()).toMatch(/^user:qa\ndue \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect((await exceptions()).find((e) => e.subject.ref === FLOUR)).toMatchObject({ state: 'acknowledged', owner: 'user:qa' });
  });

  it('refuses a retroactive link it cannot read, naming the field, and changes nothing', async () => {
    await rowOf('FLOUR-T55 / F-0504').getByRole('button', { name: 'Resolve…' }).click();
    await s.page.getByLabel('How it was resolved').fill('linked after checking the batch record');
    await s.page.getByLabel(/^Missing input lot/).fill('(01)13012345001012(10)X');
    await s.page.getByLabel('When it went in').fill('yesterday');
    await s.page.getByRole('button', { name: 'Resolve', exact: true }).click();
    const alert = s.page.locator('tr.ex-form').getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/time|date-time/);
    expect((await exceptions()).find((e) => e.subject.ref === FLOUR)).toMatchObject({ state: 'acknowledged', resolution: null });
  });

  it('resolves it with a note', async () => {
    await s.page.getByLabel(/^Missing input lot/).fill('');
    await s.page.getByLabel('When it went in').fill('');
    await s.page.getByLabel('How it was resolved').fill('the batch was quarantined; lab retest clean');
    await s.page.getByRole('button', { name: 'Resolve', exact: true }).click();
    await s.page.getByText('0 acknowledged exceptions').waitFor();
    await s.page.getByLabel('State').selectOption('resolved');
    await rowOf('FLOUR-T55 / F-0504').getByText('Resolution: the batch was quarantined; lab retest clean').waitFor();
  });

  it('dismisses the other with a reason', async () => {
    await s.page.getByLabel('State').selectOption('open');
    await rowOf('13012345001011 / ND-7').getByRole('button', { name: 'Dismiss…' }).click();
    await s.page.getByLabel('Why it is not a problem').fill('the hold was a data-entry mistake');
    await s.page.getByRole('button', { name: 'Dismiss', exact: true }).click();
    await s.page.getByText('0 open exceptions').waitFor();
    expect((await exceptions()).find((e) => e.subject.ref === BUTTER)).toMatchObject({ state: 'dismissed' });
  });
});
