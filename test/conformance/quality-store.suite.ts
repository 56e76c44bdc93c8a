/**
 * The quality store conformance suite: exceptions deduplicated by key, state changes with their
 * append-only history, queries, escalation, the signature ledger and pending decisions, over
 * every QualityStore adapter.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/quality/finding.js';
import { acknowledge, assign, dismiss, escalateOverdue, exceptionSink, resolve } from '../../src/quality/exceptions.js';
import type { Alert } from '../../src/quality/alerts.js';
import type { QualityStore } from '../../src/quality/quality-store.js';

export interface QualityStoreFactory {
  /** A new, empty quality store. */
  create(): Promise<QualityStore>;
}

const finding = (n: number, extra: Partial<Finding> = {}): Finding => ({
  ruleId: 'held-lot-used',
  severity: 'critical',
  subject: { kind: 'lot', ref: `urn:lotline:lot:RAW:L${n}` },
  key: `held-lot-used:e${n}`,
  explanation: `lot L${n} was used while on hold`,
  eventIds: [`hold-${n}`, `use-${n}`],
  site: 'urn:lotline:loc:Plant',
  line: n % 2 === 0 ? 'L2' : 'L1',
  detectedAt: `2026-05-0${n}T10:00:00.000Z`,
  ...extra,
});

const POLICY = { critical: 3600_000, warning: 86_400_000, info: 86_400_000 };

