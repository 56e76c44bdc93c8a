/**
 * Retention: a policy per record type and regulation; `lotline purge` refuses records whose
 * period has not ended (naming the type, the rule and the date), the default keeps everything,
 * and a purge is recorded for good and leaves a log that verifies from the purge checkpoint.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { purgeRecords } from '../../src/cli/purge-commands.js';
import { cli, cliJson } from '../helpers/cli.js';
import { auditCount, count, importCommands, receipts, recordsDir } from './records-fixture.js';

interface Verified {
  ok: boolean;
  entries: number;
  headHash: string;
  purgedThrough?: number;
}

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

function policyFile(dir: string, rules: object[], name = 'retention.json'): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ version: 'SOP-QA-017 rev 3', rules }, null, 2));
  return file;
}

const FSMA = { recordType: 'events', regulation: 'FSMA 204, 21 CFR 1.1455(c)', keep: '2y' };

/** 10 receipts, a cut-off instant, then 5 more: the cut-off separates them by record time. */
async function twoGenerations(label: string): Promise<{ dir: string; db: string; cutoff: string }> {
  const dir = recordsDir(label);
  const db = join(dir, 'plant.db');
  await importCommands(db, dir, 'old', receipts(10, 'OLD'));
  await new Promise((r) => setTimeout(r, 20));
  const cutoff = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 20));
  await importCommands(db, dir, 'new', receipts(5, 'NEW', Date.parse('2026-06-01T06:00:00Z')));
  return { dir, db, cutoff };
}

