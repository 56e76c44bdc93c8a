/** `lotline hold`, `lotline release` (signed with the password on stdin) and `lotline exceptions`, as a quality manager runs them. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { addUser } from '../../src/identity/identity-service.js';
import { openIdentityStore, openQualityStore } from '../../src/main.js';
import { cli, cliJson, ndjsonFile, tempDb } from '../helpers/cli.js';

const PW = 'a long quality password';

function release(db: string, password: string, ...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'release', ...args, '--db', db, '--json'], { input: `${password}\n`, encoding: 'utf8' });
}

describe('lotline hold, release and exceptions', () => {
  it('holds a lot with its descendants, refuses a wrong password, and releases with a signature', async () => {
    const db = tempDb();
    const file = ndjsonFile(db, 'plant.ndjson', [
      { cmd: 'receive', time: '2026-05-04T08:00:00+02:00', lots: [{ item: 'RAW', lot: 'A', quantity: 10, uom: 'KGM' }], from: 'Mill' },
      { cmd: 'produce', time: '2026-05-04T09:00:00+02:00', inputs: [{ item: 'RAW', lot: 'A', quantity: 5, uom: 'KGM' }], outputs: [{ item: 'FG', lot: 'X', quantity: 5, uom: 'KGM' }] },
    ]);
    expect((await cli('import', file, '--db', db)).code).toBe(0);
    const id = await openIdentityStore(db);
    await addUser(id, { name: 'quinn', role: 'quality', password: PW, fullName: 'Quinn Mercer' }, { actor: 'cli:test' });
    await addUser(id, { name: 'olga', role: 'operator', password: PW }, { actor: 'cli:test' });
    await id.close();

    expect((await cli('hold', 'urn:lotline:lot:RAW:A', '--db', db)).stderr).toMatch(/needs --reason/);
    const held = await cliJson<{ lots: string[] }>('hold', '--item', 'RAW', '--lot', 'A', '--descendants', '--reason', 'supplier notice', '--reference', 'SN-1', '--db', db);
    expect(held.lots).toEqual(['urn:lotline:lot:RAW:A', 'urn:lotline:lot:FG:X']);
    expect(await cliJson('lot', 'urn:lotline:lot:FG:X', '--db', db)).toMatchObject({ status: 'on_hold', hold: { reason: 'supplier notice' } });

    const wrong = release(db, 'not the password', 'urn:lotline:lot:RAW:A', '--user', 'quinn', '--meaning', 'released after retest');
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('AUTH_FAILED');
    const operator = release(db, PW, 'urn:lotline:lot:RAW:A', '--user', 'olga', '--meaning', 'released after retest');
    expect(operator.stderr).toContain('SIGNATURE_REFUSED');
    const ok = release(db, PW, 'urn:lotline:lot:RAW:A', '--user', 'quinn', '--meaning', 'released after retest');
    expect(ok.stderr).toBe('');
    expect(JSON.parse(ok.stdout)).toMatchObject({ status: 'complete', signatures: [{ signer: 'quinn', printedName: 'Quinn Mercer', meaning: 'released after retest' }] });
    expect(await cliJson('lot', 'urn:lotline:lot:RAW:A', '--db', db)).toMatchObject({ status: 'released' });
    expect(await cliJson('lot', 'urn:lotline:lot:FG:X', '--db', db)).toMatchObject({ status: 'on_hold' });
  });

  it('lists, acknowledges and dismisses exceptions, with the history', async () => {
    const db = tempDb();
    const q = await openQualityStore(db);
    await q.report(
      [{ ruleId: 'held-lot-used', severity: 'critical', subject: { kind: 'lot', ref: 'urn:lotline:lot:RAW:A' }, key: 'k1', explanation: 'RAW A used on hold', eventIds: [], site: null, line: 'L1', detectedAt: '2026-05-04T10:00:00.000Z' }],
      () => null,
      'lotline',
    );
    await q.close();
    expect(await cliJson('exceptions', '--line', 'L1', '--state', 'open', '--db', db)).toMatchObject({ exceptions: [{ id: 1, ruleId: 'held-lot-used' }] });
    expect((await cli('exceptions', 'list', '--state', 'closed', '--db', db)).code).toBe(2);
    expect(await cliJson('exceptions', 'ack', '1', '--owner', 'quinn', '--db', db)).toMatchObject({ state: 'acknowledged', owner: 'quinn' });
    expect((await cli('exceptions', 'dismiss', '1', '--db', db)).stderr).toMatch(/needs --reason/);
    expect(await cliJson('exceptions', 'dismiss', '1', '--reason', 'test lot', '--db', db)).toMatchObject({ state: 'dismissed' });
    const again = await cli('exceptions', 'dismiss', '1', '--reason', 'again', '--db', db);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('EXCEPTION_STATE');
    const shown = await cliJson<{ history: { action: string; actor: string }[] }>('exceptions', 'show', '1', '--db', db);
    expect(shown.history.map((h) => h.action)).toEqual(['opened', 'acknowledged', 'dismissed']);
    expect(shown.history[1]!.actor).toMatch(/^cli:/);
  });
});
