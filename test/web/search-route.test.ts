/**
 * GET /api/v1/search on the demo plant plus the walk-through: a scanned GS1 barcode (bracketed,
 * raw with symbology identifier, Digital Link) names its lot or pallet and `direct` opens it; text
 * lists lots by code prefix, supplier lot code, GTIN; a bad check digit is an error naming q.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebApp } from './web-app.js';
import { startWebApp } from './web-app.js';

describe('search as you type', () => {
  let app: WebApp;
  const get = async (q: string) => {
    const r = await fetch(`${app.url}/api/v1/search?q=${encodeURIComponent(q)}`, { headers: app.t.keys.auditor });
    return { status: r.status, body: (await r.json()) as { direct: string | null; barcode: string | null; results: { ref: string; label: string; kind: string; match: string; group: string; via: string | null }[]; code?: string; issues?: { path: string }[] } };
  };

  beforeAll(async () => {
    app = await startWebApp();
  });
  afterAll(async () => app.close());

  it('opens a scanned lot barcode at once, in each form a scanner sends', async () => {
    for (const q of ['(01)00614141100118(10)BC-0504-A', ']d2010061414110011810BC-0504-A', ']C1010061414110011810BC-0504-A\r\n', 'https://id.gs1.org/01/00614141100118/10/BC-0504-A']) {
      const { status, body } = await get(q);
      expect(status, q).toBe(200);
      expect(body, q).toEqual({ direct: 'urn:lotline:lot:00614141100118:BC-0504-A', barcode: '00614141100118 / BC-0504-A', results: [{ ref: 'urn:lotline:lot:00614141100118:BC-0504-A', kind: 'lot', label: '00614141100118 / BC-0504-A', match: 'code', group: 'Lots', via: null }] });
    }
  });

  it('opens a pallet from its SSCC barcode', async () => {
    const { body } = await get('(00)006141419990000019');
    expect(body.direct).toBe('urn:lotline:unit:sscc:006141419990000019');
  });

  it('says what a barcode named when nothing is recorded under it', async () => {
    const { status, body } = await get('(01)00614141100118(10)NO-SUCH-LOT');
    expect(status).toBe(200);
    expect(body).toEqual({ direct: null, barcode: '00614141100118 / NO-SUCH-LOT', results: [] });
  });

  it('lists lots by the beginning of their code, without opening one', async () => {
    const { body } = await get('EGG-26100');
    expect(body.direct).toBeNull();
    expect(body.results.map((r) => r.label)).toEqual(['RM-EGG-LIQ / EGG-261001-1', 'RM-EGG-LIQ / EGG-261002-1', 'RM-EGG-LIQ / EGG-261005-1', 'RM-EGG-LIQ / EGG-261008-1']);
  });

  it('finds a lot by the supplier’s lot code, and a whole code typed in full is direct', async () => {
    expect((await get('VM-26-118')).body.results.map((r) => r.label)).toEqual(['FLOUR-T55 / F-0504']);
    expect((await get('F-0504')).body.direct).toBe('urn:lotline:lot:FLOUR-T55:F-0504');
  });

  it('finds the lots of a GTIN typed as 13 digits (its GTIN-14 form is what is stored)', async () => {
    const { body } = await get('0614141100118');
    expect(body.results.length).toBe(20);
    for (const r of body.results) expect(r.label).toMatch(/^00614141100118 \/ /);
  });

  it('finds the pallet and lot of a sales order, in any case, grouped under the order', async () => {
    for (const q of ['SO-2026-701', 'so-2026-70']) {
      const { status, body } = await get(q);
      expect(status, q).toBe(200);
      expect(body.direct, q).toBeNull();
      const byOrder = body.results.filter((r) => r.group === 'Order SO-2026-701');
      expect(byOrder.map((r) => [r.kind, r.label, r.match]), q).toEqual([['unit', 'SSCC 006141419990000019', 'document']]);
      expect(byOrder[0]!.via).toBe('shipped 2026-05-05 to FreshMart DC South');
    }
  });

  it('finds a customer’s shipments by the beginning of its name, newest first', async () => {
    const { body } = await get('FreshMart');
    const groups = new Set(body.results.map((r) => r.group));
    expect([...groups].every((g) => g.startsWith('Customer FreshMart'))).toBe(true);
    expect(body.results.length).toBeGreaterThan(0);
    expect(body.results.every((r) => r.match === 'party' && /^shipped \d{4}-\d{2}-\d{2} to FreshMart/.test(r.via ?? ''))).toBe(true);
    expect(body.results.length).toBeLessThanOrEqual(20);
  });

  it('finds a receipt by its purchase order and the supplier by name', async () => {
    const po = await get('PO-');
    expect(po.body.results.length).toBeGreaterThan(0);
    expect(po.body.results.every((r) => r.match === 'document' && r.group.startsWith('Purchase order PO-') && r.via?.startsWith('received '))).toBe(true);
    expect((await get('no such customer or order')).body.results).toEqual([]);
  });

  it('refuses a barcode with a bad check digit, naming q, and an empty query', async () => {
    const bad = await get('(01)00614141100119(10)BC-0504-A');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('ID_BAD_CHECK_DIGIT');
    expect(bad.body.issues?.[0]?.path).toBe('query.q');
    const empty = await get('  ');
    expect(empty.status).toBe(400);
    expect(empty.body.issues?.[0]?.path).toBe('query.q');
  });
});
