/**
 * The master-data store conformance suite: upserts with their version history (earlier values
 * kept, with who and when), unchanged puts that add no version, atomic puts, search, and the saved
 * recalls with their actions, over every adapter.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MasterDataStore, RecordInput } from '../../src/masterdata/master-data-store.js';
import { masterKey } from '../../src/masterdata/master-data-keys.js';
import type { RecallStore } from '../../src/reports/recall/recall-store.js';

export interface MasterDataStoreFactory {
  /** A new, empty store. */
  create(): Promise<MasterDataStore & RecallStore>;
}

const party = (id: string, name: string, extra: Record<string, unknown> = {}): RecordInput =>
  ({ kind: 'parties', key: masterKey('parties', id), data: { id, name, roles: ['customer'], address: null, contact: null, phone: null, email: null, ...extra } }) as RecordInput;
const item = (id: string, description: string): RecordInput => ({ kind: 'items', key: masterKey('items', id), data: { id, description, unit: 'EA', netContent: null, lotCodeFormat: null } }) as RecordInput;

export function testMasterDataStore(name: string, factory: MasterDataStoreFactory): void {
  const opened: (MasterDataStore & RecallStore)[] = [];
  const fresh = async (): Promise<MasterDataStore & RecallStore> => {
    const s = await factory.create();
    opened.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });

  describe(`master-data store conformance: ${name}`, () => {
    it('lists every version of every record in the order written (what the audit trail reads)', async () => {
      const s = await fresh();
      await s.put([party('0614141000005', 'FreshMart')], 'user:anna');
      await s.put([item('614141100118', 'Butter biscuits 200 g')], 'user:anna');
      await s.put([party('0614141000005', 'FreshMart', { phone: '+1 555 0199' })], 'user:ben');
      expect((await s.allVersions()).map((v) => [v.kind, v.version, v.changedBy])).toEqual([
        ['parties', 1, 'user:anna'],
        ['items', 1, 'user:anna'],
        ['parties', 2, 'user:ben'],
      ]);
    });

    it('creates, updates and keeps every earlier version with who and when; an unchanged put adds none', async () => {
      const s = await fresh();
      expect(await s.put([party('0614141000005', 'FreshMart', { phone: '+1 555 0100' }), item('614141100118', 'Butter biscuits 200 g')], 'user:anna')).toEqual({ created: 2, updated: 0, unchanged: 0 });
      expect(await s.put([party('0614141000005', 'FreshMart', { phone: '+1 555 0199' }), item('614141100118', 'Butter biscuits 200 g')], 'user:ben')).toEqual({ created: 0, updated: 1, unchanged: 1 });
      const got = await s.get('parties', 'gln:0614141000005');
      expect(got).toMatchObject({ kind: 'parties', key: 'gln:0614141000005', version: 2, updatedBy: 'user:ben', data: { name: 'FreshMart', phone: '+1 555 0199' } });
      const h = await s.history('parties', 'gln:0614141000005');
      expect(h.map((v) => [v.version, v.changedBy, (v.data as { phone: string }).phone])).toEqual([
        [1, 'user:anna', '+1 555 0100'],
        [2, 'user:ben', '+1 555 0199'],
      ]);
      expect(Date.parse(h[0]!.changedAt)).toBeLessThanOrEqual(Date.parse(h[1]!.changedAt));
      // the GTIN-12 is stored under its GTIN-14, the key lots use
      expect(await s.get('items', '00614141100118')).toMatchObject({ version: 1, data: { description: 'Butter biscuits 200 g' } });
      expect(await s.history('items', 'nothing')).toEqual([]);
      expect(await s.get('locations', 'gln:0614141000005')).toBeUndefined();
    });

    it('lists by key, searches every word case-insensitively, pages, and takes % and _ literally', async () => {
      const s = await fresh();
      await s.put([party('Zeta Foods', 'Zeta Foods', { email: 'recall@zeta.example' }), party('Alpha_Mart', 'Alpha Mart', { contact: 'Jo Smith' }), party('Beta 100%', 'Beta Market')], 't');
      expect((await s.list('parties')).map((r) => r.key)).toEqual(['name:Alpha_Mart', 'name:Beta 100%', 'name:Zeta Foods']);
      expect((await s.list('parties', { search: 'ZETA recall' })).map((r) => r.key)).toEqual(['name:Zeta Foods']);
      expect((await s.list('parties', { search: 'jo smith' })).map((r) => r.key)).toEqual(['name:Alpha_Mart']);
      expect((await s.list('parties', { search: '100%' })).map((r) => r.key)).toEqual(['name:Beta 100%']);
      expect((await s.list('parties', { search: 'a_m' })).map((r) => r.key)).toEqual(['name:Alpha_Mart']);
      expect((await s.list('parties', { limit: 1, offset: 1 })).map((r) => r.key)).toEqual(['name:Beta 100%']);
      expect(await s.list('items')).toEqual([]);
    });

    it('stores a put all or nothing', async () => {
      const s = await fresh();
      const bad = { kind: 'parties', key: 'name:X', data: undefined } as unknown as RecordInput;
      await expect(s.put([party('A', 'A'), bad], 't')).rejects.toThrow();
      expect(await s.list('parties')).toEqual([]);
      expect(await s.history('parties', 'name:A')).toEqual([]);
    });

    it('saves recalls as computed, lists them newest first, and appends actions', async () => {
      const s = await fresh();
      const base = { computedBy: 'user:qa', asOfSeq: 42, request: { lots: ['urn:lotline:lot:RAW:1'] }, summary: { lots: 3 } };
      await s.saveRecall({ ...base, id: 'RC-1', computedAt: '2026-05-04T10:00:00.000Z', scope: { lots: [{ item: 'RAW', lot: '1' }] } });
      await s.saveRecall({ ...base, id: 'RC-2', computedAt: '2026-05-05T10:00:00.000Z', scope: { lots: [] } });
      await expect(s.saveRecall({ ...base, id: 'RC-1', computedAt: '2026-05-06T10:00:00.000Z', scope: {} })).rejects.toThrow();
      expect(await s.getRecall('RC-1')).toEqual({ ...base, id: 'RC-1', computedAt: '2026-05-04T10:00:00.000Z', scope: { lots: [{ item: 'RAW', lot: '1' }] } });
      expect(await s.getRecall('RC-9')).toBeUndefined();
      expect((await s.listRecalls({ limit: 10 })).map((r) => r.id)).toEqual(['RC-2', 'RC-1']);
      expect(await s.listRecalls({ limit: 1 })).toEqual([{ ...base, id: 'RC-2', computedAt: '2026-05-05T10:00:00.000Z' }]);
      const a = await s.recordRecallAction({ recallId: 'RC-1', time: '2026-05-04T11:00:00.000Z', actor: 'user:qa', action: 'holds-placed', details: { eventId: 'e1', lots: 2 } });
      expect(a).toMatchObject({ recallId: 'RC-1', action: 'holds-placed', details: { eventId: 'e1', lots: 2 } });
      expect(await s.recallActions('RC-1')).toEqual([a]);
      expect(await s.recallActions('RC-2')).toEqual([]);
      await expect(s.recordRecallAction({ recallId: 'RC-404', time: 't', actor: 'a', action: 'x', details: {} })).rejects.toThrow();
    });
  });
}
