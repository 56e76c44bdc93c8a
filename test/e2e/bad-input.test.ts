/**
 * Every input that can be wrong gets a clear error, the right exit code, and leaves the
 * database exactly as it was.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { cli, FIXTURES, ndjsonFile, tempDb, writeNdjson } from '../helpers/cli.js';
import { snapshot } from '../helpers/snapshot.js';

const BAKERY = join(FIXTURES, 'scenarios/bakery.ndjson');
const JUICE = join(FIXTURES, 'epcis/juice-plant.jsonld');
const ROOT = new URL('../../', import.meta.url).pathname;

function juiceWith(mutate: (events: Record<string, unknown>[]) => void): string {
  const doc = JSON.parse(readFileSync(JUICE, 'utf8')) as { epcisBody: { eventList: Record<string, unknown>[] } };
  mutate(doc.epcisBody.eventList);
  return JSON.stringify(doc);
}

describe('bad input leaves the database as it was', () => {
  let db: string;
  let dir: string;
  let before: string;
  beforeEach(async () => {
    db = tempDb();
    dir = dirname(db);
    expect((await cli('import', BAKERY, '--db', db)).code).toBe(0);
    before = snapshot(db);
  });

  const cases: [string, () => string, RegExp][] = [
    ['a bad GTIN check digit', () => juiceWith((e) => ((e[1]!['quantityList'] as { epcClass: string }[])[0]!.epcClass = 'https://id.gs1.org/01/04012345999922/10/SUGAR-3')), /EPCIS_INVALID_FIELD.*event 1 at \$\.epcisBody\.eventList\[1\]\.quantityList\[0\]\.epcClass: .*check digit/],
    ['an unknown identifier form', () => juiceWith((e) => ((e[5]!['epcList'] as string[])[0] = 'pallet-17')), /eventList\[5\]\.epcList\[0\]/],
    ['a quantity that is not a number', () => juiceWith((e) => ((e[0]!['quantityList'] as { quantity: unknown }[])[0]!.quantity = 'twelve')), /quantityList\[0\]\.quantity: quantity must be a number/],
    ['a missing required field', () => juiceWith((e) => delete e[3]!['eventTimeZoneOffset']), /eventList\[3\]\.eventTimeZoneOffset: eventTimeZoneOffset is required/],
    ['an event time without offset', () => juiceWith((e) => (e[2]!['eventTime'] = '2026-06-01T09:00:00')), /eventList\[2\]\.eventTime: .*time-zone offset/],
    ['a document that is not EPCIS', () => JSON.stringify({ type: 'Invoice', lines: [] }), /EPCIS_NOT_A_DOCUMENT.*"type" must be "EPCISDocument"/],
    ['broken JSON', () => '{"type": "EPCISDocument",\n  "epcisBody": {"eventList": [}', /INPUT_NOT_JSON.*at line 2, column 31/],
    ['something that is not JSON at all', () => 'receipt,FLOUR,F9,100\n', /INPUT_NOT_JSON.*not JSON/],
    ['an empty file', () => '', /INPUT_NOT_JSON.*empty/],
    ['a bad NDJSON line among good ones', () => `${readFileSync(BAKERY, 'utf8')}\n{"cmd":"receive","time":"2026-05-05T08:00:00+02:00","lots":[{"item":"X","lot":"1","quantity":"10"}],"from":"A"}\n`, /NATIVE_INVALID_FIELD.*line 14 at \$\.lots\[0\]\.quantity/],
    ['an NDJSON command with a typo', () => '{"cmd":"recieve","time":"2026-05-05T08:00:00+02:00"}\n', /"cmd" must be one of receive, produce/],
    ['an NDJSON field that does not exist', () => '{"cmd":"hold","time":"2026-05-05T08:00:00+02:00","lots":[{"item":"FLOUR","lot":"F1"}],"reason":"x","colour":"red"}\n', /unknown field "colour" for "hold"/],
    ['an NDJSON time without offset', () => '{"cmd":"hold","time":"2026-05-05T08:00:00","lots":[{"item":"FLOUR","lot":"F1"}],"reason":"x"}\n', /line 1 at \$\.time: time needs a time-zone offset/],
  ];
  it.each(cases)('%s: exit 1, a message naming the field, nothing stored', async (_name, content, message) => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, content());
    const r = await cli('import', file, '--db', db);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(snapshot(db)).toBe(before);
  });

  it('the same eventID with different content is a conflict, and nothing of the document is stored', async () => {
    const file = join(dir, 'juice.json');
    writeFileSync(file, readFileSync(JUICE));
    expect((await cli('import', file, '--db', db)).code).toBe(0);
    const afterFirst = snapshot(db);
    writeFileSync(
      file,
      juiceWith((e) => {
        e.push({ ...e[0]!, eventID: 'urn:uuid:7d0f9a5e-0001-4000-8000-0000000000ff' });
        (e[0]!['quantityList'] as { quantity: number }[])[0]!.quantity = 1300;
      }),
    );
    const r = await cli('import', file, '--db', db, '--json');
    expect(r.code).toBe(1);
    const body = JSON.parse(r.stderr) as { error: { code: string; issues: { index: number; path: string }[] } };
    expect(body.error.code).toBe('EVENT_ID_CONFLICT');
    expect(body.error.issues[0]).toMatchObject({ index: 0, path: '$.epcisBody.eventList[0].eventID' });
    expect(snapshot(db)).toBe(afterFirst);
  });

  it('a 2 GB file gets a clear message, not an out-of-memory crash', async () => {
    for (const [name, head, message] of [
      ['zeros.json', '', /INPUT_NOT_JSON/],
      ['huge.json', '{"type":"EPCISDocument","epcisBody":{"eventList":[', /INPUT_TOO_LARGE.*2\.0 GiB.*NDJSON/],
      ['huge.ndjson', '{"cmd":"receive",', /INPUT_TOO_LARGE.*line 1 is longer than/],
    ] as const) {
      const file = join(dir, name);
      const fd = openSync(file, 'w');
      writeSync(fd, head);
      closeSync(fd);
      // sparse: no disk is used for the zeros
      const { truncateSync } = await import('node:fs');
      truncateSync(file, 2 * 1024 ** 3);
      const r = await cli('import', file, '--db', db);
      expect(r.code, name).toBe(1);
      expect(r.stderr, name).toMatch(message);
      expect(snapshot(db)).toBe(before);
    }
  });

  it('a file that does not exist, and one of several files failing', async () => {
    const r = await cli('import', join(dir, 'nope.json'), '--db', db);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FILE_NOT_FOUND: .*nope\.json: no such file/);
    expect(snapshot(db)).toBe(before);
  });

  it('unknown lots and unknown identifier forms: exit 1 with what was not found', async () => {
    const missing = await cli('trace', 'forward', '--item', 'FLOUR', '--lot', 'F9', '--db', db);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/LOT_NOT_FOUND: no event names FLOUR \/ F9/);
    for (const ref of ['F1', 'FLOUR:F1', '(01)04012345000017(10)B1', 'urn:epc:class:lgtin:4012345.00001.B1']) {
      const r = await cli('trace', 'forward', ref, '--db', db);
      expect(r.code, ref).toBe(1);
      expect(r.stderr, ref).toMatch(/ID_/);
    }
    const lot = await cli('lot', '--gtin', '04012345000016', '--lot', 'NOPE', '--db', db);
    expect(lot.code).toBe(1);
    expect(snapshot(db)).toBe(before);
  });

  it('usage errors: exit 2 with a hint', async () => {
    for (const args of [[], ['trace', 'sideways', 'X'], ['trace', 'forward'], ['frobnicate'], ['import'], ['trace', 'forward', '--item', 'A', '--lot', 'B', '--colour', 'red'], ['trace', 'forward', '--item', 'FLOUR', '--lot', 'F1', '--max-depth', 'deep']]) {
      const r = await cli(...args, '--db', db);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.length, args.join(' ')).toBeGreaterThan(10);
    }
    expect(snapshot(db)).toBe(before);
  });
});

describe('the log is append-only and tamper-evident', () => {
  it('the database refuses UPDATE and DELETE on the log', async () => {
    const db = tempDb();
    await cli('import', BAKERY, '--db', db);
    const raw = new Database(db);
    try {
      expect(() => raw.prepare("UPDATE log SET body = '{}' WHERE seq = 1").run()).toThrow(/append-only/);
      expect(() => raw.prepare('DELETE FROM log WHERE seq = 1').run()).toThrow(/append-only/);
    } finally {
      raw.close();
    }
  });

  it('verify finds an altered entry and says where', async () => {
    const db = tempDb();
    await cli('import', BAKERY, '--db', db);
    expect((await cli('verify', '--db', db)).stdout).toMatch(/^OK: 12 log entries/);
    const raw = new Database(db);
    raw.exec('DROP TRIGGER log_refuses_update');
    raw.prepare("UPDATE log SET body = replace(body, '\"quantity\":50', '\"quantity\":5') WHERE seq = 4").run();
    raw.close();
    const r = await cli('verify', '--db', db);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/BROKEN at log position 4: the entry's content does not match its hash/);
  });
});

describe('killing an import half-way', () => {
  it('leaves the database as before or with whole documents only', async () => {
    const db = tempDb();
    const dir = dirname(db);
    const big = join(dir, 'big.ndjson');
    const lines: string[] = [];
    for (let i = 0; i < 60_000; i++) {
      lines.push(JSON.stringify({ cmd: 'receive', time: '2026-05-04T08:00:00+02:00', lots: [{ item: 'BULK', lot: `L${i}`, quantity: 1, uom: 'KGM' }], from: 'Supplier' }));
    }
    writeFileSync(big, lines.join('\n'));
    expect((await cli('import', BAKERY, '--db', db)).code).toBe(0);
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), 'import', big, '--db', db], { cwd: ROOT, stdio: 'ignore' });
    // wait until the import has written into its transaction (the WAL grows), then kill it
    const { statSync, existsSync } = await import('node:fs');
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !(existsSync(`${db}-wal`) && statSync(`${db}-wal`).size > 1_000_000)) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    const signal = await new Promise((r) => child.on('exit', (_code, sig) => r(sig)));
    expect(signal).toBe('SIGKILL');
    const events = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), 'verify', '--db', db, '--json'], { cwd: ROOT, encoding: 'utf8' });
    expect(events.status).toBe(0);
    const entries = (JSON.parse(events.stdout) as { entries: number }).entries;
    expect([12, 12 + 60_000]).toContain(entries);
  });
});

describe('fixed after review', () => {
  it('consuming a held lot in production does not release it', async () => {
    const db = tempDb();
    const file = ndjsonFile(db, 'h.ndjson', [
        { cmd: 'receive', time: '2026-05-04T08:00:00Z', lots: [{ item: 'RAW', lot: 'H', quantity: 10, uom: 'KGM' }], from: 'S' },
        { cmd: 'hold', time: '2026-05-04T09:00:00Z', lots: [{ item: 'RAW', lot: 'H' }], reason: 'lab' },
        { cmd: 'produce', time: '2026-05-04T10:00:00Z', inputs: [{ item: 'RAW', lot: 'H', quantity: 4, uom: 'KGM' }], outputs: [{ item: 'FG', lot: 'O', quantity: 4, uom: 'KGM' }] },
    ]);
    expect((await cli('import', file, '--db', db)).code).toBe(0);
    const r = JSON.parse((await cli('lot', '--item', 'RAW', '--lot', 'H', '--db', db, '--json')).stdout) as { status: string };
    expect(r.status).toBe('on_hold');
  });

  it('a shipment naming a lot directly and on a pallet counts both, once per lot and event', async () => {
    const db = tempDb();
    const file = join(dirname(db), 's.ndjson');
    const lot = (q: number) => ({ item: 'FG', lot: 'L', quantity: q, uom: 'EA' });
    writeNdjson(file, [
        { cmd: 'produce', time: '2026-05-04T08:00:00Z', inputs: [{ item: 'RAW', lot: 'R', quantity: 1, uom: 'KGM' }], outputs: [lot(600)] },
        { cmd: 'pack', time: '2026-05-04T09:00:00Z', sscc: '006141410000000012', contents: [lot(480)] },
        { cmd: 'ship', time: '2026-05-04T10:00:00Z', lots: [lot(120)], units: [{ sscc: '006141410000000012' }], to: 'C' },
    ]);
    expect((await cli('import', file, '--db', db)).code).toBe(0);
    const t = JSON.parse((await cli('trace', 'forward', '--item', 'RAW', '--lot', 'R', '--db', db, '--json')).stdout) as { shipments: { quantity: number }[] };
    expect(t.shipments.map((s) => s.quantity)).toEqual([600]);
    const state = JSON.parse((await cli('lot', '--item', 'FG', '--lot', 'L', '--db', db, '--json')).stdout) as { status: string; onHand: unknown; lastEvent: { bizStep: string } };
    expect([state.status, state.onHand, state.lastEvent.bizStep]).toEqual(['shipped', { quantity: 0, uom: 'EA' }, 'shipping']);
    const pallet = await cli('trace', 'forward', '(00)006141410000000012', '--db', db);
    expect(pallet.code).toBe(2);
    expect(pallet.stderr).toContain("lotline lot '(00)006141410000000012' lists them");
  });

  it('a lot whose every event was declared erroneous does not exist', async () => {
    const db = tempDb();
    const file = join(dirname(db), 'e.json');
    writeFileSync(
      file,
      JSON.stringify({
        type: 'EPCISDocument',
        schemaVersion: '2.0',
        creationDate: '2026-05-04T00:00:00Z',
        epcisBody: {
          eventList: [
            {
              type: 'ObjectEvent',
              eventTime: '2026-05-04T08:00:00Z',
              eventTimeZoneOffset: '+00:00',
              action: 'OBSERVE',
              bizStep: 'receiving',
              quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.OOPS', quantity: 1 }],
              errorDeclaration: { declarationTime: '2026-05-04T09:00:00Z', reason: 'did_not_occur' },
            },
          ],
        },
      }),
    );
    expect((await cli('import', file, '--db', db)).code).toBe(0);
    const r = await cli('lot', 'urn:epc:class:lgtin:4012345.012345.OOPS', '--db', db);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/LOT_NOT_FOUND: every event naming .* was declared erroneous/);
  });

  it('a byte-order mark does not break an NDJSON file', async () => {
    const db = tempDb();
    const file = join(dirname(db), 'bom.ndjson');
    writeFileSync(file, `\uFEFF${readFileSync(BAKERY, 'utf8')}`);
    const r = await cli('import', file, '--db', db);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/12 stored/);
  });

  it('options a command does not take, times without offset, and usage errors in --json', async () => {
    const db = tempDb();
    await cli('import', BAKERY, '--db', db);
    const extra = await cli('lot', '--item', 'FLOUR', '--lot', 'F1', '--max-depth', '2', '--db', db);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/'lotline lot' does not take --max-depth/);
    const local = await cli('trace', 'forward', '--item', 'FLOUR', '--lot', 'F1', '--to', '2026-05-04T11:00:00', '--db', db);
    expect(local.code).toBe(2);
    expect(local.stderr).toMatch(/the to time must be a date .* or a date-time with offset/);
    const asJson = await cli('trace', 'sideways', '--db', db, '--json');
    expect(asJson.code).toBe(2);
    expect(JSON.parse(asJson.stderr)).toMatchObject({ error: { code: 'USAGE' } });
  });

  it('a broken chain is reported with its code', async () => {
    const db = tempDb();
    await cli('import', BAKERY, '--db', db);
    const raw = new Database(db);
    raw.exec('DROP TRIGGER log_refuses_delete');
    raw.prepare('DELETE FROM log WHERE seq = 7').run();
    raw.close();
    const r = await cli('verify', '--db', db, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: 'CHAIN_BROKEN', brokenAt: { seq: 8, reason: 'log position 7 is missing' } });
    expect(r.stderr).toMatch(/CHAIN_BROKEN/);
  });
});

describe('long imports', () => {
  it('show progress on stderr after a second, and stay silent with --quiet', async () => {
    const db = tempDb();
    const big = join(dirname(db), 'progress.ndjson');
    const lines: string[] = [];
    for (let i = 0; i < 40_000; i++) lines.push(JSON.stringify({ cmd: 'receive', time: '2026-05-04T08:00:00+02:00', lots: [{ item: 'BULK', lot: `L${i}`, quantity: 1, uom: 'KGM' }], from: 'Supplier' }));
    writeFileSync(big, lines.join('\n'));
    const started = Date.now();
    const r = await cli('import', big, '--db', db);
    const took = Date.now() - started;
    expect(r.code).toBe(0);
    // progress starts after one second: on a machine fast enough to finish sooner there is none to see
    if (took > 1600) expect(r.stderr).toMatch(/progress\.ndjson: \d+% \(\d+ events, \d+ events\/s\)/);
    if (took < 900) expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/40000 event\(s\) — 40000 stored/);
    const quiet = await cli('import', big, '--db', db, '--quiet');
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toMatch(/40000 already present/);
  });
});

describe('derived event ids', () => {
  it('two different events the GS1 hash cannot tell apart are a conflict, never a silent duplicate', async () => {
    const db = tempDb();
    const event = (lotNumber: string) => ({
      type: 'ObjectEvent',
      eventTime: '2026-05-04T08:00:00Z',
      eventTimeZoneOffset: '+00:00',
      action: 'ADD',
      bizStep: 'commissioning',
      quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.A', quantity: 1 }],
      ilmd: { 'cbvmda:lotNumber': lotNumber },
    });
    const first = ndjsonFile(db, 'first.ndjson', [event('0012')]);
    const again = ndjsonFile(db, 'again.ndjson', [{ ...event('0012'), bizStep: 'https://ref.gs1.org/cbv/BizStep-commissioning' }]);
    const other = ndjsonFile(db, 'other.ndjson', [event('12')]);
    expect((await cli('import', first, '--db', db)).code).toBe(0);
    // the same event re-sent in another spelling is the same event
    expect((await cli('import', again, '--db', db)).stdout).toMatch(/0 stored, 1 already present/);
    const r = await cli('import', other, '--db', db);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/EVENT_ID_CONFLICT/);
  });
});

describe('what a trace or a lot says about units and destroyed lots', () => {
  it('a trace from a plant container names the container the way `lot` reads it', async () => {
    const db = tempDb();
    const file = ndjsonFile(db, 'cage.ndjson', [
      { cmd: 'receive', time: '2026-05-04T08:00:00+02:00', lots: [{ item: 'RAW', lot: 'R1', quantity: 10, uom: 'KGM' }], from: 'Supplier' },
      { cmd: 'pack', time: '2026-05-04T09:00:00+02:00', unit: 'CAGE-12', contents: [{ item: 'RAW', lot: 'R1', quantity: 10, uom: 'KGM' }] },
    ]);
    expect((await cli('import', file, '--db', db)).code).toBe(0);
    const r = await cli('trace', 'forward', 'urn:lotline:unit:CAGE-12', '--db', db);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("lotline lot 'urn:lotline:unit:CAGE-12' lists them");
    const listed = await cli('lot', 'urn:lotline:unit:CAGE-12', '--db', db);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('R1');
  });

  it('a lot held and then destroyed is destroyed, not on hold', async () => {
    const db = tempDb();
    const file = ndjsonFile(db, 'gone.ndjson', [
      { cmd: 'receive', time: '2026-05-04T08:00:00+02:00', lots: [{ item: 'RAW', lot: 'R1', quantity: 10, uom: 'KGM' }], from: 'Supplier' },
      { cmd: 'hold', time: '2026-05-04T09:00:00+02:00', lots: [{ item: 'RAW', lot: 'R1' }], reason: 'Mould' },
      { cmd: 'destroy', time: '2026-05-04T10:00:00+02:00', lots: [{ item: 'RAW', lot: 'R1' }], reason: 'Mould confirmed' },
    ]);
    expect((await cli('import', file, '--db', db)).code).toBe(0);
    const json = JSON.parse((await cli('lot', '--item', 'RAW', '--lot', 'R1', '--db', db, '--json')).stdout) as { status: string; hold: unknown };
    expect(json).toMatchObject({ status: 'destroyed', hold: null });
    const human = (await cli('lot', '--item', 'RAW', '--lot', 'R1', '--db', db)).stdout;
    expect(human).toMatch(/status\s+destroyed\n/);
  });
});
