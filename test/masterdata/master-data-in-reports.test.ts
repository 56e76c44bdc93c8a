/** Reports print master data where the plant recorded it, and what the identifier says where not; identifiers match in every form events write. */
import { describe, expect, it } from 'vitest';
import { describePlace } from '../../src/reports/place-description.js';
import { fsma204Report } from '../../src/reports/fsma204/fsma204-report.js';
import { itemKey, masterKey, placeKey } from '../../src/masterdata/master-data-keys.js';
import { loadMasterDataView } from '../../src/masterdata/master-data-view.js';
import { readMasterDataCsv, readMasterDataJson } from '../../src/masterdata/read-master-data.js';
import { SqliteMasterDataStore } from '../../src/masterdata/sqlite/sqlite-master-data-store.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { load } from '../helpers/store.js';
import { BISCUIT, FRESHMART_GLN, RECALL_PLANT, recallPlantMasterData } from '../recall/recall-plant.js';

describe('master-data identifiers', () => {
  it('match a GLN, a GTIN and a name in the forms events write them', () => {
    expect(masterKey('parties', FRESHMART_GLN)).toBe(`gln:${FRESHMART_GLN}`);
    for (const uri of [`https://id.gs1.org/417/${FRESHMART_GLN}`, 'urn:epc:id:pgln:0614141.00002', `https://example.com/417/${FRESHMART_GLN}?x=1`]) expect(placeKey(uri)).toBe(`gln:${FRESHMART_GLN}`);
    expect(placeKey('urn:epc:id:sgln:0614141.00002.0')).toBe(`gln:${FRESHMART_GLN}`);
    expect(placeKey(`https://id.gs1.org/414/${FRESHMART_GLN}/254/7`)).toBe(`gln:${FRESHMART_GLN}.7`);
    expect(masterKey('locations', 'urn:epc:id:sgln:0614141.00002.7')).toBe(`gln:${FRESHMART_GLN}.7`);
    expect(masterKey('parties', 'Hotel Bellevue')).toBe(placeKey('urn:lotline:party:Hotel%20Bellevue'));
    expect(masterKey('parties', 'Acme: Foods')).toBe('name:Acme: Foods');
    expect(itemKey('614141100118')).toBe(BISCUIT);
    expect(itemKey('12345678')).toBe('12345678'); // not a valid GTIN-8: the plant's own code
    expect(() => masterKey('parties', '0614141000020')).toThrow(/check digit/);
    expect(() => masterKey('parties', '12345')).toThrow(/not a 13-digit GLN/);
  });
});

describe('reading master data to import', () => {
  it('names every bad row and field, and refuses duplicates within the file', () => {
    expect(() => readMasterDataJson({ parties: [{ id: 'A', name: 'A', roles: ['customer'] }, { id: 'A', name: 'B', roles: ['customer'] }], colours: [] }, 'f.json')).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID', issues: [{ path: '$.parties[1].id', reason: 'names the same party as $.parties[0] (name:A)' }, { path: '$.colours', reason: 'unknown kind "colours": expected items, parties, locations' }] }),
    );
    expect(() => readMasterDataCsv('id,description,net content quantity,net content uom\nX,Thing,abc,KGM\nY,,1,kilo\n', 'items', 'items.csv')).toThrow(
      expect.objectContaining({
        issues: [
          { path: '$.netContent.quantity', reason: expect.stringContaining('number'), line: 2 },
          { path: '$.description', reason: expect.any(String), line: 3 },
          { path: '$.netContent.uom', reason: 'must be a UN/CEFACT Rec. 20 unit code like KGM, EA or LTR', line: 3 },
        ],
      }),
    );
    expect(() => readMasterDataCsv('', 'items', 'empty.csv')).toThrow(/empty/);
    expect(readMasterDataCsv('ID;Name;Roles\n0614141000012;Northfield Dairy;supplier|carrier\n', 'parties', 'p.csv')).toEqual([
      { kind: 'parties', key: 'gln:0614141000012', data: { id: '0614141000012', name: 'Northfield Dairy', roles: ['supplier', 'carrier'], address: null, contact: null, phone: null, email: null } },
    ]);
  });
});

describe('reports with master data', () => {
  it('describePlace prints the recorded name, and falls back to what the identifier says', async () => {
    const md = new SqliteMasterDataStore(':memory:');
    await md.put(recallPlantMasterData(), 't');
    const view = await loadMasterDataView(md);
    await md.close();
    expect(describePlace(`urn:epc:id:pgln:0614141.00002`, view)).toBe('FreshMart Stores');
    expect(describePlace('urn:lotline:loc:Goods%20in', view)).toBe('Goods-in bay, Plant 1');
    expect(describePlace('urn:lotline:party:Hotel%20Bellevue', view)).toBe('Hotel Bellevue');
    expect(describePlace(`https://id.gs1.org/414/${FRESHMART_GLN}`)).toBe(`GLN ${FRESHMART_GLN}`);
  });

  it('the FSMA 204 spreadsheet takes product descriptions from master data', async () => {
    const store = openSqliteStore(':memory:');
    const md = new SqliteMasterDataStore(':memory:');
    await load(store, RECALL_PLANT);
    await md.put(recallPlantMasterData(), 't');
    const without = await fsma204Report(store, { tlcs: ['BC-A'] });
    const withMd = await fsma204Report(store, { tlcs: ['BC-A'], masterData: await loadMasterDataView(md) });
    const shipping = (r: typeof without) => r.sheets.find((s) => s.sheet.cte === 'shipping')!.rows;
    expect(shipping(without).map((r) => r['productDescription'])).toEqual([null, null]);
    expect(shipping(withMd).map((r) => r['productDescription'])).toEqual(['Butter biscuits 200 g', 'Butter biscuits 200 g']);
    await md.close();
    await store.close();
  });
});

describe('the demo plant’s master data', () => {
  it('is valid, names every supplier and customer the demo ships to but one, and every finished item', async () => {
    const { demoMasterData } = await import('../../src/demo/demo-master-data.js');
    const { generateDemoPlant } = await import('../../src/demo/demo-plant.js');
    const records = readMasterDataJson(demoMasterData(), 'demo');
    const parties = new Set(records.filter((r) => r.kind === 'parties').map((r) => r.key));
    const plant = generateDemoPlant({ days: 14 });
    const named = new Set(plant.commands.flatMap((c) => (c.cmd === 'ship' ? [String(c['to'])] : c.cmd === 'receive' ? [String(c['from'])] : [])));
    const missing = [...named].filter((n) => !parties.has(masterKey('parties', n)));
    expect(missing).toEqual(['SnackBox Vending']);
    const items = new Set(records.filter((r) => r.kind === 'items').map((r) => r.key));
    for (const c of plant.commands.filter((x) => x.cmd === 'produce')) for (const o of c['outputs'] as { gtin?: string; item?: string }[]) expect(items.has(itemKey(o.gtin ?? o.item!))).toBe(true);
  });
});
