/**
 * Each gap rule on small hand-written plants: a clean bakery gives no finding, and each plant
 * with one kind of gap gives exactly the findings of that gap — on SQLite and on PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/quality/finding.js';
import { parseQualityConfig } from '../../src/quality/quality-config.js';
import type { QualityConfig } from '../../src/quality/quality-config.js';
import { completeness } from '../../src/quality/completeness.js';
import { GAP_RULE_IDS } from '../../src/quality/rules/index.js';
import { runGapRules, runImmediateRules } from '../../src/quality/run-gap-rules.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { freshPgUrl, pgSkipReason } from '../helpers/postgres.js';
import { load } from '../helpers/store.js';
import { BISCUIT, CLEAN, CONFIG_JSON, declaration, NOW, t } from './bakery-fixture.js';

const CONFIG: QualityConfig = parseQualityConfig(CONFIG_JSON, GAP_RULE_IDS);

const summary = (fs: readonly Finding[]): string[] => fs.map((f) => `${f.ruleId} ${f.subject.kind} ${f.subject.ref}`).sort();

const STORES: { name: string; skip?: string; open: () => Promise<EventStore> }[] = [
  { name: 'SQLite', open: async () => openSqliteStore(':memory:') },
  { name: 'PostgreSQL', ...(pgSkipReason() ? { skip: pgSkipReason()! } : {}), open: async () => openPostgresStore(freshPgUrl('gaps')) },
];

for (const s of STORES) {
  const d = s.skip ? describe.skip : describe;
  d(`gap rules on ${s.name}${s.skip ? ` (skipped: ${s.skip})` : ''}`, () => {
    async function findings(extra: readonly Record<string, unknown>[], config = CONFIG): Promise<Finding[]> {
      const store = await s.open();
      try {
        await load(store, [...CLEAN, ...extra]);
        return await runGapRules(store, config, { nowMs: NOW });
      } finally {
        await store.close();
      }
    }

    it('a clean bakery gives no finding', async () => {
      expect(await findings([])).toEqual([]);
    });

    it('completeness reads the same from this store: the clean bakery is whole, a missing receipt breaks its descendants', async () => {
      const store = await s.open();
      try {
        await load(store, [...CLEAN, { cmd: 'produce', time: t('12:00'), inputs: [{ item: 'SALT', lot: 'X1', quantity: 5, uom: 'KGM' }], outputs: [{ item: 'FILLING', lot: 'J1', quantity: 5, uom: 'KGM' }] }]);
        const r = await completeness(store, CONFIG, { nowMs: NOW, period: 'day' });
        expect(r.total).toEqual({ lots: 6, unbrokenLots: 4, chainShare: 0.666667, expectedScans: 2, receivedScans: 2, scanShare: 1 });
        expect(r.periods.map((p) => p.period)).toEqual(['2026-03-01']);
      } finally {
        await store.close();
      }
    });

    it('produced-without-inputs: the output of a batch with no inputs, nothing else', async () => {
      const fs = await findings([{ cmd: 'produce', time: t('12:00'), batch: 'B-77', outputs: [{ item: 'FILLING', lot: 'J1', quantity: 50, uom: 'KGM' }], location: 'Plant 1 / Mixing', line: 'Line 3' }]);
      expect(summary(fs)).toEqual(['produced-without-inputs lot urn:lotline:lot:FILLING:J1']);
      expect(fs[0]).toMatchObject({ severity: 'warning', line: 'Line 3', site: expect.stringContaining('Mixing'), eventIds: [expect.any(String)], detectedAt: new Date(NOW).toISOString() });
      expect(fs[0]!.explanation).toContain('FILLING / J1');
    });

    it('produced-without-inputs waits for the grace period (a continuous run whose inputs are still coming)', async () => {
      const store = await s.open();
      try {
        await load(store, [...CLEAN, { cmd: 'produce', time: t('12:00'), batch: 'B-77', outputs: [{ item: 'FILLING', lot: 'J1', quantity: 50, uom: 'KGM' }] }]);
        expect(await runGapRules(store, CONFIG, { nowMs: Date.parse(t('12:30')), ruleIds: ['produced-without-inputs'] })).toEqual([]);
        expect(summary(await runGapRules(store, CONFIG, { nowMs: Date.parse(t('13:01')), ruleIds: ['produced-without-inputs'] }))).toHaveLength(1);
      } finally {
        await store.close();
      }
    });

    it('input-without-origin: a consumed lot never received or produced', async () => {
      const fs = await findings([
        { cmd: 'produce', time: t('12:00'), inputs: [{ item: 'SALT', lot: 'X1', quantity: 5, uom: 'KGM' }, { item: 'FLOUR', lot: 'F1', quantity: 10, uom: 'KGM' }], outputs: [{ item: 'FILLING', lot: 'J2', quantity: 15, uom: 'KGM' }] },
      ]);
      expect(summary(fs)).toEqual(['input-without-origin lot urn:lotline:lot:SALT:X1']);
    });

    it('shipped-without-origin: a lot shipped directly or on a pallet, never produced or received', async () => {
      const fs = await findings([
        { cmd: 'ship', time: t('12:00'), lots: [{ gtin: BISCUIT, lot: '20260301-B9', quantity: 10, uom: 'EA' }], to: 'Customer Z' },
        { cmd: 'pack', time: t('12:10'), sscc: '006141410000000029', contents: [{ gtin: BISCUIT, lot: '20260301-B8', quantity: 5, uom: 'EA' }] },
        { cmd: 'ship', time: t('12:20'), units: [{ sscc: '006141410000000029' }], to: 'Customer Z' },
      ]);
      expect(summary(fs)).toEqual([`shipped-without-origin lot urn:lotline:lot:${BISCUIT}:20260301-B8`, `shipped-without-origin lot urn:lotline:lot:${BISCUIT}:20260301-B9`]);
      expect(fs.every((f) => f.severity === 'critical')).toBe(true);
    });

    it('class-only-input: a GTIN consumed without its lot', async () => {
      const fs = await findings([
        { cmd: 'produce', time: t('12:00'), inputs: [{ gtin: '04012345000023', quantity: 5, uom: 'EA' }, { item: 'FLOUR', lot: 'F1', quantity: 10, uom: 'KGM' }], outputs: [{ item: 'FILLING', lot: 'J3', quantity: 15, uom: 'KGM' }] },
      ]);
      expect(fs.map((f) => f.ruleId)).toEqual(['class-only-input']);
      expect(fs[0]!.subject.kind).toBe('event');
      expect(fs[0]!.explanation).toContain('04012345000023');
    });

    it('routing-step-missing: a dough never baked, and one baked after its window', async () => {
      const dough = (lot: string, hh: string) => ({
        cmd: 'produce', time: t(hh), inputs: [{ item: 'FLOUR', lot: 'F1', quantity: 100, uom: 'KGM' }], outputs: [{ item: 'DOUGH', lot, quantity: 100, uom: 'KGM' }], step: 'mix',
      });
      const fs = await findings([
        dough('D2', '12:00'),
        dough('D3', '12:00'),
        { cmd: 'move', time: t('17:00'), lots: [{ item: 'DOUGH', lot: 'D3' }], to: 'Plant 1 / Oven', step: 'bake' },
        dough('D4', '12:00'),
        { cmd: 'move', time: t('15:59'), lots: [{ item: 'DOUGH', lot: 'D4' }], to: 'Plant 1 / Oven', step: 'bake' },
      ]);
      expect(summary(fs)).toEqual(['routing-step-missing lot urn:lotline:lot:DOUGH:D2', 'routing-step-missing lot urn:lotline:lot:DOUGH:D3']);
      expect(fs.find((f) => f.subject.ref.endsWith('D3'))!.explanation).toContain('a scan came late');
      expect(new Set(fs.map((f) => f.key)).size).toBe(2);
    });

    it('routing steps whose window is still open are not judged', async () => {
      const store = await s.open();
      try {
        await load(store, [...CLEAN, { cmd: 'produce', time: t('12:00'), inputs: [{ item: 'FLOUR', lot: 'F1', quantity: 100, uom: 'KGM' }], outputs: [{ item: 'DOUGH', lot: 'D2', quantity: 100, uom: 'KGM' }], step: 'mix' }]);
        expect(await runGapRules(store, CONFIG, { nowMs: Date.parse(t('16:30')), ruleIds: ['routing-step-missing'] })).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('mass-balance: more consumed than received, beyond the tolerance only', async () => {
      const fs = await findings([
        { cmd: 'receive', time: t('06:30'), lots: [{ item: 'FLOUR', lot: 'F2', quantity: 100, uom: 'KGM' }], from: 'Mill A' },
        { cmd: 'receive', time: t('06:30'), lots: [{ item: 'FLOUR', lot: 'F3', quantity: 100, uom: 'KGM' }], from: 'Mill A' },
        { cmd: 'produce', time: t('12:00'), inputs: [{ item: 'FLOUR', lot: 'F2', quantity: 150000, uom: 'GRM' }, { item: 'FLOUR', lot: 'F3', quantity: 101, uom: 'KGM' }], outputs: [{ item: 'FILLING', lot: 'J4', quantity: 251, uom: 'KGM' }] },
      ]);
      expect(summary(fs)).toEqual(['mass-balance lot urn:lotline:lot:FLOUR:F2']);
      expect(fs[0]!.explanation).toContain('150 KGM consumed or shipped, but only 100 KGM');
    });

    it('mass-balance counts shipments on pallets', async () => {
      const fs = await findings([{ cmd: 'ship', time: t('12:00'), lots: [{ gtin: BISCUIT, lot: '20260301-B1', quantity: 1500, uom: 'EA' }], to: 'Customer Z' }]);
      expect(summary(fs)).toEqual([`mass-balance lot urn:lotline:lot:${BISCUIT}:20260301-B1`]);
    });

    it('batch-yield: a dough batch that doubled its inputs', async () => {
      const fs = await findings([
        { cmd: 'produce', time: t('12:00'), inputs: [{ item: 'FLOUR', lot: 'F1', quantity: 100, uom: 'KGM' }], outputs: [{ item: 'DOUGH', lot: 'D5', quantity: 200, uom: 'KGM' }], step: 'mix' },
        { cmd: 'move', time: t('13:00'), lots: [{ item: 'DOUGH', lot: 'D5' }], to: 'Plant 1 / Oven', step: 'bake' },
      ]);
      expect(summary(fs)).toEqual(['batch-yield lot urn:lotline:lot:DOUGH:D5']);
      expect(fs[0]!.explanation).toContain('yield of 200 %');
    });

    it('event-before-predecessor: consumed an hour before it was received', async () => {
      const fs = await findings([
        { cmd: 'receive', time: t('13:00'), lots: [{ item: 'FLOUR', lot: 'F4', quantity: 100, uom: 'KGM' }], from: 'Mill A' },
        { cmd: 'produce', time: t('12:00'), inputs: [{ item: 'FLOUR', lot: 'F4', quantity: 10, uom: 'KGM' }], outputs: [{ item: 'FILLING', lot: 'J5', quantity: 10, uom: 'KGM' }] },
      ]);
      expect(summary(fs)).toEqual(['event-before-predecessor lot urn:lotline:lot:FLOUR:F4']);
      expect(fs[0]!.eventIds).toHaveLength(2);
    });

    it('event-time-implausible: an event years in the future, another decades before it was recorded', async () => {
      const fs = await findings([
        { cmd: 'move', time: '2099-03-01T10:00:00+01:00', lots: [{ item: 'FLOUR', lot: 'F1' }], to: 'Plant 1 / Store' },
        { cmd: 'move', time: '1900-03-01T10:00:00+01:00', lots: [{ item: 'SUGAR', lot: 'S1' }], to: 'Plant 1 / Store' },
      ]);
      expect(fs.map((f) => f.ruleId)).toEqual(['event-time-implausible', 'event-time-implausible']);
      expect(fs.map((f) => f.explanation).join('\n')).toMatch(/after Lotline recorded it[\s\S]*days before Lotline recorded it|days before Lotline recorded it[\s\S]*after Lotline recorded it/);
    });

    it("lot-code-format: a code of the wrong form and one naming a day that does not exist", async () => {
      const fs = await findings([
        { cmd: 'produce', time: t('12:00'), inputs: [{ item: 'FLOUR', lot: 'F1', quantity: 10, uom: 'KGM' }], outputs: [{ gtin: BISCUIT, lot: 'B-17', quantity: 10, uom: 'EA' }, { gtin: BISCUIT, lot: '20260231-B2', quantity: 10, uom: 'EA' }] },
      ]);
      expect(summary(fs)).toEqual([`lot-code-format lot urn:lotline:lot:${BISCUIT}:20260231-B2`, `lot-code-format lot urn:lotline:lot:${BISCUIT}:B-17`]);
      expect(fs.map((f) => f.explanation).join(' ')).toContain('a date that does not exist');
    });

    it('duplicate-lot-code: one code for two items, only where the plant forbids it', async () => {
      const extra = [{ cmd: 'produce', time: t('12:00'), inputs: [{ item: 'FLOUR', lot: 'F1', quantity: 10, uom: 'KGM' }], outputs: [{ item: 'FILLING', lot: 'D1', quantity: 10, uom: 'KGM' }] }];
      const fs = await findings(extra);
      expect(summary(fs)).toEqual(['duplicate-lot-code lot urn:lotline:lot:FILLING:D1']);
      expect(await findings(extra, parseQualityConfig({ ...CONFIG_JSON, forbidDuplicateLotCodes: false }, GAP_RULE_IDS))).toEqual([]);
    });

    it('voided events do not count, corrections do', async () => {
      const wrong = { cmd: 'produce', id: 'urn:uuid:6f9a1a2e-0000-4000-8000-000000000001', time: t('12:00'), inputs: [{ item: 'SALT', lot: 'X9', quantity: 5, uom: 'KGM' }], outputs: [{ item: 'FILLING', lot: 'J6', quantity: 5, uom: 'KGM' }] };
      const ghost = { cmd: 'ship', id: 'urn:uuid:6f9a1a2e-0000-4000-8000-000000000002', time: t('12:00'), lots: [{ gtin: BISCUIT, lot: '20260301-B7', quantity: 1, uom: 'EA' }], to: 'Customer Z' };
      const fs = await findings([
        wrong,
        declaration(wrong, t('13:00')),
        { cmd: 'produce', time: t('12:00'), inputs: [{ item: 'FLOUR', lot: 'F1', quantity: 5, uom: 'KGM' }], outputs: [{ item: 'FILLING', lot: 'J6', quantity: 5, uom: 'KGM' }] },
        ghost,
        declaration(ghost, t('13:00')),
      ]);
      expect(fs).toEqual([]);
    });

    it('disabled rules do not run; --rule picks one; an unknown rule is refused', async () => {
      const store = await s.open();
      try {
        await load(store, [...CLEAN, { cmd: 'ship', time: t('12:00'), lots: [{ gtin: BISCUIT, lot: 'GHOST', quantity: 10, uom: 'EA' }], to: 'Customer Z' }]);
        expect((await runGapRules(store, CONFIG, { nowMs: NOW })).map((f) => f.ruleId)).toEqual(['shipped-without-origin', 'lot-code-format']);
        const off = parseQualityConfig({ ...CONFIG_JSON, rules: { disabled: ['lot-code-format'] } }, GAP_RULE_IDS);
        expect((await runGapRules(store, off, { nowMs: NOW })).map((f) => f.ruleId)).toEqual(['shipped-without-origin']);
        expect((await runGapRules(store, CONFIG, { nowMs: NOW, ruleIds: ['lot-code-format'] })).map((f) => f.ruleId)).toEqual(['lot-code-format']);
        expect(await runGapRules(store, CONFIG, { nowMs: NOW, sinceMs: Date.parse(t('12:01')) })).toEqual([]);
        await expect(runGapRules(store, CONFIG, { ruleIds: ['no-such-rule'] })).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining('no-such-rule') });
      } finally {
        await store.close();
      }
    });

    it('immediate rules judge only the events just captured; the same problem has the same key', async () => {
      const store = await s.open();
      try {
        await load(store, [...CLEAN, { cmd: 'produce', time: t('12:00'), inputs: [{ gtin: '04012345000023', quantity: 5, uom: 'EA' }], outputs: [{ gtin: BISCUIT, lot: 'OLD-1', quantity: 5, uom: 'EA' }] }]);
        const before = await store.headSeq();
        await load(store, [
          { cmd: 'produce', time: t('13:00'), inputs: [{ item: 'FLOUR', lot: 'F1', quantity: 10, uom: 'KGM' }], outputs: [{ item: 'FILLING', lot: 'D1', quantity: 10, uom: 'KGM' }, { gtin: BISCUIT, lot: 'NEW-1', quantity: 5, uom: 'EA' }] },
          { cmd: 'move', time: '2099-01-01T00:00:00Z', lots: [{ item: 'FLOUR', lot: 'F1' }], to: 'Plant 1 / Store' },
        ]);
        const seqs = Array.from({ length: (await store.headSeq()) - before }, (_, i) => before + 1 + i);
        const immediate = await runImmediateRules(store, CONFIG, seqs, { nowMs: NOW });
        expect(summary(immediate)).toEqual([
          'duplicate-lot-code lot urn:lotline:lot:FILLING:D1',
          expect.stringMatching(/^event-time-implausible event /),
          `lot-code-format lot urn:lotline:lot:${BISCUIT}:NEW-1`,
        ]);
        // the window run finds the same problems under the same keys (and the older ones too)
        const all = await runGapRules(store, CONFIG, { nowMs: NOW });
        const keys = new Set(all.map((f) => f.key));
        for (const f of immediate) expect(keys.has(f.key)).toBe(true);
        expect(all.some((f) => f.ruleId === 'class-only-input')).toBe(true);
      } finally {
        await store.close();
      }
    });
  });
}

describe('quality configuration', () => {
  it('names the field and the reason of every problem', () => {
    const bad = {
      routings: [{ item: 'DOUGH', steps: [{ name: 'mix', withinHours: 0 }] }],
      lotFormats: [{ item: '04012345000017', pattern: 'YYYYMMDD-PRODUCT' }],
      rules: { disabled: ['nope'] },
      colour: 'red',
    };
    try {
      parseQualityConfig(bad, GAP_RULE_IDS);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'QUALITY_CONFIG_INVALID' });
      const issues = (e as { issues: { path: string; reason: string }[] }).issues;
      expect(issues).toEqual(expect.arrayContaining([{ path: '$', reason: 'unknown field "colour"' }, { path: '$.routings[0].steps[0].withinHours', reason: expect.stringContaining('greater than 0') }]));
    }
    const second = (v: unknown) => {
      try {
        parseQualityConfig(v, GAP_RULE_IDS);
      } catch (e) {
        return (e as { issues: unknown[] }).issues;
      }
      return [];
    };
    expect(second({ lotFormats: [{ item: '04012345000017', pattern: 'YYYYMMDD-PRODUCT' }], rules: { disabled: ['nope'] } })).toEqual([
      { path: '$.rules.disabled[0]', reason: expect.stringContaining('no rule is called "nope"') },
      { path: '$.lotFormats[0].item', reason: expect.stringContaining('check digit') },
      { path: '$.lotFormats[0].pattern', reason: expect.stringContaining('"PRODUCT" is not made of known parts') },
    ]);
    expect(second({ lotFormats: [{ item: 'X', pattern: 'YYYYPRODUCT', parts: { PRODUCT: '[' } }] })).toEqual([{ path: '$.lotFormats[0].parts.PRODUCT', reason: expect.stringContaining('not a valid regular expression') }]);
    expect(second({ yield: [{ item: 'X', min: 1.2, max: 1.1 }] })).toEqual([{ path: '$.yield[0].min', reason: 'must not be above max (1.2 > 1.1)' }]);
  });

  it('compiles lot-code formats with plant-defined parts', () => {
    const c = parseQualityConfig({ lotFormats: [{ item: '4012345000016', pattern: 'YYYYMMDD-PRODUCT-SEQ', parts: { PRODUCT: '[A-Z]{3}' } }] }, GAP_RULE_IDS);
    const f = c.lotFormats.get(BISCUIT)!;
    expect(f.check('20260504-BIS-17')).toBeNull();
    expect(f.check('20260504-BI-17')).toContain('does not have the form');
    expect(f.check('20250229-BIS-1')).toContain('does not exist');
    expect(f.check('20240229-BIS-1')).toBeNull();
  });
});
