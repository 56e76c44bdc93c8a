/**
 * What the genealogy drawing shows, on the README's six-event plant (answers worked out by hand):
 * the dough D-0504-1 is 75% flour F-0504 and 25% butter ND-7 (300 and 100 of 400 KGM), all of it
 * went into biscuits BC-0504-A (400 KGM), and 960 packs left on one pallet for FreshMart DC South.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNativeValue } from '../../src/capture/native/read-native-line.js';
import type { Issue } from '../../src/domain/errors.js';
import { trace } from '../../src/genealogy/trace.js';
import type { TestApi } from '../helpers/http.js';
import { testApi } from '../helpers/http.js';
import type { TraceResult } from '../../web/src/api.js';
import { buildGraphModel, GROUP_THRESHOLD, groupStatus, openingDepth } from '../../web/src/graph/graph-model.js';
import { layoutGraph } from '../../web/src/graph/layout.js';
import { traceCsv, traceRows } from '../../web/src/trace-csv.js';
import { WALK } from './web-app.js';

describe('the genealogy drawing of the walk-through plant', () => {
  let t: TestApi;
  let backward: TraceResult;
  let forward: TraceResult;
  const dough = { kind: 'lot', item: 'DOUGH', lot: 'D-0504-1' } as const;

  beforeAll(async () => {
    t = await testApi({ accounts: false });
    const session = await t.store.beginCapture();
    await session.append(WALK.map((c) => readNativeValue(c, [] as Issue[])!));
    await session.commit();
    backward = (await trace(t.store, dough, 'backward')) as unknown as TraceResult;
    forward = (await trace(t.store, dough, 'forward')) as unknown as TraceResult;
  });
  afterAll(async () => t.close());

  it('draws ancestors left, descendants right, with shares, quantities, suppliers and the customer', () => {
    const m = buildGraphModel(backward, forward);
    const byLabel = new Map(m.nodes.map((n) => [n.label, n]));
    expect([...byLabel.keys()].sort()).toEqual(['00614141100118 / BC-0504-A', '13012345001011 / ND-7', 'DOUGH / D-0504-1', 'FLOUR-T55 / F-0504', 'FreshMart DC South', 'Northfield Dairy', 'Valley Mills']);
    expect(byLabel.get('DOUGH / D-0504-1')).toMatchObject({ level: 0, root: true });
    expect(byLabel.get('FLOUR-T55 / F-0504')).toMatchObject({ level: -1, share: 0.75, detail: '75% of this lot' });
    expect(byLabel.get('13012345001011 / ND-7')).toMatchObject({ level: -1, share: 0.25, detail: '25% of this lot' });
    expect(byLabel.get('00614141100118 / BC-0504-A')).toMatchObject({ level: 1, share: 1, detail: '100% from this lot' });
    expect(byLabel.get('Valley Mills')).toMatchObject({ kind: 'supplier', level: -2, detail: 'supplier · 1 receipt' });
    expect(byLabel.get('FreshMart DC South')).toMatchObject({ kind: 'customer', level: 2, detail: 'customer · 1 shipment' });
    const id = (label: string) => byLabel.get(label)!.id;
    const edges = new Map(m.edges.map((e) => [`${e.from} → ${e.to}`, e.label]));
    expect(edges).toEqual(
      new Map([
        [`${id('Valley Mills')} → ${id('FLOUR-T55 / F-0504')}`, '1000 KGM'],
        [`${id('Northfield Dairy')} → ${id('13012345001011 / ND-7')}`, '200 KGM'],
        [`${id('FLOUR-T55 / F-0504')} → ${id('DOUGH / D-0504-1')}`, '300 KGM'],
        [`${id('13012345001011 / ND-7')} → ${id('DOUGH / D-0504-1')}`, '100 KGM'],
        [`${id('DOUGH / D-0504-1')} → ${id('00614141100118 / BC-0504-A')}`, '400 KGM'],
        [`${id('00614141100118 / BC-0504-A')} → ${id('FreshMart DC South')}`, '960 EA on 1 unit'],
      ]),
    );
    expect(m).toMatchObject({ levelsBack: 1, levelsForward: 1 });
  });

  it('collapses levels: no descendants, so neither the biscuits nor their customer', () => {
    const m = buildGraphModel(backward, forward, { back: Infinity, forward: 0 });
    expect(m.nodes.map((n) => n.label).sort()).toEqual(['13012345001011 / ND-7', 'DOUGH / D-0504-1', 'FLOUR-T55 / F-0504', 'Northfield Dairy', 'Valley Mills']);
    expect(m.edges).toHaveLength(4);
  });

  it('lays the levels out left to right, one column each', () => {
    const laid = layoutGraph(buildGraphModel(backward, forward));
    const x = (label: string) => laid.nodes.find((n) => n.label === label)!.x;
    expect(x('Valley Mills')).toBeLessThan(x('FLOUR-T55 / F-0504'));
    expect(x('FLOUR-T55 / F-0504')).toBe(x('13012345001011 / ND-7'));
    expect(x('FLOUR-T55 / F-0504')).toBeLessThan(x('DOUGH / D-0504-1'));
    expect(x('DOUGH / D-0504-1')).toBeLessThan(x('00614141100118 / BC-0504-A'));
    expect(x('00614141100118 / BC-0504-A')).toBeLessThan(x('FreshMart DC South'));
    for (const e of laid.edges) expect(e.points.length).toBeGreaterThanOrEqual(2);
    expect(laid.width).toBeGreaterThan(4 * 210);
  });

  it('opens the whole graph when it has at most so many boxes, else as many levels as stay under', async () => {
    const flour = { kind: 'lot', item: 'FLOUR-T55', lot: 'F-0504' } as const;
    const [b, f] = (await Promise.all([trace(t.store, flour, 'backward'), trace(t.store, flour, 'forward')])) as unknown as TraceResult[];
    // supplier, flour, dough, biscuits, customer: two levels forward
    expect(buildGraphModel(b, f).nodes).toHaveLength(5);
    expect(openingDepth(b, f, 5)).toBe(Infinity);
    expect(openingDepth(b, f, 4)).toBe(1);
    expect(buildGraphModel(b, f, { back: 1, forward: 1 }).nodes.map((n) => n.label).sort()).toEqual(['DOUGH / D-0504-1', 'FLOUR-T55 / F-0504', 'Valley Mills']);
    // never fewer than one level, even when that is still too many
    expect(openingDepth(b, f, 1)).toBe(1);
  });

  it('writes the trace as CSV: ancestors, descendants, the shipment and the receipts; no cell starts a formula', () => {
    const csv = traceCsv(traceRows(backward, forward)).split('\r\n');
    expect(csv[0]).toBe('relation,depth,item,lot,serial,share,quantity,uom,party,unit,time,eventId');
    const rows = csv.slice(1, -1).map((l) => l.split(',').slice(0, 10).join(','));
    expect(rows).toEqual([
      'ancestor,1,13012345001011,ND-7,,0.25,,,,',
      'ancestor,1,FLOUR-T55,F-0504,,0.75,,,,',
      'descendant,1,00614141100118,BC-0504-A,,1,,,,',
      'shipment,,00614141100118,BC-0504-A,,,960,EA,FreshMart DC South,006141419990000019',
      'receipt,,FLOUR-T55,F-0504,,,1000,KGM,Valley Mills,',
      'receipt,,13012345001011,ND-7,,,200,KGM,Northfield Dairy,',
    ]);
    expect(traceCsv([{ relation: 'receipt', party: '=HYPERLINK("x")' }])).toContain(`"'=HYPERLINK(""x"")"`);
  });
});

/**
 * A crowded graph: 20 salt lots and 5 sugar lots from two suppliers mixed into batch B-1 (2 KGM of
 * each salt lot, 4 of each sugar), cut into 15 packs of 4 KGM, three of them shipped together.
 */