export function testQualityStore(name: string, factory: QualityStoreFactory): void {
  const opened: QualityStore[] = [];
  const fresh = async (): Promise<QualityStore> => {
    const s = await factory.create();
    opened.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });

  describe(`quality store conformance: ${name}`, () => {
    it('opens one exception per finding key, with a due time by severity, and alerts only for new ones', async () => {
      const q = await fresh();
      const alerts: Alert[] = [];
      const sink = exceptionSink(q, POLICY, [(a) => alerts.push(a)]);
      await sink.report([finding(1), finding(2), finding(1)]);
      await sink.report([finding(2), finding(3, { severity: 'warning' })]);
      const all = await q.queryExceptions({});
      expect(all.map((e) => e.key)).toEqual(['held-lot-used:e3', 'held-lot-used:e2', 'held-lot-used:e1']);
      expect(all[2]).toMatchObject({ state: 'open', owner: null, dueAt: '2026-05-01T11:00:00.000Z', eventIds: ['hold-1', 'use-1'], subject: { kind: 'lot', ref: 'urn:lotline:lot:RAW:L1' }, site: 'urn:lotline:loc:Plant', line: 'L1' });
      expect(all[0]!.dueAt).toBe('2026-05-04T10:00:00.000Z');
      expect(alerts.map((a) => [a.kind, a.exception.key])).toEqual([
        ['exception.opened', 'held-lot-used:e1'],
        ['exception.opened', 'held-lot-used:e2'],
        ['exception.opened', 'held-lot-used:e3'],
      ]);
    });

    it('queries by lot, line, rule, state and period', async () => {
      const q = await fresh();
      await q.report([finding(1), finding(2), finding(3, { ruleId: 'produced-without-inputs', key: 'p:3' })], () => null, 'test');
      const keys = async (query: Parameters<QualityStore['queryExceptions']>[0]) => (await q.queryExceptions(query)).map((e) => e.key);
      expect(await keys({ lot: 'urn:lotline:lot:RAW:L2' })).toEqual(['held-lot-used:e2']);
      expect(await keys({ line: 'L1' })).toEqual(['p:3', 'held-lot-used:e1']);
      expect(await keys({ ruleId: 'held-lot-used' })).toEqual(['held-lot-used:e2', 'held-lot-used:e1']);
      expect(await keys({ from: '2026-05-02T00:00:00.000Z', to: '2026-05-03T00:00:00.000Z' })).toEqual(['held-lot-used:e2']);
      expect(await keys({ limit: 1 })).toEqual(['p:3']);
      const [first] = await q.queryExceptions({ lot: 'urn:lotline:lot:RAW:L1' });
      await acknowledge(q, first!.id, {}, 'user:quinn');
      expect(await keys({ state: 'acknowledged' })).toEqual(['held-lot-used:e1']);
      expect(await keys({ state: 'open', line: 'L1' })).toEqual(['p:3']);
    });

    it('moves open → acknowledged → resolved, refuses other moves, and keeps every change in the history', async () => {
      const q = await fresh();
      const [e] = await q.report([finding(1)], () => null, 'lotline');
      const id = e!.id;
      await expect(acknowledge(q, 999, {}, 'user:quinn')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await acknowledge(q, id, { owner: 'ruth', dueAt: '2026-05-02T12:00:00+02:00' }, 'user:quinn')).toMatchObject({ state: 'acknowledged', owner: 'ruth', dueAt: '2026-05-02T10:00:00.000Z' });
      await expect(acknowledge(q, id, {}, 'user:quinn')).rejects.toMatchObject({ code: 'EXCEPTION_STATE' });
      await expect(assign(q, id, { dueAt: 'tomorrow' }, 'user:quinn')).rejects.toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: '$.dueAt' }] });
      expect(await assign(q, id, { owner: 'sam' }, 'user:quinn')).toMatchObject({ state: 'acknowledged', owner: 'sam' });
      await expect(resolve(q, id, '  ', 'user:sam')).rejects.toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: '$.note' }] });
      expect(await resolve(q, id, 'lot traced and destroyed', 'user:sam', { correctiveEventId: 'x' })).toMatchObject({ state: 'resolved', resolution: 'lot traced and destroyed' });
      await expect(dismiss(q, id, 'no', 'user:sam')).rejects.toMatchObject({ code: 'EXCEPTION_STATE' });
      const history = await q.historyOf(id);
      expect(history.map((h) => [h.action, h.actor])).toEqual([
        ['opened', 'lotline'],
        ['acknowledged', 'user:quinn'],
        ['assigned', 'user:quinn'],
        ['resolved', 'user:sam'],
      ]);
      expect(history[2]!.details).toMatchObject({ owner: 'sam', previousOwner: 'ruth' });
      expect(history[3]!.details).toEqual({ note: 'lot traced and destroyed', correctiveEventId: 'x' });
      expect(history.every((h) => /^\d{4}-\d{2}-\d{2}T/.test(h.time))).toBe(true);
    });

    it('refuses a change when the state moved meanwhile (a second writer), writing no history for it', async () => {
      const q = await fresh();
      const [e] = await q.report([finding(1)], () => null, 'lotline');
      expect(await q.updateException(e!.id, 'acknowledged', { state: 'resolved' }, { actor: 'x', action: 'resolved', details: {} })).toBeUndefined();
      expect(await q.historyOf(e!.id)).toHaveLength(1);
      expect((await q.getException(e!.id))!.state).toBe('open');
    });

    it('dismisses with a reason', async () => {
      const q = await fresh();
      const [e] = await q.report([finding(1)], () => null, 'lotline');
      await expect(dismiss(q, e!.id, '', 'user:quinn')).rejects.toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: '$.reason' }] });
      expect(await dismiss(q, e!.id, 'test lot, never used', 'user:quinn')).toMatchObject({ state: 'dismissed', resolution: 'test lot, never used' });
    });

    it('escalates each overdue unfinished exception once, and a new due time starts the clock again', async () => {
      const q = await fresh();
      const alerts: Alert[] = [];
      await q.report([finding(1), finding(2), finding(3)], (f) => f.detectedAt, 'lotline');
      const [, second, third] = (await q.queryExceptions({})).reverse();
      await dismiss(q, third!.id, 'duplicate', 'user:quinn');
      const now = new Date('2026-05-01T12:00:00Z');
      expect((await escalateOverdue(q, [(a) => alerts.push(a)], now)).map((e) => e.key)).toEqual(['held-lot-used:e1']);
      expect(await escalateOverdue(q, [(a) => alerts.push(a)], now)).toEqual([]);
      expect(alerts.map((a) => [a.kind, a.exception.key])).toEqual([['exception.escalated', 'held-lot-used:e1']]);
      const later = new Date('2026-05-02T12:00:00Z');
      expect((await escalateOverdue(q, [(a) => alerts.push(a)], later)).map((e) => e.key)).toEqual(['held-lot-used:e2']);
      const [first] = await q.queryExceptions({ lot: 'urn:lotline:lot:RAW:L1' });
      expect(first!.escalatedAt).toBe('2026-05-01T12:00:00.000Z');
      await assign(q, first!.id, { dueAt: '2026-05-10T00:00:00Z' }, 'user:quinn');
      expect((await q.getException(first!.id))!.escalatedAt).toBeNull();
      expect(await escalateOverdue(q, [], later)).toEqual([]);
      expect((await q.historyOf(second!.id)).map((h) => h.action)).toEqual(['opened', 'escalated']);
    });

    it('keeps one gap-rule watermark, replaced by each run, and none before the first', async () => {
      const q = await fresh();
      expect(await q.getGapWatermark()).toBeUndefined();
      await q.putGapWatermark({ seq: 12, judgedAtMs: 1_780_000_000_000, config: 'abc' });
      expect(await q.getGapWatermark()).toEqual({ seq: 12, judgedAtMs: 1_780_000_000_000, config: 'abc' });
      await q.putGapWatermark({ seq: 4_000_000_000, judgedAtMs: 1_780_000_900_000, config: 'def' });
      expect(await q.getGapWatermark()).toEqual({ seq: 4_000_000_000, judgedAtMs: 1_780_000_900_000, config: 'def' });
    });

    it('keeps a signature ledger and pending four-eyes decisions', async () => {
      const q = await fresh();
      const sig = { hash: 'a'.repeat(64), signer: 'quinn', meaning: 'released after retest', signedAt: '2026-05-04T10:00:00.000+00:00' };
      await q.recordSignatures([sig]);
      await q.recordSignatures([sig]);
      expect(await q.getSignature(sig.hash)).toEqual(sig);
      expect(await q.getSignature('b'.repeat(64))).toBeUndefined();
      const pending = { key: 'k', draft: { type: 'ObjectEvent', 'lotline:endsHolds': ['h1'] }, signatures: [{ signer: 'quinn' }], createdAt: '2026-05-04T10:00:00.000Z' };
      await q.putPending(pending);
      expect(await q.getPending('k')).toEqual(pending);
      await q.putPending({ ...pending, signatures: [{ signer: 'ruth' }] });
      expect((await q.getPending('k'))!.signatures).toEqual([{ signer: 'ruth' }]);
      await q.deletePending('k');
      expect(await q.getPending('k')).toBeUndefined();
    });
  });
}
