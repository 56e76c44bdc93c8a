/**
 * The scan station page in Chromium, driven the way a keyboard-wedge scanner drives it (the
 * barcode typed, then Enter): the station chosen once and remembered, the field keeping focus,
 * good scans green and refused or unreadable ones red with the server's reason, the next expected
 * scan shown, a completed sequence stored as a real event, cancel, and reconnecting after the
 * network drops.
 */
import { describe, expect, it } from 'vitest';
import { lotState } from '../../src/genealogy/lot-state.js';
import { NO_BROWSER, useBrowserSession } from './web-app.js';

describe.skipIf(NO_BROWSER !== undefined)(`the scan station page${NO_BROWSER ? ` (skipped: ${NO_BROWSER})` : ''}`, () => {
  const s = useBrowserSession({
    signInAs: 'op',
    viewport: { width: 1024, height: 768 },
    setup: async (a) => {
      for (const station of [
        { id: 'MIX-1', site: 'Plant 1', line: 'L1', role: 'production', defaults: { outputItem: '09520123456788' } },
        { id: 'SHIP-1', site: 'Plant 1', role: 'shipping' },
      ]) {
        const r = await fetch(`${a.url}/api/v1/stations`, { method: 'POST', headers: { 'content-type': 'application/json', ...a.t.keys.admin }, body: JSON.stringify(station) });
        expect(r.status).toBe(201);
      }
    },
  });

  const scan = async (barcode: string) => {
    await s.page.keyboard.type(barcode, { delay: 2 });
    await s.page.keyboard.press('Enter');
  };
  /** The n-th answer shown: green (ok) or red (bad), and its text. */
  const result = async (n: number) => {
    const el = s.page.locator('.scan-result');
    await expect.poll(async () => el.getAttribute('data-seq')).toBe(String(n));
    return { kind: await el.getAttribute('data-result'), text: (await el.innerText()).replace(/\s+/g, ' ').trim() };
  };
  const focused = () => s.page.evaluate<string | undefined>('document.activeElement?.id');

  it('lists the stations once, and remembers the choice on this device', async () => {
    await s.page.getByRole('link', { name: 'Scan station' }).click();
    await s.page.getByRole('heading', { name: 'Choose this device’s scan station' }).waitFor();
    await s.page.getByRole('button', { name: /MIX-1/ }).click();
    await s.page.getByRole('heading', { name: 'Station MIX-1' }).waitFor();
    await s.page.getByText('production · line L1 · Plant 1').waitFor();
    // Coming back to /scan opens the remembered station straight away.
    await s.page.goto(`${s.app.url}/scan`);
    await s.page.getByRole('heading', { name: 'Station MIX-1' }).waitFor();
    expect(new URL(s.page.url()).pathname).toBe('/scan/MIX-1');
  });

  it('keeps the scan field focused, shows a good scan in green and what comes next', async () => {
    await s.page.locator('#scan').waitFor();
    await expect.poll(() => focused()).toBe('scan');
    // Clicking elsewhere on the s.page does not lose the scanner's keystrokes.
    await s.page.getByRole('heading', { name: 'Scanned so far' }).click();
    await expect.poll(() => focused()).toBe('scan');
    await scan('(01)13012345001011(10)ND-7(3102)001000');
    expect(await result(1)).toEqual({ kind: 'ok', text: '✔ Input 13012345001011 / ND-7, 10 KGM' });
    expect(await s.page.locator('#next').innerText()).toBe('Scan the next input, or the output label');
    expect(await s.page.locator('ol.sequence li').allTextContents()).toEqual(['13012345001011 / ND-7, 10 KGM']);
  });

  it('shows a refused scan in red with the reason, and an unreadable one too; neither changes the sequence', async () => {
    await scan('(01)13012345001011(10)NO-SUCH-LOT(3102)001000');
    const refused = await result(2);
    expect(refused.kind).toBe('bad');
    expect(refused.text).toMatch(/^✖ Refused 13012345001011 \/ NO-SUCH-LOT: unknown lot/);
    await scan(']C10113012345001012');
    const unreadable = await result(3);
    expect(unreadable.kind).toBe('bad');
    expect(unreadable.text).toMatch(/^✖ Unreadable barcode .*check digit/);
    expect(await s.page.locator('ol.sequence li').allTextContents()).toEqual(['13012345001011 / ND-7, 10 KGM']);
  });

  it('completes the sequence with the output label: the transformation is stored', async () => {
    await scan('(01)09520123456788(10)B-0504(3102)001000');
    expect(await result(4)).toEqual({ kind: 'ok', text: '✔ Done: Output 09520123456788 / B-0504, 10 KGM from 1 input(s)' });
    await expect.poll(() => s.page.locator('ol.sequence li').count()).toBe(0);
    const state = await lotState(s.app.t.store, { kind: 'lot', item: '09520123456788', lot: 'B-0504' });
    expect(state).toMatchObject({ status: 'released', onHand: { quantity: 10, uom: 'KGM' } });
    const butter = await lotState(s.app.t.store, { kind: 'lot', item: '13012345001011', lot: 'ND-7' });
    expect(butter).toMatchObject({ onHand: { quantity: 90, uom: 'KGM' } });
    await s.page.getByText('1 completed on this station').waitFor();
  });

  it('cancels a sequence with the big button, and the field has focus again', async () => {
    await scan('(01)13012345001011(10)ND-7(3102)000500');
    expect((await result(5)).kind).toBe('ok');
    await s.page.getByRole('button', { name: 'Cancel sequence' }).click();
    expect(await result(6)).toEqual({ kind: 'ok', text: '✔ Sequence cancelled' });
    expect(await s.page.locator('ol.sequence li').count()).toBe(0);
    await expect.poll(() => focused()).toBe('scan');
  });

  it('says it is offline when the network drops, and reconnects by itself', async () => {
    await s.ctx.setOffline(true);
    await scan('(01)13012345001011(10)ND-7(3102)000500');
    const lost = await result(7);
    expect(lost).toEqual({ kind: 'bad', text: '✖ Not sent: no connection Scan it again when the connection is back.' });
    await s.page.getByText('No connection to Lotline — reconnecting…').waitFor();
    await s.ctx.setOffline(false);
    await s.page.getByText('No connection to Lotline — reconnecting…').waitFor({ state: 'hidden', timeout: 10_000 });
    await scan('(01)13012345001011(10)ND-7(3102)000500');
    expect((await result(8)).kind).toBe('ok');
  });
});
