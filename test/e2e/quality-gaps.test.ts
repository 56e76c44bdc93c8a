/**
 * The gap rules and completeness as a user meets them: `lotline gaps` and `lotline completeness`
 * on an imported file, GET /api/v1/quality/…, and findings on the live stream of a server that
 * runs the rules after each capture.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultQualityConfig, parseQualityConfig } from '../../src/quality/quality-config.js';
import { GAP_RULE_IDS } from '../../src/quality/rules/index.js';
import { cli, cliJson, ndjsonFile, tempDb } from '../helpers/cli.js';
import { testApi } from '../helpers/http.js';
import { readSse } from '../helpers/sse.js';
import { load } from '../helpers/store.js';
import { BISCUIT, CLEAN, CONFIG_JSON, t } from '../quality/bakery-fixture.js';

type Json = Record<string, unknown>;

/** The bakery with one broken chain (salt never received) and one dough never baked. */
const GAPPY = [
  ...CLEAN,
  { cmd: 'produce', time: t('12:00'), inputs: [{ item: 'SALT', lot: 'X1', quantity: 5, uom: 'KGM' }], outputs: [{ item: 'FILLING', lot: 'J1', quantity: 5, uom: 'KGM' }], line: 'Line 1' },
  { cmd: 'produce', time: t('13:00'), inputs: [{ item: 'FLOUR', lot: 'F1', quantity: 100, uom: 'KGM' }], outputs: [{ item: 'DOUGH', lot: 'D2', quantity: 100, uom: 'KGM' }], step: 'mix', line: 'Line 1' },
];

function setup(): { db: string; config: string } {
  const db = tempDb();
  const config = join(dirname(db), 'quality.json');
  writeFileSync(config, JSON.stringify(CONFIG_JSON));
  return { db, config };
}