describe('crowded columns drawn as group boxes', () => {
  let t: TestApi;
  let backward: TraceResult;
  let forward: TraceResult;
  const SALT = Array.from({ length: 20 }, (_, i) => ({ item: 'SALT', lot: `S-${String(i).padStart(2, '0')}` }));
  const SUGAR = Array.from({ length: 5 }, (_, i) => ({ item: 'SUGAR', lot: `G-${i}` }));
  const PACKS = Array.from({ length: 15 }, (_, i) => ({ item: 'PACK', lot: `P-${String(i).padStart(2, '0')}` }));
  const batch = { kind: 'lot', item: 'MIX', lot: 'B-1' } as const;
  const id = (r: { item: string; lot: string }) => `urn:lotline:lot:${r.item}:${r.lot}`;

  beforeAll(async () => {
    t = await testApi({ accounts: false });
    const session = await t.store.beginCapture();
    const cmds = [
      { cmd: 'receive', time: '2026-06-01T06:00:00Z', lots: SALT.map((r) => ({ ...r, quantity: 10, uom: 'KGM' })), from: 'Salt Co', location: 'Goods in' },
      { cmd: 'receive', time: '2026-06-01T06:10:00Z', lots: SUGAR.map((r) => ({ ...r, quantity: 10, uom: 'KGM' })), from: 'Sugar Co', location: 'Goods in' },
      { cmd: 'produce', time: '2026-06-01T08:00:00Z', inputs: [...SALT.map((r) => ({ ...r, quantity: 2, uom: 'KGM' })), ...SUGAR.map((r) => ({ ...r, quantity: 4, uom: 'KGM' }))], outputs: [{ item: 'MIX', lot: 'B-1', quantity: 60, uom: 'KGM' }], location: 'Mixing room' },
      { cmd: 'produce', time: '2026-06-01T09:00:00Z', inputs: [{ item: 'MIX', lot: 'B-1', quantity: 60, uom: 'KGM' }], outputs: PACKS.map((r) => ({ ...r, quantity: 4, uom: 'KGM' })), location: 'Line 1' },
      { cmd: 'ship', time: '2026-06-02T07:00:00Z', lots: PACKS.slice(0, 3).map((r) => ({ ...r, quantity: 4, uom: 'KGM' })), to: 'FreshMart DC South', location: 'Dispatch' },
    ];
    const issues: Issue[] = [];
    await session.append(cmds.map((c) => readNativeValue(c, issues)!));
    expect(issues).toEqual([]);
    await session.commit();
    backward = (await trace(t.store, batch, 'backward')) as unknown as TraceResult;
    forward = (await trace(t.store, batch, 'forward')) as unknown as TraceResult;
  });
  afterAll(async () => t.close());

  const grouped = (expanded: string[] = [], threshold = GROUP_THRESHOLD) => buildGraphModel(backward, forward, { back: Infinity, forward: Infinity, group: { threshold, expanded: new Set(expanded) } });

  it('draws the 20 salt lots and the 15 packs as one box each, the 5 sugar lots as their own boxes', () => {
    expect(buildGraphModel(backward, forward).nodes).toHaveLength(1 + 20 + 5 + 15 + 2 + 1);
    const m = grouped();
    const groups = m.nodes.filter((n) => n.kind === 'group');
    expect(groups.map((g) => [g.label, g.level, g.detail, g.members?.length])).toEqual([
      ['20 lots of SALT', -1, '67% of this lot', 20],
      ['15 lots of PACK', 1, '100% from this lot', 15],
    ]);
    expect(new Set(groups.find((g) => g.level < 0)!.members)).toEqual(new Set(SALT.map(id)));
    expect(m.nodes.filter((n) => n.kind === 'lot').map((n) => n.id).sort()).toEqual([id({ item: 'MIX', lot: 'B-1' }), ...SUGAR.map(id)].sort());
    expect(m.nodes).toHaveLength(1 + 2 + 5 + 3);
    // The group's edges carry the summed quantities; the suppliers keep their receipt counts.
    const salt = groups.find((g) => g.level < 0)!.id;
    const packs = groups.find((g) => g.level > 0)!.id;
    const edges = new Map(m.edges.map((e) => [`${e.from} → ${e.to}`, e.label]));
    expect(edges.get(`${salt} → ${id({ item: 'MIX', lot: 'B-1' })}`)).toBe('40 KGM');
    expect(edges.get(`${id({ item: 'MIX', lot: 'B-1' })} → ${packs}`)).toBe('60 KGM');
    expect(edges.get(`supplier:urn:lotline:party:Salt%20Co → ${salt}`)).toBe('200 KGM');
    expect(edges.get(`${packs} → customer:urn:lotline:party:FreshMart%20DC%20South`)).toBe('12 KGM');
    expect(m.edges).toHaveLength(1 + 5 + 1 + 5 + 1 + 1);
    expect(m.nodes.find((n) => n.kind === 'supplier' && n.label === 'Salt Co')?.detail).toBe('supplier · 20 receipts');
  });

  it('opens one group in place, and groups only past the threshold', () => {
    const salt = grouped().nodes.find((n) => n.label === '20 lots of SALT')!.id;
    const m = grouped([salt]);
    expect(m.nodes.filter((n) => n.kind === 'lot')).toHaveLength(1 + 20 + 5);
    expect(m.nodes.filter((n) => n.kind === 'group').map((n) => n.label)).toEqual(['15 lots of PACK']);
    expect(m.edges.filter((e) => e.from === 'supplier:urn:lotline:party:Salt%20Co').map((e) => e.label)).toEqual(Array(20).fill('10 KGM'));
    // 20 lots at a threshold of 20 stay boxes, past 19 they are a group; the same for 15 packs at 15 and 14.
    expect(grouped([], 20).nodes.filter((n) => n.kind === 'group')).toEqual([]);
    expect(grouped([], 19).nodes.filter((n) => n.kind === 'group').map((n) => n.label)).toEqual(['20 lots of SALT']);
    expect(grouped([], 14).nodes.filter((n) => n.kind === 'group')).toHaveLength(2);
    expect(grouped([], 15).nodes.filter((n) => n.kind === 'group')).toHaveLength(1);
  });

  it('counts the held and recalled lots of a group', () => {
    const members = SALT.map(id);
    expect(groupStatus(members, new Map())).toEqual({ held: 0, recalled: 0, text: '' });
    const st = new Map([
      [members[0]!, 'on_hold'],
      [members[3]!, 'on_hold'],
      [members[4]!, 'recalled'],
      [id(SUGAR[0]!), 'recalled'],
      [members[5]!, 'active'],
    ]);
    expect(groupStatus(members, st)).toEqual({ held: 2, recalled: 1, text: '2 held · 1 recalled' });
  });
});
