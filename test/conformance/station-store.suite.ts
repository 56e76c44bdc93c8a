/** The scan-station conformance suite: the same cases over every StationStore adapter. */
import { afterEach, describe, expect, it } from 'vitest';
import type { StationRecord, StationStore } from '../../src/capture/scan/station-store.js';

export interface StationStoreFactory {
  /** A new, empty station store. */
  create(): Promise<StationStore>;
  /** The same database opened again (a restart). */
  reopen(): Promise<StationStore>;
}

const MIX: StationRecord = { id: 'MIX-1', site: '0614141000012', line: 'L1', role: 'production', defaults: { outputItem: '09520123456788', quantity: 5, uom: 'KGM', items: ['FLOUR'] }, createdAt: '2026-05-04T06:00:00.000Z', createdBy: 'user:ada' };
const SHIP: StationRecord = { id: 'A-SHIP', site: 'Plant 1', line: null, role: 'shipping', defaults: {}, createdAt: '2026-05-04T06:01:00.000Z', createdBy: 'cli:root' };

export function testStationStore(name: string, factory: StationStoreFactory): void {
  const opened: StationStore[] = [];
  const track = (s: StationStore): StationStore => (opened.push(s), s);
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });

  describe(`station store conformance: ${name}`, () => {
    it('adds, lists by id, reads and removes stations; a taken id is STATION_EXISTS', async () => {
      const s = track(await factory.create());
      await s.insertStation(MIX);
      await s.insertStation(SHIP);
      expect(await s.listStations()).toEqual([SHIP, MIX]);
      expect(await s.getStation('MIX-1')).toEqual(MIX);
      expect(await s.getStation('mix-1')).toBeUndefined();
      await expect(s.insertStation({ ...MIX, site: 'other' })).rejects.toMatchObject({ code: 'STATION_EXISTS', message: expect.stringContaining('"MIX-1"') });
      expect(await s.getStation('MIX-1')).toEqual(MIX);
      expect(await s.removeStation('MIX-1')).toBe(true);
      expect(await s.removeStation('MIX-1')).toBe(false);
      expect(await s.listStations()).toEqual([SHIP]);
    });

    it('updates site, line, role and defaults in place, keeping the id, the creation and the sequence state; an unknown id is false', async () => {
      const s = track(await factory.create());
      await s.insertStation(MIX);
      expect(await s.writeState('MIX-1', { items: ['a'] }, 0)).toBe(true);
      const changed: StationRecord = { ...MIX, site: 'Plant 2', line: null, role: 'packing', defaults: { items: ['BISCUIT'] }, createdAt: '2099-01-01T00:00:00.000Z', createdBy: 'user:eve' };
      expect(await s.updateStation(changed)).toBe(true);
      expect(await s.getStation('MIX-1')).toEqual({ ...changed, createdAt: MIX.createdAt, createdBy: MIX.createdBy });
      expect(await s.readState('MIX-1')).toEqual({ version: 1, state: { items: ['a'] } });
      expect(await s.updateStation({ ...SHIP })).toBe(false);
      expect(await s.listStations()).toHaveLength(1);
    });

    it('saves state by compare-and-set on its version, keeps it across a reopen, and drops it with the station', async () => {
      const s = track(await factory.create());
      await s.insertStation(MIX);
      expect(await s.readState('MIX-1')).toBeUndefined();
      expect(await s.writeState('MIX-1', { items: ['a'] }, 0)).toBe(true);
      expect(await s.writeState('MIX-1', { items: ['lost'] }, 0)).toBe(false);
      expect(await s.writeState('MIX-1', { items: ['a', 'b'] }, 1)).toBe(true);
      expect(await s.writeState('MIX-1', { items: ['stale'] }, 1)).toBe(false);
      expect(await s.readState('MIX-1')).toEqual({ version: 2, state: { items: ['a', 'b'] } });
      const again = track(await factory.reopen());
      expect(await again.readState('MIX-1')).toEqual({ version: 2, state: { items: ['a', 'b'] } });
      expect(await again.removeStation('MIX-1')).toBe(true);
      await again.insertStation(MIX);
      expect(await again.readState('MIX-1')).toBeUndefined();
    });

    it('refuses state for a station that does not exist', async () => {
      const s = track(await factory.create());
      await expect(s.writeState('GHOST', {}, 0)).rejects.toThrow();
    });
  });
}
