/**
 * Holds and the e-signature dialog in Chromium: a quality user holds flour lot F-0504 (a blank
 * reason is refused, naming the field), the lot shows as on hold, a release signed with a wrong
 * password is refused and the dialog keeps its fields, the right password stores the release and
 * shows the signature's manifestation (printed name, date and time, meaning), which verifies; an
 * auditor sees no hold or release buttons.
 */
import { describe, expect, it } from 'vitest';
import type { LotState } from '../../src/genealogy/lot-state.js';
import { lotState as anyState } from '../../src/genealogy/lot-state.js';
import { context, NO_BROWSER, signIn, useBrowserSession } from './web-app.js';
import { PASSWORD } from '../helpers/http.js';

const FLOUR = 'urn:lotline:lot:FLOUR-T55:F-0504';
const FLOUR_REF = { kind: 'lot', item: 'FLOUR-T55', lot: 'F-0504' } as const;
const lotState = async (store: Parameters<typeof anyState>[0], ref: typeof FLOUR_REF) => (await anyState(store, ref)) as LotState;

describe.skipIf(NO_BROWSER !== undefined)(`holds and signatures in the browser${NO_BROWSER ? ` (skipped: ${NO_BROWSER})` : ''}`, () => {
  const s = useBrowserSession({ signInAs: 'qa' });

  it('places a hold from the lot page; a blank reason is refused, naming the field', async () => {
    await s.page.goto(`${s.app.url}/lots/${encodeURIComponent(FLOUR)}`);
    await s.page.getByRole('heading', { level: 1, name: 'FLOUR-T55 / F-0504' }).waitFor();
    await s.page.getByRole('button', { name: 'Place a hold…' }).click();
    const dlg = s.page.getByRole('dialog', { name: 'Hold FLOUR-T55 / F-0504' });
    await dlg.getByLabel('Reason').fill('   ');
    await dlg.getByRole('button', { name: 'Place the hold' }).click();
    await dlg.getByRole('alert').waitFor();
    expect(await dlg.getByRole('alert').textContent()).toMatch(/reason.*must not be empty/);
    expect(await dlg.getByLabel('Reason').getAttribute('aria-invalid')).toBe('true');
    expect((await lotState(s.app.t.store, FLOUR_REF)).status).toBe('released');
    await dlg.getByLabel('Reason').fill('Supplier notice: possible foreign body');
    await dlg.getByLabel('Reference (optional)').fill('SN-2026-17');
    await dlg.getByRole('button', { name: 'Place the hold' }).click();
    await s.page.getByText(/^On hold since .*: Supplier notice: possible foreign body\.$/).waitFor();
    await s.page.locator('.title-row .badge').getByText('On hold').waitFor();
    expect(await lotState(s.app.t.store, FLOUR_REF)).toMatchObject({ status: 'on_hold', hold: { reason: 'Supplier notice: possible foreign body' } });
  });

  it('refuses a release signed with a wrong password, keeping the dialog; the lot stays on hold', async () => {
    await s.page.getByRole('button', { name: 'Release…' }).click();
    const dlg = s.page.getByRole('dialog', { name: 'Release FLOUR-T55 / F-0504' });
    expect(await dlg.getByLabel('Meaning of the signature').inputValue()).toBe('released after retest');
    await dlg.getByText('You sign as qa.', { exact: false }).waitFor();
    await dlg.getByLabel('Your password, again').fill('wrong password');
    await dlg.getByRole('button', { name: 'Sign' }).click();
    await dlg.getByRole('alert').waitFor();
    expect(await dlg.getByRole('alert').textContent()).toMatch(/password/i);
    expect(await dlg.getByLabel('Your password, again').getAttribute('aria-invalid')).toBe('true');
    expect((await lotState(s.app.t.store, FLOUR_REF)).status).toBe('on_hold');
  });

  it('signs the release with the password typed again and shows the signature', async () => {
    const dlg = s.page.getByRole('dialog', { name: 'Release FLOUR-T55 / F-0504' });
    await dlg.getByLabel('Meaning of the signature').fill('released after retest: lab report L-88 clean');
    await dlg.getByLabel('Your password, again').fill(PASSWORD);
    await dlg.getByRole('button', { name: 'Sign' }).click();
    await dlg.getByText('Released.').waitFor();
    const sig = await dlg.getByRole('definition').allTextContents();
    expect(sig[0]).toMatch(/^.+ \(user:qa\)$|^.+ \(qa\)$/);
    expect(sig[1]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?:[+-]\d{2}:\d{2}| UTC)$/);
    expect(sig[2]).toBe('released after retest: lab report L-88 clean');
    expect(sig[3]).toMatch(/^[0-9a-f]{64}$|^sha-?256/i);
    await dlg.getByRole('button', { name: 'Close' }).click();
    await s.page.locator('.title-row .badge').getByText('Released').waitFor();
    expect(await s.page.getByText(/^On hold since/).count()).toBe(0);
    const state = await lotState(s.app.t.store, FLOUR_REF);
    expect(state).toMatchObject({ status: 'released', hold: null });
    // The stored release carries a signature that verifies.
    const check = await fetch(`${s.app.url}/api/v1/events/${encodeURIComponent(state.lastEvent!.eventId)}/signatures`, { headers: s.app.t.keys.auditor });
    expect(await check.json()).toMatchObject({ signed: true, valid: true, signatures: [{ signer: 'qa', meaning: 'released after retest: lab report L-88 clean', valid: true }] });
  });

  it('shows no hold or release buttons to an auditor', async () => {
    const other = await context(s.browser);
    const p = await other.newPage();
    await signIn(p, s.app.url, 'viewer');
    await p.goto(`${s.app.url}/lots/${encodeURIComponent(FLOUR)}`);
    await p.getByRole('heading', { level: 1, name: 'FLOUR-T55 / F-0504' }).waitFor();
    expect(await p.getByRole('button', { name: /hold|Release|Reject/ }).count()).toBe(0);
    await other.close();
  });
});
