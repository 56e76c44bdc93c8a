/** `lotline user …` and `lotline key …`: the accounts of the API, made from the command line. */
import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { authenticateKey, login } from '../../src/identity/identity-service.js';
import { openIdentityStore } from '../../src/main.js';
import { cli, cliJson, tempDb } from '../helpers/cli.js';

describe('lotline user and key', () => {
  it('adds a user with the password from stdin, attributed to the OS user, and the password signs in', () => {
    const db = tempDb();
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'user', 'add', 'alice', '--role', 'admin', '--db', db], { input: 'a long admin password\n', encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('user alice added with the role admin\n');
    expect(r.status).toBe(0);
    return (async () => {
      const id = await openIdentityStore(db);
      try {
        await expect(login(id, 'alice', 'a long admin password', null)).resolves.toMatchObject({ user: { role: 'admin' } });
        expect((await id.listAudit(0, 5))[0]).toMatchObject({ action: 'user.add', actor: expect.stringMatching(/^cli:/), origin: expect.stringMatching(/^cli@/) });
      } finally {
        await id.close();
      }
    })();
  });

  it('refuses a short password from stdin (exit 1, INPUT_INVALID) and stores nothing', async () => {
    const db = tempDb();
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'user', 'add', 'bob', '--role', 'operator', '--db', db], { input: 'short\n', encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('INPUT_INVALID: password must be at least 10 characters long');
    expect((await cliJson<{ users: unknown[] }>('user', 'list', '--db', db)).users).toEqual([]);
  });

  it('creates a key printed once that authenticates, lists it without its secret, and revokes it', async () => {
    const db = tempDb();
    const created = await cli('key', 'create', 'scanner-1', '--role', 'operator', '--expires', '2999-12-31', '--db', db);
    expect(created.code).toBe(0);
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^llk_[0-9a-f]{16}_/);
    expect(created.stderr).toContain('This is the only time it is shown');
    const id = await openIdentityStore(db);
    try {
      expect(await authenticateKey(id, secret)).toMatchObject({ actor: 'key:scanner-1', role: 'operator' });
    } finally {
      await id.close();
    }
    const list = await cli('key', 'list', '--db', db);
    expect(list.stdout).toMatch(/^scanner-1\toperator\tactive\tllk_[0-9a-f]{16}_…\texpires 2999-12-31T00:00:00.000Z\n$/);
    expect(list.stdout).not.toContain(secret);
    expect((await cli('key', 'create', 'scanner-1', '--role', 'operator', '--db', db)).stderr).toContain('IDENTITY_EXISTS');
    expect((await cli('key', 'revoke', 'scanner-1', '--db', db)).stdout).toBe('API key scanner-1 revoked\n');
    expect((await cliJson<{ keys: { status: string }[] }>('key', 'list', '--db', db)).keys.map((k) => k.status)).toEqual(['revoked']);
    expect(await cli('key', 'revoke', 'scanner-1', '--db', db)).toMatchObject({ code: 1, stderr: expect.stringContaining('NOT_FOUND') });
  });

  it('says what is missing: a role, a name, a sub-command (exit 2); a bad role is INPUT_INVALID (exit 1)', async () => {
    const db = tempDb();
    expect(await cli('key', 'create', 'k', '--db', db)).toMatchObject({ code: 2, stderr: expect.stringContaining('needs --role') });
    expect(await cli('key', 'create', '--role', 'operator', '--db', db)).toMatchObject({ code: 2, stderr: expect.stringContaining('needs a NAME') });
    expect(await cli('user', 'frobnicate', '--db', db)).toMatchObject({ code: 2, stderr: expect.stringContaining("'lotline user' needs add, update, list") });
    expect(await cli('key', 'create', 'k', '--role', 'boss', '--db', db)).toMatchObject({ code: 1, stderr: expect.stringContaining('role must be one of operator, quality, auditor, admin') });
    expect(await cli('serve', '--role', 'admin', '--db', db)).toMatchObject({ code: 2, stderr: expect.stringContaining("'lotline serve' does not take --role") });
    expect(await cli('serve', '--port', 'eighty', '--db', db)).toMatchObject({ code: 2, stderr: expect.stringContaining('--port must be a whole number') });
  });

  it('serve says when its port is taken (exit 2) and leaves the database closed', async () => {
    const db = tempDb();
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      expect(await cli('serve', '--port', String(port), '--db', db)).toMatchObject({ code: 2, stderr: expect.stringContaining(`port ${port} on 127.0.0.1 is already in use`) });
      expect((await cli('verify', '--db', db)).code).toBe(0);
    } finally {
      blocker.close();
    }
  });

  it('changes a role, disables and unlocks a user', async () => {
    const db = tempDb();
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'user', 'add', 'carl', '--role', 'operator', '--password-stdin', '--db', db], { input: 'a long enough password\n', encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect((await cli('user', 'role', 'carl', '--role', 'quality', '--db', db)).stdout).toBe('user carl: role quality\n');
    expect((await cli('user', 'disable', 'carl', '--db', db)).stdout).toBe('user carl: role quality, disabled\n');
    expect((await cli('user', 'unlock', 'carl', '--db', db)).stdout).toBe('user carl: role quality, disabled, unlocked\n');
    expect((await cli('user', 'list', '--db', db)).stdout).toBe('carl\tquality\t(no full name)\tdisabled\n');
    expect(await cli('user', 'unlock', 'nobody', '--db', db)).toMatchObject({ code: 1, stderr: expect.stringContaining('NOT_FOUND') });
  });

  it('gives a full name at creation or later, lists it, and refuses an empty one or a missing flag', async () => {
    const db = tempDb();
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'user', 'add', 'jdoe', '--role', 'quality', '--full-name', 'Jane Q. Doe', '--db', db], { input: 'a long enough password\n', encoding: 'utf8' });
    expect(r.stdout).toBe('user jdoe added with the role quality (Jane Q. Doe)\n');
    const q = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'user', 'add', 'quinn', '--role', 'quality', '--db', db], { input: 'a long enough password\n', encoding: 'utf8' });
    expect(q.stdout).toContain('give a full name before they sign: lotline user update quinn --full-name');
    expect((await cli('user', 'list', '--db', db)).stdout).toBe('jdoe\tquality\tJane Q. Doe\nquinn\tquality\t(no full name)\n');
    expect(await cli('user', 'update', 'quinn', '--db', db)).toMatchObject({ code: 2, stderr: expect.stringContaining('needs --full-name') });
    expect(await cli('user', 'update', 'quinn', '--full-name', ' ', '--db', db)).toMatchObject({ code: 1, stderr: expect.stringContaining('INPUT_INVALID: fullName must not be empty') });
    expect(await cli('user', 'update', 'nobody', '--full-name', 'No Body', '--db', db)).toMatchObject({ code: 1, stderr: expect.stringContaining('NOT_FOUND') });
    expect(await cli('user', 'role', 'quinn', '--role', 'auditor', '--full-name', 'X', '--db', db)).toMatchObject({ code: 2, stderr: expect.stringContaining("set it with 'lotline user update") });
    expect((await cli('user', 'update', 'quinn', '--full-name', 'Quinn Mercer', '--db', db)).stdout).toBe('user quinn: full name "Quinn Mercer"; signatures made before keep the name they were signed with\n');
    expect((await cliJson<{ users: { name: string; fullName: string | null }[] }>('user', 'list', '--db', db)).users.map((u) => [u.name, u.fullName])).toEqual([
      ['jdoe', 'Jane Q. Doe'],
      ['quinn', 'Quinn Mercer'],
    ]);
  });
});
