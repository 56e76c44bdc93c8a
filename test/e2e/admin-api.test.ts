/**
 * The API the admin pages need beyond what existed: GET /quality/config (the configuration in
 * force and where it comes from, for any reader) and PUT /stations/:id (change a station in
 * place, admin only; a refusal changes nothing).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadQualityConfig } from '../../src/quality/quality-config.js';
import { GAP_RULE_IDS } from '../../src/quality/rules/index.js';
import type { TestApi } from '../helpers/http.js';
import { testApi } from '../helpers/http.js';

let t: TestApi | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const CONFIG = {
  rules: { disabled: ['mass-balance'] },
  massBalance: { tolerance: 0.05 },
  routings: [{ item: '4012345000016', steps: [{ name: 'metal-detect', location: 'Metal detector', withinHours: 2 }, { name: 'pack', bizStep: 'packing', withinHours: 6 }] }],
  lotFormats: [{ item: 'BISCUIT', pattern: "'L'YYMMDD-SEQ" }],
};

describe('GET /api/v1/quality/config', () => {
  it('shows the defaults, saying no file was given, to any reader; without credentials 401', async () => {
    t = await testApi();
    for (const role of ['auditor', 'operator', 'quality', 'admin'] as const) {
      const res = await t.app.inject({ url: '/api/v1/quality/config', headers: t.keys[role] });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ source: { kind: 'defaults', file: null }, routings: [], lotFormats: [], massBalance: { tolerance: 0.02, absolute: 0 }, rules: { disabled: [] } });
      expect(body.rules.enabled).toEqual(GAP_RULE_IDS);
      expect(body.howToChange).toContain('--quality-config FILE');
    }
    expect((await t.app.inject({ url: '/api/v1/quality/config' })).statusCode).toBe(401);
  });

  it('shows the routings, lot-code formats and tolerances of the file given, with its path', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lotline-qc-')), 'quality.json');
    writeFileSync(file, JSON.stringify(CONFIG));
    t = await testApi({ quality: await loadQualityConfig(file, GAP_RULE_IDS) });
    const res = await t.app.inject({ url: '/api/v1/quality/config', headers: t.keys.auditor });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.source).toEqual({ kind: 'file', file });
    expect(body.howToChange).toContain(`Edit ${file}`);
    expect(body.rules.disabled).toEqual(['mass-balance']);
    expect(body.rules.enabled).not.toContain('mass-balance');
    expect(body.massBalance).toEqual({ tolerance: 0.05, absolute: 0 });
    expect(body.routings).toEqual([
      {
        item: '04012345000016',
        steps: [
          { name: 'metal-detect', bizStep: null, location: expect.stringMatching(/Metal/), withinHours: 2 },
          { name: 'pack', bizStep: 'packing', location: null, withinHours: 6 },
        ],
      },
    ]);
    expect(body.lotFormats).toEqual([{ item: 'BISCUIT', pattern: "'L'YYMMDD-SEQ", parts: expect.any(Array), regex: expect.any(String) }]);
    expect(new RegExp(`^(?:${body.lotFormats[0].regex})$`).test('L260504-17')).toBe(true);
  });
});

describe('PUT /api/v1/stations/:id', () => {
  const put = (api: TestApi, id: string, payload: unknown, role: 'admin' | 'operator' | 'quality' = 'admin') => api.app.inject({ method: 'PUT', url: `/api/v1/stations/${id}`, headers: api.keys[role], payload: payload as Record<string, unknown> });

  it('changes site, line, role and defaults and keeps the creation; refusals name the field and change nothing', async () => {
    t = await testApi();
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/stations', headers: t.keys.admin, payload: { id: 'MIX-1', site: 'Plant 1', line: 'L1', role: 'production' } });
    expect(created.statusCode, created.body).toBe(201);
    const before = await t.stations.getStation('MIX-1');

    const ok = await put(t, 'MIX-1', { site: 'Plant 2', role: 'packing', defaults: { quantity: 12, uom: 'EA' } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ id: 'MIX-1', site: 'Plant 2', line: null, role: 'packing', defaults: { quantity: 12, uom: 'EA' }, createdAt: before!.createdAt, createdBy: before!.createdBy });
    expect(await t.stations.getStation('MIX-1')).toEqual({ ...before, site: 'Plant 2', line: null, role: 'packing', defaults: { quantity: 12, uom: 'EA' } });
    const after = await t.stations.getStation('MIX-1');

    const other = await put(t, 'MIX-1', { id: 'MIX-2', site: 'Plant 3', role: 'packing' });
    expect(other.statusCode).toBe(400);
    expect(other.json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: '$.id' }] });
    const badRole = await put(t, 'MIX-1', { site: 'Plant 3', role: 'baking' });
    expect(badRole.statusCode).toBe(400);
    expect(badRole.json().detail).toMatch(/role/);
    const badGtin = await put(t, 'MIX-1', { site: 'Plant 3', role: 'production', defaults: { outputItem: '09520123456789' } });
    expect(badGtin.statusCode).toBe(400);
    expect(badGtin.json().detail).toMatch(/defaults\.outputItem/);
    expect((await put(t, 'MIX-1', { site: 'Plant 3', role: 'packing' }, 'operator')).statusCode).toBe(403);
    expect((await put(t, 'MIX-1', { site: 'Plant 3', role: 'packing' }, 'quality')).statusCode).toBe(403);
    expect(await t.stations.getStation('MIX-1')).toEqual(after);

    const missing = await put(t, 'NOPE', { site: 'Plant 3', role: 'packing' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('STATION_NOT_FOUND');
    expect(await t.stations.getStation('NOPE')).toBeUndefined();
  });
});
