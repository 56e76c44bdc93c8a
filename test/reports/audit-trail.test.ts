/**
 * The audit trail against the hand-built biscuit plant plus a day of quality work done through
 * the real use cases: a shipment declared erroneous and corrected, a hold, a signed release, an
 * exception acknowledged and resolved, users added and a role changed. Every record's who, what
 * and earlier values are checked, and the period, user and lot filters — on SQLite and PostgreSQL.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, changeUser } from '../../src/identity/identity-service.js';
import type { IdentityStore } from '../../src/identity/identity-store.js';
import { DEFAULT_POLICY } from '../../src/identity/identity-service.js';
import { openIdentityStore, openMasterDataStore, openQualityStore, openStore } from '../../src/main.js';
import { masterKey } from '../../src/masterdata/master-data-keys.js';
import type { RecordInput } from '../../src/masterdata/master-data-store.js';
import { acknowledge, resolve } from '../../src/quality/exceptions.js';
import { holdEvent } from '../../src/quality/holds.js';
import { defaultQualityConfig } from '../../src/quality/quality-config.js';
import type { QualityStore } from '../../src/quality/quality-store.js';
import { signDecision } from '../../src/quality/release.js';
import { GAP_RULE_IDS } from '../../src/quality/rules/index.js';
import { runGapRules } from '../../src/quality/run-gap-rules.js';
import type { AuditRecord, AuditTrail } from '../../src/reports/audit-trail/audit-trail.js';
import { auditTrail } from '../../src/reports/audit-trail/audit-trail.js';
import { auditCsv, auditXlsx } from '../../src/reports/audit-trail/audit-trail-files.js';
import type { CapturedEvent, EventStore } from '../../src/store/event-store.js';
import { tempDb } from '../helpers/cli.js';
import { PASSWORD } from '../helpers/http.js';
import { freshPgUrl, pgSkipReason } from '../helpers/postgres.js';
import { captured } from '../helpers/store.js';
import { biscuitCommands } from './biscuit-plant.js';

const KINDS = [
  { name: 'SQLite', skip: undefined, db: () => tempDb() },
  { name: 'PostgreSQL', skip: pgSkipReason(), db: () => freshPgUrl('at') },
];

const F1 = { kind: 'lot', item: 'FLOUR', lot: 'F-1' } as const;
const CORRECTED = 'urn:uuid:a0d17000-0000-4000-8000-000000000001';
const MARC = { actor: 'user:marc', origin: '10.0.0.7' };
const ANNE = { actor: 'user:anne', origin: '10.0.0.9' };
const ADMIN = { actor: 'cli:root', origin: 'cli@plant-server' };

async function append(store: EventStore, events: CapturedEvent[], context: { actor: string; origin: string }): Promise<void> {
  const s = await store.beginCapture(context);
  try {
    await s.append(events);
    await s.commit();
  } catch (e) {
    await s.rollback();
    throw e;
  }
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 15));

for (const kind of KINDS) {
  describe.skipIf(kind.skip !== undefined)(`audit trail on ${kind.name}${kind.skip ? ` (skipped: ${kind.skip})` : ''}`, () => {
    let store: EventStore;
    let quality: QualityStore;
    let identity: IdentityStore;
    let all: AuditTrail;
    let afterLoad: string;
    let shipmentId: string;
    let holdId: string;
    let exceptionId: number;
    beforeAll(async () => {
      const db = kind.db();
      store = await openStore(db);
      quality = await openQualityStore(db);
      identity = await openIdentityStore(db);
      await addUser(identity, { name: 'anne', role: 'operator', password: PASSWORD, fullName: 'Anne Martin' }, ADMIN);
      await append(store, captured(biscuitCommands()), MARC);
      await tick();
      afterLoad = new Date().toISOString();
      await tick();
      await changeUser(identity, 'anne', { role: 'quality' }, ADMIN);
      // The FreshMart shipment was 1400, not 1500: declared erroneous, with the corrective shipment.
      const [shipment] = await store.eventsBySeq([7]);
      shipmentId = shipment!.eventId;
      const body = (await store.eventBodies([7])).get(7)!;
      await append(
        store,
        captured([
          { cmd: 'ship', id: CORRECTED, time: '2026-03-03T07:00:00+01:00', lots: [{ item: 'BISCUIT', lot: 'BC-1', quantity: 1400, uom: 'EA' }], to: 'FreshMart', order: 'SO-1', location: 'Dispatch' },
          { cmd: 'event', event: { ...body, errorDeclaration: { declarationTime: '2026-03-04T10:00:00+01:00', reason: 'incorrect_data', correctiveEventIDs: [CORRECTED] } } },
        ]),
        ANNE,
      );
      const hold = await holdEvent(store, { lots: [F1], reason: 'Supplier notice: possible glass', reference: 'SN-4', time: '2026-03-05T09:00:00+01:00' });
      holdId = hold.event.eventId;
      await append(store, [hold.event], ANNE);
      const decision = await signDecision(
        { store, identity, quality, policy: DEFAULT_POLICY, signaturesRequired: 1 },
        { kind: 'user', name: 'anne', role: 'quality', actor: 'user:anne' },
        '10.0.0.9',
        { lots: [F1], decision: 'release', meaning: 'released after retest', password: PASSWORD },
      );
      if (decision.status !== 'complete') throw new Error('the release should be complete');
      await append(store, [decision.event], ANNE);
      const [opened] = await quality.report(await runGapRules(store, defaultQualityConfig(GAP_RULE_IDS), { ruleIds: ['class-only-input'] }), () => null, 'lotline');
      exceptionId = opened!.id;
      await acknowledge(quality, exceptionId, { owner: 'anne' }, 'user:anne');
      await resolve(quality, exceptionId, 'the dressing lot was DR-9, recorded', 'user:anne');
      all = await auditTrail({ store, quality, identity });
    });
    afterAll(async () => {
      await identity?.close();
      await quality?.close();
      await store?.close();
    });

    const line = (r: AuditRecord) => `${r.kind} ${r.action} by ${r.actor ?? '?'}`;

    it('lists every record once, oldest first, with who and from where', () => {
      expect(all.records.map(line)).toEqual([
        'identity user.add by cli:root',
        'event receiving by user:marc',
        'event receiving by user:marc',
        'event creating_class_instance by user:marc',
        'event creating_class_instance by user:marc',
        'event destroying by user:marc',
        'event adjusting by user:marc',
        'event shipping by user:marc',
        'event packing by user:marc',
        'event shipping by user:marc',
        'event creating_class_instance by user:marc',
        'identity user.change by cli:root',
        'event shipping by user:anne',
        'correction error declaration by user:anne',
        'hold holding by user:anne',
        'identity signature.reauthenticated by user:anne',
        'signature e-signature by user:anne',
        'release release by user:anne',
        'exception opened by lotline',
        'exception acknowledged by user:anne',
        'exception resolved by user:anne',
      ]);
      const times = all.records.map((r) => Date.parse(r.time));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      expect(all.records[1]).toMatchObject({ origin: '10.0.0.7', logPosition: 1, subject: 'FLOUR / F-1', reference: expect.stringMatching(/^ni:/) });
      expect(all.records[1]!.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(all.records[1]!.details).toBe('receiving (ObjectEvent OBSERVE) at 2026-03-02T06:00:00+01:00; lots: FLOUR / F-1 1000 KGM; at Goods in; disposition in_progress; from Valley Mills; to Goods in; po PO-11');
      expect(all.records[6]!.details).toContain('lots: FLOUR / F-1 10 KGM; at Goods in; change -10; reason: Silo level check');
    });

    it('shows the earlier values of a corrected event, and marks the event superseded', () => {
      const decl = all.records.find((r) => r.kind === 'correction')!;
      expect(decl).toMatchObject({ actor: 'user:anne', origin: '10.0.0.9', subject: 'BISCUIT / BC-1', reference: shipmentId });
      expect(decl.earlier).toBe('shipping (ObjectEvent OBSERVE) at 2026-03-03T07:00:00+01:00; lots: BISCUIT / BC-1 1500 EA; at Dispatch; disposition in_transit; from Dispatch; to FreshMart; po SO-1');
      expect(decl.details).toMatch(new RegExp(`^event ${shipmentId.replace(/[?.*+^$()[\]{}|\\]/g, '\\$&')} declared erroneous at 2026-03-04T10:00:00\\+01:00, reason: incorrect_data; corrected by ${CORRECTED}: shipping .*lots: BISCUIT / BC-1 1400 EA`));
      const original = all.records.find((r) => r.reference === shipmentId && r.kind === 'event')!;
      expect(original.supersededBy).toBe(`declared erroneous, recorded ${decl.time} (log position ${decl.logPosition})`);
    });

    it('shows the hold, and the release with its e-signature: printed name, meaning, time with zone', () => {
      const hold = all.records.find((r) => r.kind === 'hold')!;
      expect(hold).toMatchObject({ reference: holdId, subject: 'FLOUR / F-1' });
      expect(hold.details).toContain('reason: Supplier notice: possible glass');
      const sig = all.records.find((r) => r.kind === 'signature')!;
      expect(sig.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+00:00$/);
      expect(sig.details).toMatch(/^signed by Anne Martin \(anne\), meaning: released after retest, at .*\+00:00; identified by password; binding hash [0-9a-f]{64}$/);
      expect(sig.subject).toBe('FLOUR / F-1');
    });

    it('shows each state change of an exception with the state and owner it replaced', () => {
      const x = all.records.filter((r) => r.kind === 'exception');
      expect(x.map((r) => [r.action, r.earlier])).toEqual([
        ['opened', null],
        ['acknowledged', 'state: open; owner: (none)'],
        ['resolved', 'state: acknowledged'],
      ]);
      expect(x[0]!.details).toMatch(/^class-only-input \(warning\): The production at 2026-03-02T08:00:00\+01:00 consumed item 00614141000012 without a lot/);
      expect(x[2]!.details).toBe('note: the dressing lot was DR-9, recorded');
      expect(x[0]!.reference).toBe(`exception ${exceptionId}`);
    });

    it('lists master-data changes with the values they replaced', async () => {
      const masterData = await openMasterDataStore(kind.db());
      try {
        const party = (phone: string | null) => ({ kind: 'parties', key: masterKey('parties', 'FreshMart'), data: { id: 'FreshMart', name: 'FreshMart', roles: ['customer'], address: null, contact: 'Dana Ruiz', phone, email: null } }) as RecordInput;
        await masterData.put([party(null)], 'user:marc');
        await masterData.put([party('+1 555 0199')], 'user:anne');
        const md = (await auditTrail({ store, quality, identity, masterData })).records.filter((r) => r.kind === 'master-data');
        expect(md.map((r) => [r.action, r.actor, r.details, r.earlier])).toEqual([
          ['parties.add', 'user:marc', 'contact: Dana Ruiz; id: FreshMart; name: FreshMart; roles: ["customer"]', null],
          ['parties.change', 'user:anne', 'phone: +1 555 0199', 'phone: (none)'],
        ]);
        expect((await auditTrail({ store, quality, identity, masterData }, { user: 'anne' })).records.filter((r) => r.kind === 'master-data')).toHaveLength(1);
      } finally {
        await masterData.close();
      }
    });

    it('shows a role change with the role it replaced', () => {
      const change = all.records.find((r) => r.action === 'user.change')!;
      expect(change).toMatchObject({ subject: 'user:anne', details: 'role: quality', earlier: 'role: operator', origin: 'cli@plant-server' });
    });

    it('filters by user: only what anne did', async () => {
      const t = await auditTrail({ store, quality, identity }, { user: 'anne' });
      expect(t.records.map(line)).toEqual([
        'event shipping by user:anne',
        'correction error declaration by user:anne',
        'hold holding by user:anne',
        'identity signature.reauthenticated by user:anne',
        'signature e-signature by user:anne',
        'release release by user:anne',
        'exception acknowledged by user:anne',
        'exception resolved by user:anne',
      ]);
      expect((await auditTrail({ store, quality, identity }, { user: 'key:anne' })).records).toEqual([]);
      expect(t.filter).toEqual({ from: null, to: null, user: 'anne', lot: null });
    });

    it('filters by period: nothing recorded before it', async () => {
      const t = await auditTrail({ store, quality, identity }, { from: afterLoad });
      expect(t.records[0]!.action).toBe('user.change');
      expect(t.records).toHaveLength(all.records.length - 11);
      const before = await auditTrail({ store, quality, identity }, { to: afterLoad });
      expect(before.records).toHaveLength(11);
      // the period reads only its part of the log, yet a correction made later still shows, and
      // a correction in the period still shows the values it superseded, recorded before it
      expect(before.records.find((r) => r.reference === shipmentId)!.supersededBy).toMatch(/^declared erroneous, recorded /);
      expect(t.records.find((r) => r.kind === 'correction')!.earlier).toContain('lots: BISCUIT / BC-1 1500 EA');
      expect(t.records.find((r) => r.kind === 'correction')!.details).toContain(`corrected by ${CORRECTED}: shipping`);
    });

    it('filters by lot: its events, hold, release and signature, and the exception its batch raised', async () => {
      const t = await auditTrail({ store, quality, identity }, { lot: F1 });
      expect(t.records.map((r) => `${r.kind} ${r.action}`)).toEqual([
        'event receiving',
        'event creating_class_instance',
        'event destroying',
        'event adjusting',
        'hold holding',
        'signature e-signature',
        'release release',
        'exception opened',
        'exception acknowledged',
        'exception resolved',
      ]);
      expect(t.filter.lot).toBe('FLOUR / F-1');
      const biscuits = await auditTrail({ store, quality, identity }, { lot: { kind: 'lot', item: 'BISCUIT', lot: 'BC-1' } });
      expect(biscuits.records.filter((r) => r.kind === 'correction')).toHaveLength(1);
    });

    it('refuses an unknown lot and an empty period, saying why', async () => {
      await expect(auditTrail({ store, quality, identity }, { lot: { kind: 'lot', item: 'FLOUR', lot: 'NOPE' } })).rejects.toMatchObject({ code: 'LOT_NOT_FOUND', message: expect.stringContaining('FLOUR / NOPE') });
      await expect(auditTrail({ store, quality, identity }, { from: '2026-05-02', to: '2026-05-01' })).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining('period is empty') });
      await expect(auditTrail({ store, quality, identity }, { from: 'yesterday' })).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining('from') });
    });

    it('writes CSV and an XLSX that opens, with one header row, a filter, and sorts', async () => {
      const csv = auditCsv(all).split('\r\n');
      expect(csv[0]).toBe('Time (recorded),Record,Action,Who,From,About,What,Earlier values (superseded),Superseded by,Reference,Log position,Log hash');
      expect(csv).toHaveLength(all.records.length + 2);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await auditXlsx(all)) as unknown as ArrayBuffer);
      const ws = wb.getWorksheet('Audit trail')!;
      expect(ws.rowCount).toBe(all.records.length + 1);
      expect(ws.getRow(1).getCell(4).value).toBe('Who');
      expect(ws.autoFilter).toBeDefined();
      expect(ws.getRow(2).getCell(11).value).toBeNull(); // an identity record has no log position
      expect(ws.getRow(3).getCell(11).value).toBe(1);
      // sorting by "Who" as a spreadsheet would: every row keeps its cells together
      const rows = [];
      for (let i = 2; i <= ws.rowCount; i++) rows.push({ who: String(ws.getRow(i).getCell(4).value), ref: String(ws.getRow(i).getCell(10).value) });
      const sorted = [...rows].sort((a, b) => a.who.localeCompare(b.who));
      expect(sorted[0]!.who).toBe('cli:root');
      expect(new Set(sorted.map((r) => `${r.who}|${r.ref}`)).size).toBe(new Set(rows.map((r) => `${r.who}|${r.ref}`)).size);
    });
  });
}