describe('retention policy and lotline purge', () => {
  it('keeps everything by default: without a policy every purge is refused and nothing changes', async () => {
    const { db } = await twoGenerations('default');
    const before = await cliJson<Verified>('verify', '--db', db);
    const r = await cli('purge', '--db', db, '--before', '2026-01-01');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/RETENTION_NOT_ENDED: events recorded before 2026-01-01T00:00:00.000Z cannot be purged: the rule "default: keep forever.*" keeps them forever; nothing was purged/);
    const dry = await cli('purge', '--db', db, '--before', '2026-01-01', '--dry-run');
    expect(dry.stderr).toMatch(/RETENTION_NOT_ENDED/);
    expect(await cliJson<Verified>('verify', '--db', db)).toEqual(before);
  }, 60_000);

  it('refuses records whose period has not ended, naming the record type, the rule and the date it ends', async () => {
    const { dir, db } = await twoGenerations('fsma');
    const policy = policyFile(dir, [FSMA]);
    const today = new Date().toISOString().slice(0, 10);
    const r = await cli('purge', '--db', db, '--before', today, '--policy', policy);
    expect(r.code).toBe(1);
    const ends = `${Number(today.slice(0, 4)) + 2}${today.slice(4)}`;
    expect(r.stderr).toContain(`RETENTION_NOT_ENDED: events recorded before ${today}T00:00:00.000Z cannot be purged yet: the rule "FSMA 204, 21 CFR 1.1455(c)" keeps them 2y, which ends on ${ends}`);
    expect(count(db, 'SELECT count(*) AS n FROM log')).toBe(15);

    // the longest rule for a record type binds: a predicate rule of 3 years beats FSMA's 2
    const both = policyFile(dir, [FSMA, { recordType: 'events', regulation: '21 CFR 117.315 via SOP-QA-017 §4', keep: '3y' }], 'both.json');
    const now = Date.now();
    await expect(purgeRecords(db, { before: new Date(now - 2.5 * YEAR_MS).toISOString(), policyFile: both, nowMs: now })).rejects.toThrow(/the rule "21 CFR 117.315 via SOP-QA-017 §4" keeps them 3y/);
    // allowed once the longest period has ended (nothing that old here: nothing purged, nothing recorded)
    const allowed = await purgeRecords(db, { before: new Date(now - 3.1 * YEAR_MS).toISOString(), policyFile: both, nowMs: now });
    expect(allowed).toMatchObject({ dryRun: false, purge: null, rule: { keepText: '3y' } });
    expect(count(db, 'SELECT count(*) AS n FROM retention_purges')).toBe(0);
  }, 60_000);

  it('purges the log prefix under the rule, records it for good, and the log verifies from the checkpoint', async () => {
    const { dir, db, cutoff } = await twoGenerations('purge');
    const policy = policyFile(dir, [FSMA]);
    const headBefore = await cliJson<Verified>('verify', '--db', db);
    const threeYearsOn = Date.now() + 3 * YEAR_MS;

    const dry = await purgeRecords(db, { before: cutoff, policyFile: policy, dryRun: true, nowMs: threeYearsOn });
    expect(dry).toMatchObject({ dryRun: true, plan: { firstSeq: 1, lastSeq: 10, events: 10, declarations: 0, kept: 5 } });
    expect(await cliJson<Verified>('verify', '--db', db)).toEqual(headBefore);

    const done = await purgeRecords(db, { before: cutoff, policyFile: policy, nowMs: threeYearsOn, context: { actor: 'cli:qa-lead', origin: 'cli@plant-pc' } });
    expect(done.dryRun).toBe(false);
    if (done.dryRun) return;
    expect(done.purge).toMatchObject({ recordType: 'events', firstSeq: 1, lastSeq: 10, events: 10, actor: 'cli:qa-lead', regulation: FSMA.regulation, keep: '2y', policyVersion: 'SOP-QA-017 rev 3', headSeq: 15, headHash: headBefore.headHash });
    expect(done.purge!.policySha256).toMatch(/^[0-9a-f]{64}$/);

    // the log and its projections lost the old generation only
    const after = await cliJson<Verified>('verify', '--db', db);
    expect(after).toEqual({ ok: true, entries: 5, headHash: headBefore.headHash, purgedThrough: 10 });
    expect((await cli('verify', '--db', db)).stdout).toMatch(/Log positions 1–10 were purged under the retention policy/);
    expect(count(db, 'SELECT count(*) AS n FROM events')).toBe(5);
    expect(count(db, 'SELECT count(*) AS n FROM event_objects WHERE seq <= 10')).toBe(0);
    expect((await cli('lot', '--db', db, '--item', 'FLOUR-T55', '--lot', 'OLD-3')).stderr).toMatch(/LOT_NOT_FOUND/);
    expect((await cli('lot', '--db', db, '--item', 'FLOUR-T55', '--lot', 'NEW-3')).code).toBe(0);

    // recorded: the purge list, and the audit trail
    const list = await cliJson<{ purges: { before: string; lastSeq: number; checkpointHash: string }[] }>('purge', 'list', '--db', db);
    expect(list.purges).toHaveLength(1);
    expect(list.purges[0]!.lastSeq).toBe(10);
    expect(auditCount(db, 'records.purge')).toBe(1);

    // the purge record and the log stay guarded
    const raw = new Database(db);
    try {
      expect(() => raw.prepare('DELETE FROM retention_purges').run()).toThrow(/STORE_APPEND_ONLY/);
      expect(() => raw.prepare("UPDATE retention_purges SET regulation = 'x'").run()).toThrow(/STORE_APPEND_ONLY/);
      expect(() => raw.prepare('DELETE FROM log WHERE seq = 11').run()).toThrow(/STORE_APPEND_ONLY/);
    } finally {
      raw.close();
    }

    // a backup of the purged database verifies, and so does its restore
    const backup = join(dir, 'after-purge.db');
    expect((await cli('backup', '--db', db, '--out', backup, '--quiet')).code).toBe(0);
    expect(await cliJson<Verified>('verify', '--db', backup)).toEqual(after);

    // removing the purge record behind Lotline's back breaks the chain at the first entry kept
    const tamper = new Database(db);
    tamper.exec('DROP TRIGGER retention_purges_refuse_delete; DELETE FROM retention_purges');
    tamper.close();
    const broken = await cli('verify', '--db', db);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/BROKEN at log position 11: log position 1 is missing/);
  }, 60_000);

  it('purges through the CLI with a policy whose period has ended, and reports what it did', async () => {
    const { dir, db, cutoff } = await twoGenerations('cli');
    // a record type without a retention requirement of its own (0 days) lets the CLI purge today
    const policy = policyFile(dir, [{ recordType: 'events', regulation: 'test plant: trial data, no retention requirement', keep: '0d' }]);
    const dry = await cli('purge', '--db', db, '--before', cutoff, '--policy', policy, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/Dry run: would purge log positions 1–10 \(10 events, 0 error declarations.*5 entries would stay\. Nothing was purged\./);
    const r = await cli('purge', '--db', db, '--before', cutoff, '--policy', policy);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Purge 1: .* by cli:.*log positions 1–10 \(10 events.*under "test plant: trial data, no retention requirement" \(0d\), policy SOP-QA-017 rev 3/);
    expect(r.stdout).toMatch(/The log verifies from the purge checkpoint: 5 entries kept/);
    const again = await cli('purge', '--db', db, '--before', cutoff, '--policy', policy);
    expect(again.stdout).toMatch(/nothing was purged/);
    expect(count(db, 'SELECT count(*) AS n FROM retention_purges')).toBe(1);
  }, 60_000);

  it('keeps the records of a lot on hold whatever the policy says', async () => {
    const { dir, db, cutoff } = await twoGenerations('held');
    const policy = policyFile(dir, [{ recordType: 'events', regulation: 'test plant: trial data, no retention requirement', keep: '0d' }]);
    expect((await cli('hold', '--db', db, '--item', 'FLOUR-T55', '--lot', 'OLD-2', '--reason', 'Supplier notice: possible glass')).code).toBe(0);
    for (const dry of [[], ['--dry-run']]) {
      const r = await cli('purge', '--db', db, '--before', cutoff, '--policy', policy, ...dry);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/RETENTION_NOT_ENDED: events recorded before .* cannot be purged: 1 lot\(s\) they name are on hold.*FLOUR-T55.*OLD-2 \(on hold since .*: Supplier notice: possible glass\)\. Nothing was purged/);
    }
    expect(count(db, 'SELECT count(*) AS n FROM log')).toBe(16);
  }, 60_000);

  it('names the field and the reason of a bad policy or date, and purges nothing', async () => {
    const { dir, db } = await twoGenerations('bad');
    const bad = policyFile(dir, [{ recordType: 'events', regulation: 'FSMA 204', keep: 'two years' }, { recordType: 'purge-records', regulation: 'x', keep: '1y' }, { recordType: 'lots', regulation: '', keep: '1y' }]);
    const out = await cli('purge', '--db', db, '--before', '2020-01-01', '--policy', bad, '--json');
    const err = JSON.parse(out.stderr) as { error: { code: string; issues: { path: string; reason: string }[] } };
    expect(err.error.code).toBe('RETENTION_POLICY_INVALID');
    expect(err.error.issues.map((i) => i.path)).toEqual(['$.rules[0].keep', '$.rules[1].recordType', '$.rules[2].recordType', '$.rules[2].regulation']);
    expect(err.error.issues[1]!.reason).toMatch(/never purged/);
    const notJson = join(dir, 'policy.json');
    writeFileSync(notJson, '{ rules: ');
    expect((await cli('purge', '--db', db, '--before', '2020-01-01', '--policy', notJson)).stderr).toMatch(/RETENTION_POLICY_INVALID: .*not valid JSON/);
    expect((await cli('purge', '--db', db, '--before', 'last year')).stderr).toMatch(/--before must be a date/);
    expect((await cli('purge', '--db', db, '--before', '2999-01-01')).stderr).toMatch(/--before 2999-01-01 is in the future/);
    expect((await cli('purge', '--db', db)).code).toBe(2);
    const pg = await cli('purge', '--db', 'postgres://lotline@127.0.0.1:1/none', '--before', '2020-01-01', '--policy', policyFile(dir, [{ ...FSMA, keep: '0d' }], 'zero.json'));
    expect(pg.stderr).toMatch(/PURGE_NOT_SUPPORTED/);
    expect(count(db, 'SELECT count(*) AS n FROM log')).toBe(15);
  }, 60_000);
});
