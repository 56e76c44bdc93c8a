/** `lotline master-data` and `lotline recall`, as a quality manager runs them at 2 a.m.: import the address book, compute the recall, hold the stock, send the notices. */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliJson, ndjsonFile, tempDb } from '../helpers/cli.js';
import { BISCUIT, FRESHMART_GLN, RECALL_PLANT, RECALL_PLANT_MASTER_DATA } from '../recall/recall-plant.js';

async function plant(): Promise<string> {
  const db = tempDb();
  expect((await cli('import', ndjsonFile(db, 'plant.ndjson', RECALL_PLANT as object[]), '--db', db)).code).toBe(0);
  return db;
}

describe('lotline master-data', () => {
  it('imports JSON and CSV, lists with search, keeps history, and refuses a bad file whole with row and column', async () => {
    const db = await plant();
    const json = join(dirname(db), 'md.json');
    writeFileSync(json, JSON.stringify(RECALL_PLANT_MASTER_DATA));
    expect((await cli('master-data', 'import', json, '--db', db)).stdout).toContain('7 record(s) — 7 created, 0 updated, 0 unchanged');
    const csv = join(dirname(db), 'customers.csv');
    writeFileSync(csv, `id,name,roles,contact,phone,email\n${FRESHMART_GLN},FreshMart Stores,customer,Dana Lee,+1 555 0199,recalls@freshmart.example\nHotel Bellevue,Hotel Bellevue,customer,Front desk,,\n`);
    expect((await cli('master-data', 'import', csv, '--kind', 'parties', '--db', db)).stdout).toContain('2 record(s) — 1 created, 1 updated, 0 unchanged');
    expect((await cli('master-data', 'list', 'parties', '--search', 'dana', '--db', db)).stdout).toBe(`gln:${FRESHMART_GLN}  FreshMart Stores  (customer)  Dana Lee, +1 555 0199, recalls@freshmart.example\n`);
    const h = await cliJson<{ versions: { version: number; data: { phone: string | null } }[] }>('master-data', 'history', 'parties', FRESHMART_GLN, '--db', db);
    expect(h.versions.map((v) => [v.version, v.data.phone])).toEqual([
      [1, '+1 555 0100'],
      [2, '+1 555 0199'],
    ]);

    const bad = join(dirname(db), 'bad.csv');
    writeFileSync(bad, 'id,name,roles,email\nA,Alpha,customer,alpha@example.com\nB,,customer,not-an-email\nC,Gamma,boss,\n');
    const r = await cli('master-data', 'import', bad, '--kind', 'parties', '--db', db, '--json');
    expect(r.code).toBe(1);
    const err = JSON.parse(r.stderr) as { error: { code: string; issues: { line: number; path: string; reason: string }[] } };
    expect(err.error.code).toBe('INPUT_INVALID');
    expect(err.error.issues.map((i) => [i.line, i.path])).toEqual([
      [3, '$.name'],
      [3, '$.email'],
      [4, '$.roles[0]'],
    ]);
    expect(err.error.issues[1]!.reason).toContain('e-mail address');
    // nothing of the bad file was stored, not even its good row
    expect((await cli('master-data', 'list', 'parties', '--search', 'alpha', '--db', db)).stdout).toBe('no parties record matches "alpha"\n');
    expect((await cli('master-data', 'list', 'things', '--db', db)).code).toBe(2);
  });
});

describe('lotline recall', () => {
  it('prints the scope, saves it, writes the notification list, and places the holds in one action', async () => {
    const db = await plant();
    const json = join(dirname(db), 'md.json');
    writeFileSync(json, JSON.stringify(RECALL_PLANT_MASTER_DATA));
    await cli('master-data', 'import', json, '--db', db);

    const out = join(dirname(db), 'notify.csv');
    const r = await cli('recall', '--item', 'FLOUR', '--lot', 'F1', '--transit-days', '0', '--out', out, '--db', db);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('5 lot(s) affected; 3 on hand in 3 location(s); 4 shipment(s) to 3 customer(s)');
    expect(r.stdout).toContain('Precision: this recall covers 4000 EA of finished product, against 5500 EA for a recall of the same item(s) over the same dates (72.73%).');
    expect(r.stdout).toMatch(/Hotel Bellevue: no contact on file; /);
    const id = /saved as (RC-[0-9a-f-]+)/.exec(r.stderr)![1]!;
    const csv = readFileSync(out, 'utf8').split('\r\n');
    expect(csv[0]).toBe('Customer,Customer identifier,Contact,Phone,E-mail,Address,Lots (item / lot),Quantity shipped,Exposure (share x quantity),Shipments,First shipped,Last shipped');
    expect(csv[2]).toBe(`Hotel Bellevue,urn:lotline:party:Hotel%20Bellevue,no contact on file,,,,${BISCUIT} / BC-B,1000 EA,500 EA,1,2026-05-06T09:00:00+02:00,2026-05-06T09:00:00+02:00`);

    const list = await cliJson<{ recalls: { id: string; request: unknown }[] }>('recall', 'list', '--db', db);
    expect(list.recalls).toEqual([expect.objectContaining({ id, request: { lots: ['urn:lotline:lot:FLOUR:F1'], transitDays: 0 } })]);
    expect((await cli('recall', 'hold', id, '--db', db)).stderr).toMatch(/needs --reason/);
    const held = await cli('recall', 'hold', id, '--reason', 'flour F1 supplier notice', '--db', db);
    expect(held.stderr).toMatch(new RegExp(`recall ${id}: held 2 lot\\(s\\) at log position \\d+ \\(reference ${id}\\)`));
    expect(await cliJson('lot', 'urn:lotline:lot:FLOUR:F1', '--db', db)).toMatchObject({ status: 'on_hold', hold: { reason: 'flour F1 supplier notice' } });
    // BC-B was on hold already: the recall's hold names F1 and BC-A only, and a second run finds nothing left
    const again = await cli('recall', 'urn:lotline:lot:FLOUR:F1', '--hold', '--reason', 'again', '--db', db, '--quiet');
    expect(again.stderr).toMatch(/nothing on hand to hold/);
    const csvOut = await cli('recall', 'show', id, '--csv', '--db', db);
    expect(csvOut.stdout.split('\r\n')).toHaveLength(5);
  });

  it('says what is wrong with a start, and names a missing recall', async () => {
    const db = await plant();
    expect((await cli('recall', '--db', db)).stderr).toMatch(/needs a start/);
    expect((await cli('recall', '--supplier', 'Nobody', '--db', db)).stderr).toContain('LOT_NOT_FOUND: no lot was received from Nobody');
    expect((await cli('recall', '--supplier', 'Valley Mills', '--from', 'May 4', '--db', db)).stderr).toContain('the from time must be a date');
    expect((await cli('recall', 'show', 'RC-nope', '--db', db)).stderr).toContain('RECALL_NOT_FOUND');
    expect((await cli('recall', 'urn:lotline:lot:FLOUR:F1', '--csv', '--json', '--db', db)).code).toBe(2);
  });
});
