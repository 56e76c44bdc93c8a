/** `lotline station add|list|remove` on a SQLite file; PostgreSQL goes through the same store port (test/capture/station-store.test.ts). */
import { describe, expect, it } from 'vitest';
import { cli, cliJson, tempDb } from '../helpers/cli.js';

describe('lotline station', () => {
  it('adds, lists and removes stations, naming every bad flag', async () => {
    const db = tempDb();
    expect(await cli('station', 'list', '--db', db)).toMatchObject({ code: 0, stdout: expect.stringContaining('no scan stations yet') });
    const added = await cli('station', 'add', 'MIX-1', '--site', '0614141000012', '--line', 'L1', '--role', 'production', '--output-item', '9520123456788', '--quantity', '25', '--uom', 'KGM', '--items', 'FLOUR, SUGAR', '--db', db);
    expect(added).toMatchObject({ code: 0, stdout: 'station MIX-1 added: MIX-1\tproduction\t0614141000012 / L1\tdefault 25 KGM; makes 9520123456788; takes FLOUR,SUGAR\n' });
    await cli('station', 'add', 'RCV-1', '--site', 'Plant 1', '--role', 'receiving', '--supplier', 'Mill', '--db', db);
    const list = await cliJson<{ stations: { id: string; role: string; defaults: object; createdBy: string }[] }>('station', 'list', '--db', db);
    expect(list.stations.map((s) => [s.id, s.role])).toEqual([['MIX-1', 'production'], ['RCV-1', 'receiving']]);
    expect(list.stations[0]!.defaults).toEqual({ quantity: 25, uom: 'KGM', outputItem: '9520123456788', items: ['FLOUR', 'SUGAR'] });
    expect(list.stations[0]!.createdBy).toMatch(/^cli:/);

    expect(await cli('station', 'add', 'MIX-1', '--site', 'x', '--role', 'packing', '--db', db)).toMatchObject({ code: 1, stderr: expect.stringContaining('STATION_EXISTS') });
    expect(await cli('station', 'add', 'X', '--site', 'x', '--role', 'weighing', '--db', db)).toMatchObject({ code: 1, stderr: expect.stringContaining('--role must be one of receiving, production, packing, shipping') });
    expect(await cli('station', 'add', 'X', '--site', 'x', '--role', 'packing', '--uom', 'kg', '--quantity', '1', '--db', db)).toMatchObject({ code: 1, stderr: expect.stringContaining('--uom must be a UN/CEFACT') });
    expect(await cli('station', 'add', 'X', '--site', 'x', '--role', 'production', '--output-item', '9520123456789', '--db', db)).toMatchObject({ code: 1, stderr: expect.stringContaining('ID_BAD_CHECK_DIGIT') });
    expect(await cli('station', 'add', 'X', '--site', 'x', '--role', 'packing', '--quantity', 'lots', '--db', db)).toMatchObject({ code: 2, stderr: expect.stringContaining('--quantity must be a number') });
    expect(await cli('station', 'add', 'bad id', '--site', 'x', '--role', 'packing', '--db', db)).toMatchObject({ code: 1, stderr: expect.stringContaining('ID must be 1 to 64 letters') });
    expect(await cli('station', 'add', 'X', '--role', 'packing', '--db', db)).toMatchObject({ code: 2, stderr: expect.stringContaining('needs --site and --role') });
    expect(await cli('station', 'add', 'X', '--site', 'x', '--role', 'packing', '--port', '1', '--db', db)).toMatchObject({ code: 2, stderr: expect.stringContaining('does not take --port') });

    expect(await cli('station', 'remove', 'MIX-1', '--db', db)).toMatchObject({ code: 0, stdout: 'station MIX-1 removed\n' });
    expect(await cli('station', 'remove', 'MIX-1', '--db', db)).toMatchObject({ code: 1, stderr: expect.stringContaining('STATION_NOT_FOUND') });
    expect(await cli('station', 'frob', '--db', db)).toMatchObject({ code: 2 });
  });

  it('serve refuses MQTT options without --mqtt, and bad topic filters, before opening anything', async () => {
    expect(await cli('serve', '--mqtt-client-id', 'x', '--db', tempDb())).toMatchObject({ code: 2, stderr: expect.stringContaining('--mqtt-client-id needs --mqtt URL') });
    expect(await cli('serve', '--mqtt', 'localhost:1883', '--db', tempDb())).toMatchObject({ code: 2, stderr: expect.stringContaining('--mqtt must be a broker URL') });
    expect(await cli('serve', '--mqtt', 'mqtt://127.0.0.1:1883', '--mqtt-scan-topic', 'plant/scan', '--db', tempDb())).toMatchObject({ code: 2, stderr: expect.stringContaining('needs a "+" level') });
  });
});