describe('lotline gaps and lotline completeness', () => {
  it('lists the findings (dry run), prints them without it, and refuses unknown rules and bad configurations', async () => {
    const { db, config } = setup();
    expect((await cli('import', ndjsonFile(db, 'plant.ndjson', GAPPY), '--db', db)).code).toBe(0);
    const dry = await cliJson<{ dryRun: boolean; findings: Json[] }>('gaps', '--db', db, '--quality-config', config, '--dry-run');
    expect(dry.dryRun).toBe(true);
    expect(dry.findings.map((f) => `${f['ruleId']} ${(f['subject'] as Json)['ref']}`)).toEqual(['input-without-origin urn:lotline:lot:SALT:X1', 'routing-step-missing urn:lotline:lot:DOUGH:D2']);
    const text = await cli('gaps', '--db', db, '--quality-config', config, '--dry-run');
    expect(text.stdout).toContain('WARNING  input-without-origin  lot urn:lotline:lot:SALT:X1');
    expect(text.stdout).toContain('2 finding(s)');
    expect(text.stdout).toContain('dry run: nothing recorded');
    const one = await cli('gaps', '--db', db, '--quality-config', config, '--rule', 'routing-step-missing', '--json');
    expect(one.code).toBe(0);
    expect(one.stdout.trim().split('\n').map((l) => (JSON.parse(l) as Json)['ruleId'])).toEqual(['routing-step-missing']);
    expect((await cli('gaps', '--db', db, '--quality-config', config, '--since', '2026-03-01T12:30:00+01:00', '--json')).stdout.trim().split('\n')).toHaveLength(1);
    // the bakery's events are months older than their recording: implausible only for a strict plant
    expect((await cliJson<{ findings: Json[] }>('gaps', '--db', db, '--dry-run', '--quality-config', config, '--rule', 'event-time-implausible')).findings).toEqual([]);
    const strict = join(dirname(db), 'strict.json');
    writeFileSync(strict, JSON.stringify({ eventTime: { pastDays: 30 } }));
    const old = await cliJson<{ findings: Json[] }>('gaps', '--db', db, '--dry-run', '--quality-config', strict, '--rule', 'event-time-implausible');
    expect(old.findings).toHaveLength(GAPPY.length);

    const unknown = await cli('gaps', '--db', db, '--rule', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no rule is called "nope"');
    const badFile = join(dirname(db), 'bad.json');
    writeFileSync(badFile, JSON.stringify({ routings: [{ item: 'DOUGH', steps: [{ name: 'bake' }] }] }));
    const bad = await cli('gaps', '--db', db, '--quality-config', badFile, '--json');
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stderr)).toMatchObject({ error: { code: 'QUALITY_CONFIG_INVALID', issues: [{ path: '$.routings[0].steps[0].withinHours' }] } });
    const missing = await cli('gaps', '--db', db, '--quality-config', join(dirname(db), 'none.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('FILE_NOT_FOUND');
  });

  it('with --incremental reads the whole plant once, then only what came since, and continues from the watermark', async () => {
    const { db, config } = setup();
    expect((await cli('import', ndjsonFile(db, 'clean.ndjson', CLEAN), '--db', db)).code).toBe(0);
    // a dry run neither records findings nor moves the watermark
    const dry = await cli('gaps', '--db', db, '--quality-config', config, '--incremental', '--dry-run');
    expect(dry.stderr).toContain('the whole plant was read');
    const first = await cli('gaps', '--db', db, '--quality-config', config, '--incremental');
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('the whole plant was read');
    expect(first.stderr).toContain('0 finding(s)');
    expect((await cli('import', ndjsonFile(db, 'gappy.ndjson', GAPPY.slice(CLEAN.length)), '--db', db)).code).toBe(0);
    const second = await cli('gaps', '--db', db, '--quality-config', config, '--incremental', '--json');
    expect(second.stdout.trim().split('\n').map((l) => `${(JSON.parse(l) as Json)['ruleId']} ${((JSON.parse(l) as Json)['subject'] as Json)['ref']}`)).toEqual([
      'input-without-origin urn:lotline:lot:SALT:X1',
      'routing-step-missing urn:lotline:lot:DOUGH:D2',
    ]);
    const third = await cli('gaps', '--db', db, '--quality-config', config, '--incremental');
    expect(third.stderr).toContain('0 event(s) since the last run');
    expect(third.stdout).toBe('');
    expect(await cli('gaps', '--db', db, '--incremental', '--rule', 'mass-balance')).toMatchObject({ code: 2, stderr: expect.stringContaining('does not take --rule or --since') });
  });

  it('measures completeness in total, per item, line and period, and explains one lot', async () => {
    const { db, config } = setup();
    await cli('import', ndjsonFile(db, 'plant.ndjson', GAPPY), '--db', db);
    const r = await cliJson<Json>('completeness', '--db', db, '--quality-config', config);
    // F1, S1, D1, biscuits, D2 unbroken; X1 (never received) and J1 (made from it) broken
    expect(r['total']).toEqual({ lots: 7, unbrokenLots: 5, chainShare: 0.714286, expectedScans: 4, receivedScans: 3, scanShare: 0.75 });
    expect(r['lines']).toEqual([
      { line: 'Line 1', lots: 3, unbrokenLots: 2, chainShare: 0.666667, expectedScans: 4, receivedScans: 3, scanShare: 0.75 },
      { line: 'Line 2', lots: 1, unbrokenLots: 1, chainShare: 1, expectedScans: 0, receivedScans: 0, scanShare: null },
    ]);
    expect((r['items'] as Json[]).find((i) => i['item'] === 'DOUGH')).toMatchObject({ lots: 2, expectedScans: 4, receivedScans: 3 });
    expect(r['periods']).toEqual([{ period: '2026-03', lots: 7, unbrokenLots: 5, chainShare: 0.714286, expectedScans: 4, receivedScans: 3, scanShare: 0.75 }]);
    const lot = await cliJson<{ lot: Json }>('completeness', '--db', db, '--quality-config', config, '--item', 'FILLING', '--lot', 'J1');
    expect(lot.lot).toMatchObject({ unbroken: false, breaks: [{ ref: { item: 'SALT', lot: 'X1' }, reason: 'never received or produced' }], line: 'Line 1' });
    const d2 = await cliJson<{ lot: Json }>('completeness', '--db', db, '--quality-config', config, '--item', 'DOUGH', '--lot', 'D2');
    expect(d2.lot).toMatchObject({ unbroken: true, expectedScans: 2, receivedScans: 1, missingSteps: ['bake'] });
    const filtered = await cliJson<{ total: Json }>('completeness', '--db', db, '--quality-config', config, '--item', 'DOUGH', '--from', '2026-03-01T10:00:00+01:00');
    expect(filtered.total).toMatchObject({ lots: 1, unbrokenLots: 1 });
    expect((await cliJson<{ total: Json }>('completeness', '--db', db, '--gtin', BISCUIT)).total).toMatchObject({ lots: 1 });
    const text = await cli('completeness', '--db', db, '--quality-config', config, '--period', 'week');
    expect(text.stdout).toMatch(/total\s+7\s+5\s+71\.4 %\s+3\/4\s+75\.0 %/);
    expect(text.stdout).toContain('week 2026-W09');
    expect((await cli('completeness', '--db', db, '--period', 'year')).code).toBe(2);
    const unknownLot = await cli('completeness', '--db', db, '--item', 'FILLING', '--lot', 'NOPE');
    expect(unknownLot.code).toBe(1);
    expect(unknownLot.stderr).toContain('LOT_NOT_FOUND');
  });
});

describe('quality over HTTP', () => {
  it('GET /quality/completeness and /quality/gaps answer as the CLI; bad parameters name the field', async () => {
    const api = await testApi({ quality: parseQualityConfig(CONFIG_JSON, GAP_RULE_IDS) });
    try {
      await load(api.store, GAPPY);
      const c = await api.app.inject({ url: '/api/v1/quality/completeness?item=DOUGH', headers: api.keys.auditor });
      expect(c.statusCode).toBe(200);
      expect(c.json().total).toEqual({ lots: 2, unbrokenLots: 2, chainShare: 1, expectedScans: 4, receivedScans: 3, scanShare: 0.75 });
      const lot = await api.app.inject({ url: '/api/v1/quality/completeness?item=FILLING&lot=J1', headers: api.keys.auditor });
      expect(lot.json().lot).toMatchObject({ unbroken: false });
      const gaps = await api.app.inject({ url: '/api/v1/quality/gaps?rule=input-without-origin', headers: api.keys.auditor });
      expect(gaps.statusCode).toBe(200);
      expect(gaps.json().findings.map((f: Json) => f['ruleId'])).toEqual(['input-without-origin']);
      const two = await api.app.inject({ url: '/api/v1/quality/gaps?rule=input-without-origin&rule=routing-step-missing', headers: api.keys.auditor });
      expect(two.json().findings).toHaveLength(2);
      const bad = await api.app.inject({ url: '/api/v1/quality/gaps?rule=nope', headers: api.keys.auditor });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: expect.stringMatching(/^query\.rule/) }] });
      const badPeriod = await api.app.inject({ url: '/api/v1/quality/completeness?period=year', headers: api.keys.auditor });
      expect(badPeriod.json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: 'query.period' }] });
      expect((await api.app.inject({ url: '/api/v1/quality/completeness' })).statusCode).toBe(401);
      const spec = (await api.app.inject({ url: '/api/v1/openapi.json' })).json() as { paths: Record<string, unknown> };
      expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/v1/quality/completeness', '/api/v1/quality/gaps']));
    } finally {
      await api.close();
    }
  });

  it('runs the immediate rules after each capture and publishes new findings on the live stream', async () => {
    const api = await testApi({ quality: { ...defaultQualityConfig(GAP_RULE_IDS), pastMs: 100 * 365 * 86_400_000 } });
    try {
      const base = `${await api.app.listen({ port: 0, host: '127.0.0.1' })}/api/v1`;
      await load(api.store, CLEAN);
      const res = await fetch(`${base}/stream`, { headers: api.keys.auditor });
      const post = (body: unknown) => fetch(`${base}/events`, { method: 'POST', headers: { ...api.keys.operator, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const classOnly = { cmd: 'produce', time: t('14:00'), inputs: [{ gtin: '04012345000023', quantity: 5, uom: 'EA' }], outputs: [{ item: 'FILLING', lot: 'J9', quantity: 5, uom: 'KGM' }] };
      expect((await post(classOnly)).status).toBe(201);
      expect((await post({ cmd: 'move', time: '2099-01-01T00:00:00Z', lots: [{ item: 'FLOUR', lot: 'F1' }], to: 'Store' })).status).toBe(201);
      const findings = await readFindings(res, 2);
      expect(findings.map((f) => f['ruleId'])).toEqual(['class-only-input', 'event-time-implausible']);
      expect(findings[0]).toMatchObject({ severity: 'warning', subject: { kind: 'event' }, eventIds: [expect.any(String)] });
    } finally {
      await api.close();
    }
  });
});

describe('window rules inside the server', () => {
  it('run on their schedule and publish each finding once', async () => {
    const quality = { ...parseQualityConfig(CONFIG_JSON, GAP_RULE_IDS), scheduleMs: 100, graceMs: 0 };
    const api = await testApi({ quality });
    try {
      const base = `${await api.app.listen({ port: 0, host: '127.0.0.1' })}/api/v1`;
      const res = await fetch(`${base}/stream?item=SALT&lot=X1`, { headers: api.keys.auditor });
      // written straight into the store, as another process would: only the schedule sees it
      await load(api.store, GAPPY);
      const found = await readFindings(res, 1);
      expect(found).toEqual([expect.objectContaining({ ruleId: 'input-without-origin', key: 'input-without-origin|urn:lotline:lot:SALT:X1' })]);
      // later runs find it again; the sink does not publish it again
      const again: string[] = [];
      api.app.api.events.on('finding', (f: { key: string }) => again.push(f.key));
      await new Promise((r) => setTimeout(r, 500));
      expect(again).toEqual([]);
    } finally {
      await api.close();
    }
  });
});

/** Reads `event: finding` messages from an SSE response. */
async function readFindings(res: Response, n: number): Promise<Json[]> {
  return (await readSse(res, (m) => m.length >= n, (m) => m.event === 'finding')).map((m) => m.data);
}
