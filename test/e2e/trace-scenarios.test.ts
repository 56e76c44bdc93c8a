/**
 * Hand-computed genealogy scenarios, checked through the CLI's JSON output.
 *
 * The bakery fixture (test/fixtures/scenarios/bakery.ndjson):
 *   F1 100 kg (Mill A), F2 300 kg (Mill B), S1 100,000 g (Sugar Co) received
 *   E1  F1 50 kg + F2 150 kg + S1 50,000 g (= 50 kg)  → D1 250 kg      co-mingling, g↔kg
 *   E2  F2 100 kg                                      → D2 100 kg
 *   E3  D1 150 kg                                      → B1 100 EA, B2 150 EA      split
 *   E4  D1 100 kg → C1 40 EA;  E5  D2 100 kg → C1 60 EA                  continuous production
 *   pallet 006141410000000012 ← B1 60 EA + B2 100 EA, shipped to Customer X
 *   C1 30 EA shipped loose to Customer Y
 *   E9  F2 50 kg + B1 10 EA → R1 60 kg                                    rework, mixed units
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TraceResult } from '../../src/genealogy/trace.js';
import type { LotState } from '../../src/genealogy/lot-state.js';
import { cli, cliJson, FIXTURES, ndjsonFile, tempDb, writeNdjson } from '../helpers/cli.js';

const BAKERY = join(FIXTURES, 'scenarios/bakery.ndjson');
const BREAD = '04012345000016';
const CAKE = '04012345000023';
const SSCC = '006141410000000012';

function shares(t: TraceResult): Record<string, [number, number | null]> {
  return Object.fromEntries(t.lots.map((l) => [l.lot ?? l.serial, [l.depth, l.share === null ? null : Number(l.share.toFixed(10))]]));
}

function links(t: TraceResult): string[] {
  return t.links.map((l) => `${'lot' in l.from ? l.from.lot : ''}->${'lot' in l.to ? l.to.lot : ''} ${l.quantity} ${l.uom}`);
}

describe('bakery scenario', () => {
  const db = tempDb();
  beforeAll(async () => {
    const r = await cli('import', BAKERY, '--db', db);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/12 event\(s\) — 12 stored/);
  });

  it('forward from a flour lot: depths, shares, links, pallet shipments, receipt', async () => {
    const t = await cliJson<TraceResult>('trace', 'forward', '--item', 'FLOUR', '--lot', 'F1', '--db', db);
    expect(t.direction).toBe('forward');
    expect(t.root).toEqual({ item: 'FLOUR', lot: 'F1' });
    expect(shares(t)).toEqual({
      F1: [0, 1],
      D1: [1, 0.2], // 50 of 250 kg
      B1: [2, 0.2],
      B2: [2, 0.2],
      C1: [2, 0.08], // (0.2·40 + 0·60) / 100: E5 did not contain F1
      R1: [3, null], // EA and KGM inputs: unknown, never guessed
    });
    expect(t.lots[0]).toEqual({ item: 'FLOUR', lot: 'F1', depth: 0, share: 1 });
    expect(links(t)).toEqual(['B1->R1 10 EA', 'D1->B1 150 KGM', 'D1->B2 150 KGM', 'D1->C1 100 KGM', 'F1->D1 50 KGM']);
    expect(t.shipments.map((s) => [s.item, s.lot, s.quantity, s.uom, s.destination])).toEqual([
      [BREAD, 'B1', 60, 'EA', 'urn:lotline:party:Customer%20X'],
      [BREAD, 'B2', 100, 'EA', 'urn:lotline:party:Customer%20X'],
      [CAKE, 'C1', 30, 'EA', 'urn:lotline:party:Customer%20Y'],
    ]);
    expect(t.shipments[0]!.time).toBe('2026-05-04T15:00:00+02:00');
    expect(t.shipments[0]!.eventId).toBe(t.shipments[1]!.eventId);
    expect(t.receipts).toHaveLength(1);
    expect(t.receipts[0]).toMatchObject({ item: 'FLOUR', lot: 'F1', quantity: 100, uom: 'KGM', source: 'urn:lotline:party:Mill%20A' });
    expect(t.truncated).toBe(false);
    expect(t.cycles).toEqual([]);
  });

  it('forward from the other flour lot: continuous production weighs both runs', async () => {
    const t = await cliJson<TraceResult>('trace', 'forward', '--item', 'FLOUR', '--lot', 'F2', '--db', db);
    expect(shares(t)).toEqual({ F2: [0, 1], D1: [1, 0.6], D2: [1, 1], R1: [1, null], B1: [2, 0.6], B2: [2, 0.6], C1: [2, 0.84] });
  });

  it('backward from a cake lot: every ancestor with the fraction of the cake it makes up', async () => {
    const t = await cliJson<TraceResult>('trace', 'backward', '--gtin', CAKE, '--lot', 'C1', '--db', db);
    expect(shares(t)).toEqual({ C1: [0, 1], D1: [1, 0.4], D2: [1, 0.6], F1: [2, 0.08], F2: [2, 0.84], S1: [2, 0.08] });
    expect(links(t)).toEqual(['D1->C1 100 KGM', 'D2->C1 100 KGM', 'F1->D1 50 KGM', 'F2->D1 150 KGM', 'F2->D2 100 KGM', 'S1->D1 50000 GRM']);
    expect(t.receipts.map((r) => [r.lot, r.source])).toEqual([
      ['F1', 'urn:lotline:party:Mill%20A'],
      ['F2', 'urn:lotline:party:Mill%20B'],
      ['S1', 'urn:lotline:party:Sugar%20Co'],
    ]);
    expect(t.shipments.map((s) => [s.lot, s.quantity])).toEqual([['C1', 30]]);
  });

  it('backward from a bread lot: the split, and the pallet it left on', async () => {
    const t = await cliJson<TraceResult>('trace', 'backward', '--gtin', BREAD, '--lot', 'B2', '--db', db);
    // B2 is one of two outputs of E3, whose only input is D1: all of B2 comes from D1
    expect(shares(t)).toEqual({ B2: [0, 1], D1: [1, 1], F1: [2, 0.2], F2: [2, 0.6], S1: [2, 0.2] });
    expect(t.shipments.map((s) => [s.lot, s.quantity, s.via, s.destination])).toEqual([['B2', 100, SSCC, 'urn:lotline:party:Customer%20X']]);
  });

  it('backward from the rework lot: mixed units make every share unknown, never guessed', async () => {
    const t = await cliJson<TraceResult>('trace', 'backward', '--item', 'REWORK', '--lot', 'R1', '--db', db);
    expect(shares(t)).toEqual({ R1: [0, 1], B1: [1, null], F2: [1, null], D1: [2, null], F1: [3, null], S1: [3, null] });
    expect(links(t)).toContain('B1->R1 10 EA');
    expect(links(t)).toContain('F2->R1 50 KGM');
  });

  it('the same lot in every identifier form gives the same trace', async () => {
    const forms = [
      ['--gtin', CAKE, '--lot', 'C1'],
      ['--gtin', CAKE.slice(1), '--lot', 'C1'],
      ['--item', CAKE, '--lot', 'C1'],
      [`https://id.gs1.org/01/${CAKE}/10/C1`],
      [`https://scan.example.com/some/path/01/${CAKE}/10/C1?exp=261231`],
      ['urn:epc:class:lgtin:4012345.000002.C1'],
      [`(01)${CAKE}(10)C1`],
      [`]d201${CAKE}10C1`],
    ];
    const results = await Promise.all(forms.map((f) => cliJson<TraceResult>('trace', 'backward', ...f, '--db', db)));
    for (const r of results) expect(r).toEqual(results[0]);
  });

  it('a time window and a depth limit cut the trace', async () => {
    const early = await cliJson<TraceResult>('trace', 'forward', '--item', 'FLOUR', '--lot', 'F1', '--to', '2026-05-04T11:00:00+02:00', '--db', db);
    expect(Object.keys(shares(early))).toEqual(['F1', 'D1']);
    expect(early.shipments).toEqual([]);
    const shallow = await cliJson<TraceResult>('trace', 'forward', '--item', 'FLOUR', '--lot', 'F1', '--max-depth', '1', '--db', db);
    expect(shares(shallow)).toEqual({ F1: [0, 1], D1: [1, 0.2] });
    expect(shallow.truncated).toBe(true);
    expect(links(shallow)).toEqual(['F1->D1 50 KGM']);
  });

  it('lot state: on hand after consumption, pallet shipment and rework', async () => {
    const b1 = await cliJson<LotState>('lot', '--gtin', BREAD, '--lot', 'B1', '--db', db);
    expect(b1.status).toBe('released');
    expect(b1.onHand).toEqual({ quantity: 30, uom: 'EA' }); // 100 produced − 60 shipped on the pallet − 10 reworked
    expect(b1.inUnits).toEqual([SSCC]);
    const s1 = await cliJson<LotState>('lot', '--item', 'SUGAR', '--lot', 'S1', '--db', db);
    expect(s1.onHand).toEqual({ quantity: 50000, uom: 'GRM' });
    const f1 = await cliJson<LotState>('lot', '--item', 'FLOUR', '--lot', 'F1', '--db', db);
    expect(f1.supplierLots).toEqual(['MA-778']);
    expect(f1.onHand).toEqual({ quantity: 50, uom: 'KGM' });
    const d2 = await cliJson<LotState>('lot', '--item', 'DOUGH', '--lot', 'D2', '--db', db);
    expect(d2.status).toBe('consumed');
    const pallet = await cliJson<{ contents: unknown[] }>('lot', `(00)${SSCC}`, '--db', db);
    expect(pallet.contents).toEqual([
      { ref: { item: BREAD, lot: 'B1' }, quantity: 60, uom: 'EA' },
      { ref: { item: BREAD, lot: 'B2' }, quantity: 100, uom: 'EA' },
    ]);
  });

  it('an error declaration removes the event from traces, except as known before it', async () => {
    const before = await cliJson<TraceResult>('trace', 'forward', '--item', 'FLOUR', '--lot', 'F2', '--db', db);
    const rework = before.links.find((l) => 'lot' in l.to && l.to.lot === 'R1')!.eventId;
    await new Promise((r) => setTimeout(r, 5));
    const knownAt = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const { openSqliteStore } = await import('../../src/store/sqlite/open-sqlite-store.js');
    const store = openSqliteStore(db);
    const original = (await store.eventById(rework))!.body;
    await store.close();
    const doc = join(dirname(db), 'declare.jsonld');
    writeFileSync(
      doc,
      JSON.stringify({
        '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
        type: 'EPCISDocument',
        schemaVersion: '2.0',
        creationDate: '2026-05-05T09:00:00Z',
        epcisBody: { eventList: [{ ...original, errorDeclaration: { declarationTime: '2026-05-05T09:00:00+02:00', reason: 'incorrect_data' } }] },
      }),
    );
    const imported = await cliJson<{ files: { declared: number }[] }>('import', doc, '--db', db);
    expect(imported.files[0]!.declared).toBe(1);
    const backBefore = await cliJson<TraceResult>('trace', 'backward', '--item', 'REWORK', '--lot', 'R1', '--as-of', knownAt, '--db', db);
    expect(backBefore.lots.map((l) => l.lot)).toEqual(['R1', 'B1', 'F2', 'D1', 'F1', 'S1']);
    const backAfter = await cliJson<TraceResult>('trace', 'backward', '--item', 'REWORK', '--lot', 'R1', '--db', db);
    expect(backAfter.lots.map((l) => l.lot)).toEqual(['R1']);
    expect(backAfter.corrections.map((c) => c.eventId)).toEqual([rework]);
    const after = await cliJson<TraceResult>('trace', 'forward', '--item', 'FLOUR', '--lot', 'F2', '--db', db);
    expect(Object.keys(shares(after))).not.toContain('R1');
    expect(after.corrections).toEqual([{ eventId: rework, declarationTime: '2026-05-05T09:00:00+02:00', reason: 'incorrect_data', correctiveEventIds: [] }]);
    expect((await cli('trace', 'forward', '--item', 'FLOUR', '--lot', 'F2', '--db', db)).stdout).toMatch(/Corrections: 1 event\(s\) declared erroneous/);
    const asOf = await cliJson<TraceResult>('trace', 'forward', '--item', 'FLOUR', '--lot', 'F2', '--as-of', knownAt, '--db', db);
    expect(asOf).toEqual({ ...before, asOfSeq: asOf.asOfSeq });
    // before the lot existed, it was not known
    const tooEarly = await cli('trace', 'forward', '--item', 'FLOUR', '--lot', 'F2', '--as-of', '2000-01-01T00:00:00Z', '--db', db);
    expect(tooEarly.code).toBe(1);
    expect(tooEarly.stderr).toMatch(/LOT_NOT_FOUND: FLOUR \/ F2 was not yet known at 2000-01-01/);
    // the declaration is idempotent too
    expect((await cliJson<{ files: { duplicates: number }[] }>('import', doc, '--db', db)).files[0]!.duplicates).toBe(1);
    expect((await cli('verify', '--db', db)).code).toBe(0);
  });
});

describe('transformationID: events of one transformation', () => {
  it('every input of any event reaches every output of any event, shares over the whole transformation', async () => {
    const db = tempDb();
    const file = ndjsonFile(db, 'run.ndjson', [
        { cmd: 'receive', time: '2026-05-04T06:00:00+02:00', lots: [{ item: 'MILK', lot: 'M1', quantity: 10, uom: 'LTR' }], from: 'Dairy' },
        { cmd: 'receive', time: '2026-05-04T06:00:00+02:00', lots: [{ item: 'MILK', lot: 'M2', quantity: 30000, uom: 'MLT' }], from: 'Dairy' },
        { cmd: 'produce', time: '2026-05-04T07:00:00+02:00', batch: 'SHIFT-1', inputs: [{ item: 'MILK', lot: 'M1', quantity: 10, uom: 'LTR' }] },
        { cmd: 'produce', time: '2026-05-04T09:00:00+02:00', batch: 'SHIFT-1', inputs: [{ item: 'MILK', lot: 'M2', quantity: 30000, uom: 'MLT' }], outputs: [{ item: 'YOGURT', lot: 'Y1', quantity: 40, uom: 'KGM' }] },
    ]);
    expect((await cli('import', file, '--db', db)).code).toBe(0);
    const f = await cliJson<TraceResult>('trace', 'forward', '--item', 'MILK', '--lot', 'M1', '--db', db);
    expect(shares(f)).toEqual({ M1: [0, 1], Y1: [1, 0.25] });
    expect(f.links).toHaveLength(1);
    const b = await cliJson<TraceResult>('trace', 'backward', '--item', 'YOGURT', '--lot', 'Y1', '--db', db);
    expect(shares(b)).toEqual({ Y1: [0, 1], M1: [1, 0.25], M2: [1, 0.75] });
  });
});

describe('cycles and pallets over time', () => {
  it('a lot recorded as its own ancestor is reported, never looped', async () => {
    const db = tempDb();
    const file = join(dirname(db), 'cycle.ndjson');
    const p = (t: string, from: string, to: string) => ({ cmd: 'produce', time: t, inputs: [{ item: 'X', lot: from, quantity: 1, uom: 'KGM' }], outputs: [{ item: 'X', lot: to, quantity: 1, uom: 'KGM' }] });
    writeNdjson(file, [p('2026-05-04T07:00:00Z', 'A', 'B'), p('2026-05-04T08:00:00Z', 'B', 'C'), p('2026-05-04T09:00:00Z', 'C', 'A')]);
    expect((await cli('import', file, '--db', db)).code).toBe(0);
    for (const dir of ['forward', 'backward']) {
      const t = await cliJson<TraceResult>('trace', dir, '--item', 'X', '--lot', 'A', '--db', db);
      expect(t.lots.map((l) => [l.lot, l.depth])).toEqual(dir === 'forward' ? [['A', 0], ['B', 1], ['C', 2]] : [['A', 0], ['C', 1], ['B', 2]]);
      expect(t.cycles).toEqual([[{ item: 'X', lot: 'A' }, { item: 'X', lot: 'B' }, { item: 'X', lot: 'C' }]]);
      expect(t.lots.find((l) => l.lot === 'A')!.share).toBe(1);
    }
    const human = await cli('trace', 'forward', '--item', 'X', '--lot', 'A', '--db', db);
    expect(human.stdout).toMatch(/cycle/);
  });

  it('a pallet ships what it holds at the time of the shipment', async () => {
    const db = tempDb();
    const file = join(dirname(db), 'pallet.ndjson');
    const lot = (l: string, q: number) => ({ item: 'JAM', lot: l, quantity: q, uom: 'EA' });
    writeNdjson(file, [
        { cmd: 'produce', time: '2026-05-04T07:00:00Z', inputs: [{ item: 'FRUIT', lot: 'R', quantity: 20, uom: 'KGM' }], outputs: [lot('J1', 10), lot('J2', 10)] },
        { cmd: 'pack', time: '2026-05-04T08:00:00Z', sscc: '006141410000000029', contents: [lot('J1', 10)] },
        { cmd: 'ship', time: '2026-05-04T09:00:00Z', units: [{ sscc: '006141410000000029' }], to: 'First' },
        { cmd: 'unpack', time: '2026-05-04T10:00:00Z', sscc: '006141410000000029' },
        { cmd: 'pack', time: '2026-05-04T11:00:00Z', sscc: '006141410000000029', contents: [lot('J2', 4)] },
        { cmd: 'ship', time: '2026-05-04T12:00:00Z', units: [{ sscc: '006141410000000029' }], to: 'Second' },
    ]);
    expect((await cli('import', file, '--db', db)).code).toBe(0);
    const t = await cliJson<TraceResult>('trace', 'forward', '--item', 'FRUIT', '--lot', 'R', '--db', db);
    expect(t.shipments.map((s) => [s.lot, s.quantity, s.destination, s.via])).toEqual([
      ['J1', 10, 'urn:lotline:party:First', '006141410000000029'],
      ['J2', 4, 'urn:lotline:party:Second', '006141410000000029'],
    ]);
  });
});

describe('as known at: a late event', () => {
  it('an event recorded late shows in traces from its record time on, at its event time', async () => {
    const db = tempDb();
    expect((await cli('import', BAKERY, '--db', db)).code).toBe(0);
    await new Promise((r) => setTimeout(r, 5));
    const knownAt = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const late = join(dirname(db), 'late.ndjson');
    // a batch from the morning of the 4th, keyed in on a later day
    writeFileSync(late, JSON.stringify({ cmd: 'produce', time: '2026-05-04T09:30:00+02:00', inputs: [{ item: 'FLOUR', lot: 'F1', quantity: 10, uom: 'KGM' }], outputs: [{ item: 'PASTRY', lot: 'Z1', quantity: 10, uom: 'KGM' }] }));
    expect((await cli('import', late, '--db', db)).code).toBe(0);
    const now = await cliJson<TraceResult>('trace', 'forward', '--item', 'FLOUR', '--lot', 'F1', '--db', db);
    expect(now.lots.map((l) => l.lot)).toContain('Z1');
    const then = await cliJson<TraceResult>('trace', 'forward', '--item', 'FLOUR', '--lot', 'F1', '--as-of', knownAt, '--db', db);
    expect(then.lots.map((l) => l.lot)).not.toContain('Z1');
    expect(then.asOfSeq).toBe(12);
    const zThen = await cli('trace', 'backward', '--item', 'PASTRY', '--lot', 'Z1', '--as-of', knownAt, '--db', db);
    expect(zThen.code).toBe(1);
    expect(zThen.stderr).toMatch(/was not yet known at/);
    const zNow = await cliJson<TraceResult>('trace', 'backward', '--item', 'PASTRY', '--lot', 'Z1', '--db', db);
    expect(shares(zNow)).toEqual({ Z1: [0, 1], F1: [1, 1] });
    const lotThen = await cliJson<LotState>('lot', '--item', 'FLOUR', '--lot', 'F1', '--as-of', knownAt, '--db', db);
    const lotNow = await cliJson<LotState>('lot', '--item', 'FLOUR', '--lot', 'F1', '--db', db);
    expect([lotThen.onHand, lotNow.onHand]).toEqual([
      { quantity: 50, uom: 'KGM' },
      { quantity: 40, uom: 'KGM' },
    ]);
  });
});

describe('lot state: holds, releases, destruction', () => {
  it('follows the last hold or release by event time, and destruction', async () => {
    const db = tempDb();
    expect((await cli('import', BAKERY, '--db', db)).code).toBe(0);
    const file = join(dirname(db), 'hold.ndjson');
    const write = (lines: object[]) => writeNdjson(file, lines);
    write([{ cmd: 'hold', time: '2026-05-05T08:00:00+02:00', lots: [{ item: 'FLOUR', lot: 'F2' }], reason: 'supplier notice SN-4' }]);
    expect((await cli('import', file, '--db', db)).code).toBe(0);
    const held = await cliJson<LotState>('lot', '--item', 'FLOUR', '--lot', 'F2', '--db', db);
    expect(held.status).toBe('on_hold');
    expect(held.hold).toMatchObject({ since: '2026-05-05T08:00:00+02:00', reason: 'supplier notice SN-4' });
    expect((await cli('lot', '--item', 'FLOUR', '--lot', 'F2', '--db', db)).stdout).toMatch(/status\s+on hold since 2026-05-05T08:00:00\+02:00 \(supplier notice SN-4\)/);

    write([{ cmd: 'release', time: '2026-05-05T12:00:00+02:00', lots: [{ item: 'FLOUR', lot: 'F2' }], reason: 'retest passed' }]);
    expect((await cli('import', file, '--db', db)).code).toBe(0);
    const released = await cliJson<LotState>('lot', '--item', 'FLOUR', '--lot', 'F2', '--db', db);
    expect([released.status, released.hold]).toEqual(['consumed', null]); // released, and all of it used
    expect(released.onHand).toEqual({ quantity: 0, uom: 'KGM' }); // 300 − 150 − 100 − 50

    write([{ cmd: 'destroy', time: '2026-05-05T13:00:00+02:00', lots: [{ item: 'FLOUR', lot: 'F1', quantity: 50, uom: 'KGM' }], reason: 'mould' }]);
    expect((await cli('import', file, '--db', db)).code).toBe(0);
    const destroyed = await cliJson<LotState>('lot', '--item', 'FLOUR', '--lot', 'F1', '--db', db);
    expect(destroyed.status).toBe('destroyed');
    expect(destroyed.balance).toMatchObject({ received: 100, consumed: 50, scrapped: 50 });
  });
});

describe('a pallet consumed in production', () => {
  it('links what it held to the output, and the lots on it count as consumed', async () => {
    const db = tempDb();
    const file = ndjsonFile(db, 'consume-pallet.ndjson', [
        { cmd: 'receive', time: '2026-05-04T06:00:00Z', lots: [{ item: 'APPLE', lot: 'A1', quantity: 300, uom: 'KGM' }, { item: 'APPLE', lot: 'A2', quantity: 100, uom: 'KGM' }], from: 'Orchard' },
        { cmd: 'pack', time: '2026-05-04T07:00:00Z', sscc: '006141410000000029', contents: [{ item: 'APPLE', lot: 'A1', quantity: 300, uom: 'KGM' }, { item: 'APPLE', lot: 'A2', quantity: 100, uom: 'KGM' }] },
        { cmd: 'produce', time: '2026-05-04T08:00:00Z', inputs: [{ sscc: '006141410000000029' }], outputs: [{ item: 'PUREE', lot: 'P1', quantity: 380, uom: 'KGM' }] },
    ]);
    expect((await cli('import', file, '--db', db)).code).toBe(0);
    const back = await cliJson<TraceResult>('trace', 'backward', '--item', 'PUREE', '--lot', 'P1', '--db', db);
    expect(shares(back)).toEqual({ P1: [0, 1], A1: [1, 0.75], A2: [1, 0.25] });
    expect(links(back)).toEqual(['A1->P1 300 KGM', 'A2->P1 100 KGM']);
    const a1 = await cliJson<LotState>('lot', '--item', 'APPLE', '--lot', 'A1', '--db', db);
    expect([a1.status, a1.onHand]).toEqual(['consumed', { quantity: 0, uom: 'KGM' }]);
  });
});

describe('lot state: EPCIS semantics of holds and counts', () => {
  const obj = (time: string, fields: object) => ({ type: 'ObjectEvent', eventTime: time, eventTimeZoneOffset: '+00:00', action: 'OBSERVE', quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.H1', quantity: 100, uom: 'KGM' }], ...fields });

  it('a persistent hold stays until it is unset; a plain "available" does not lift it', async () => {
    const db = tempDb();
    const file = ndjsonFile(db, 'persistent.ndjson', [
      obj('2026-05-04T06:00:00Z', { bizStep: 'receiving' }),
      obj('2026-05-04T07:00:00Z', { bizStep: 'inspecting', disposition: 'non_sellable_other', persistentDisposition: { set: ['non_sellable_other'] } }),
      obj('2026-05-04T08:00:00Z', { bizStep: 'inspecting', disposition: 'available' }),
    ]);
    expect((await cli('import', file, '--db', db)).code).toBe(0);
    const held = await cliJson<LotState>('lot', 'urn:epc:class:lgtin:4012345.012345.H1', '--db', db);
    expect(held.status).toBe('on_hold');
    const unset = ndjsonFile(db, 'unset.ndjson', [obj('2026-05-04T09:00:00Z', { bizStep: 'inspecting', disposition: 'available', persistentDisposition: { unset: ['non_sellable_other'] } })]);
    expect((await cli('import', unset, '--db', db)).code).toBe(0);
    expect((await cliJson<LotState>('lot', 'urn:epc:class:lgtin:4012345.012345.H1', '--db', db)).status).toBe('released');
  });

  it("a partner's cycle count states the quantity counted: the difference is the adjustment", async () => {
    const db = tempDb();
    const file = ndjsonFile(db, 'count.ndjson', [
      obj('2026-05-04T06:00:00Z', { bizStep: 'receiving' }),
      { cmd: 'produce', time: '2026-05-04T07:00:00Z', inputs: [{ gtin: '04012345123456', lot: 'H1', quantity: 30000, uom: 'GRM' }], outputs: [{ item: 'MIX', lot: 'M', quantity: 30, uom: 'KGM' }] },
      { ...obj('2026-05-04T08:00:00Z', { bizStep: 'cycle_counting' }), quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.H1', quantity: 67.5, uom: 'KGM' }] },
      { cmd: 'adjust', time: '2026-05-04T09:00:00Z', lot: { gtin: '04012345123456', lot: 'H1' }, quantity: -0.5, uom: 'KGM', reason: 'spill' },
    ]);
    expect((await cli('import', file, '--db', db)).code).toBe(0);
    const s = await cliJson<LotState>('lot', 'urn:epc:class:lgtin:4012345.012345.H1', '--db', db);
    // 100 − 30 = 70 before the count; counted 67.5 → adjusted −2.5; then −0.5
    expect(s.balance).toMatchObject({ received: 100, consumed: 30, adjusted: -3 });
    expect(s.onHand).toEqual({ quantity: 67, uom: 'KGM' });
  });

  it('an adjustment without a unit is refused, naming the field', async () => {
    const db = tempDb();
    const file = ndjsonFile(db, 'adjust.ndjson', [{ cmd: 'adjust', time: '2026-05-04T09:00:00Z', lot: { item: 'X', lot: '1' }, quantity: -2, reason: 'spill' }]);
    const r = await cli('import', file, '--db', db);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line 1 at \$\.uom: an adjustment needs a "uom"/);
  });
});

describe('lot state: what happens to a pallet happens to what it holds', () => {
  it('a hold or a move of the pallet applies to the lots on it at that time, not to lots packed later', async () => {
    const db = tempDb();
    const lot = (l: string) => ({ item: 'JAM', lot: l, quantity: 10, uom: 'EA' });
    const file = ndjsonFile(db, 'pallet-hold.ndjson', [
      { cmd: 'produce', time: '2026-05-04T07:00:00Z', inputs: [{ item: 'FRUIT', lot: 'R', quantity: 20, uom: 'KGM' }], outputs: [lot('J1'), lot('J2')] },
      { cmd: 'pack', time: '2026-05-04T08:00:00Z', sscc: '006141410000000012', contents: [lot('J1')], location: 'Packing' },
      { cmd: 'hold', time: '2026-05-04T09:00:00Z', lots: [{ sscc: '006141410000000012' }], reason: 'seal broken' },
      { cmd: 'move', time: '2026-05-04T09:30:00Z', lots: [{ sscc: '006141410000000012' }], to: 'Quarantine cage' },
      { cmd: 'pack', time: '2026-05-04T10:00:00Z', sscc: '006141410000000012', contents: [lot('J2')] },
    ]);
    expect((await cli('import', file, '--db', db)).code).toBe(0);
    const j1 = await cliJson<LotState>('lot', '--item', 'JAM', '--lot', 'J1', '--db', db);
    expect([j1.status, j1.hold?.reason, j1.location]).toEqual(['on_hold', 'seal broken', 'urn:lotline:loc:Quarantine%20cage']);
    const j2 = await cliJson<LotState>('lot', '--item', 'JAM', '--lot', 'J2', '--db', db);
    expect(j2.status).toBe('released'); // packed after the hold and the move
    const release = ndjsonFile(db, 'pallet-release.ndjson', [{ cmd: 'release', time: '2026-05-04T11:00:00Z', lots: [{ sscc: '006141410000000012' }], reason: 'resealed' }]);
    expect((await cli('import', release, '--db', db)).code).toBe(0);
    expect((await cliJson<LotState>('lot', '--item', 'JAM', '--lot', 'J1', '--db', db)).status).toBe('released');
  });
});
