/**
 * The integration store conformance suite: file-drop hashes, webhook subscriptions, the outbox
 * (queueing with the log cursor, leases, retries, dead letters, replay) over every adapter.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { IntegrationStore, NewDelivery, WebhookSubscription } from '../../src/integrations/integration-store.js';

export interface IntegrationStoreFactory {
  /** A new, empty integration store; `reopen` opens the same database again. */
  create(): Promise<{ store: IntegrationStore; reopen(): Promise<IntegrationStore> }>;
}

const sub = (id: string, extra: Partial<WebhookSubscription> = {}): WebhookSubscription => ({
  id,
  url: `http://127.0.0.1:9/${id}`,
  secret: 'a-secret-of-16-chars',
  types: ['event'],
  filter: { bizSteps: ['shipping'] },
  active: true,
  createdAt: '2026-05-04T08:00:00.000Z',
  createdBy: 'cli:test',
  ...extra,
});
const delivery = (id: string, subscriptionId = 'wh_a'): NewDelivery => ({ id, subscriptionId, kind: 'event', body: `{"id":"${id}"}` });

export function testIntegrationStore(name: string, factory: IntegrationStoreFactory): void {
  const opened: IntegrationStore[] = [];
  const fresh = async (): Promise<{ store: IntegrationStore; reopen(): Promise<IntegrationStore> }> => {
    const f = await factory.create();
    opened.push(f.store);
    return {
      store: f.store,
      reopen: async () => {
        const s = await f.reopen();
        opened.push(s);
        return s;
      },
    };
  };
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close().catch(() => undefined);
  });

  describe(`integration store conformance: ${name}`, () => {
    it('remembers processed file hashes across a reopen; a second record keeps the first', async () => {
      const { store, reopen } = await fresh();
      expect(await store.processedFile('ab'.repeat(32))).toBeUndefined();
      await store.recordProcessedFile({ sha256: 'ab'.repeat(32), name: 'a.csv', processedAt: '2026-05-04T08:00:00.000Z', events: 3 });
      await store.recordProcessedFile({ sha256: 'ab'.repeat(32), name: 'b.csv', processedAt: '2026-05-05T08:00:00.000Z', events: 3 });
      await store.close();
      const again = await reopen();
      expect(await again.processedFile('ab'.repeat(32))).toEqual({ sha256: 'ab'.repeat(32), name: 'a.csv', processedAt: '2026-05-04T08:00:00.000Z', events: 3 });
    });

    it('keeps subscriptions: insert, get, list, change, delete (with their deliveries)', async () => {
      const { store } = await fresh();
      await store.insertSubscription(sub('wh_a'));
      await store.insertSubscription(sub('wh_b', { active: false, filter: {} }));
      expect(await store.getSubscription('wh_a')).toEqual(sub('wh_a'));
      expect((await store.listSubscriptions()).map((s) => [s.id, s.active])).toEqual([
        ['wh_a', true],
        ['wh_b', false],
      ]);
      expect(await store.updateSubscription('wh_a', { active: false, types: ['event', 'quality.alert'] })).toBe(true);
      expect(await store.getSubscription('wh_a')).toMatchObject({ active: false, types: ['event', 'quality.alert'], url: sub('wh_a').url });
      expect(await store.updateSubscription('wh_x', { active: false })).toBe(false);
      await store.enqueue([delivery('d1')], 1000);
      expect(await store.deleteSubscription('wh_a')).toBe(true);
      expect(await store.getDelivery('d1')).toBeUndefined();
      expect(await store.deleteSubscription('wh_a')).toBe(false);
    });

    it('queues deliveries with the log cursor only when the cursor is where the caller saw it', async () => {
      const { store } = await fresh();
      await store.insertSubscription(sub('wh_a'));
      expect(await store.eventCursor()).toBe(-1);
      expect(await store.enqueueFromLog(-1, 0, [], 1000)).toBe(true);
      expect(await store.enqueueFromLog(0, 5, [delivery('d1'), delivery('d2')], 1000)).toBe(true);
      // a second process that read the cursor at 0 too queues nothing
      expect(await store.enqueueFromLog(0, 5, [delivery('d3')], 1000)).toBe(false);
      expect(await store.eventCursor()).toBe(5);
      expect((await store.listDeliveries('pending', 10)).map((d) => d.id)).toEqual(['d2', 'd1']);
      expect(await store.getDelivery('d3')).toBeUndefined();
    });

    it('leases due deliveries, retries them later, kills them, and replays a dead one', async () => {
      const { store } = await fresh();
      await store.insertSubscription(sub('wh_a'));
      await store.enqueue([delivery('d1'), delivery('d2')], 1000);
      expect(await store.claimDue(999, 100, 10)).toEqual([]);
      const claimed = await store.claimDue(1000, 100, 1);
      expect(claimed.map((d) => [d.id, d.attempts, d.status, d.body])).toEqual([['d1', 0, 'pending', '{"id":"d1"}']]);
      // leased: not claimed again until the lease ends
      expect((await store.claimDue(1050, 100, 10)).map((d) => d.id)).toEqual(['d2']);
      expect((await store.claimDue(1101, 100, 10)).map((d) => d.id)).toEqual(['d1']);
      await store.markFailed('d1', 1, 'HTTP 500', 5000);
      expect(await store.getDelivery('d1')).toMatchObject({ status: 'pending', attempts: 1, lastError: 'HTTP 500', nextAttemptMs: 5000 });
      await store.markFailed('d1', 2, 'HTTP 503', null);
      expect((await store.listDeliveries('dead', 10)).map((d) => [d.id, d.attempts, d.lastError])).toEqual([['d1', 2, 'HTTP 503']]);
      expect(await store.claimDue(1_000_000, 100, 10)).toHaveLength(1); // d2 only (its lease ended)
      expect(await store.replay('d1', 7000)).toBe(true);
      expect(await store.getDelivery('d1')).toMatchObject({ status: 'pending', attempts: 0, nextAttemptMs: 7000 });
      expect(await store.replay('d1', 7000)).toBe(false);
      await store.markDelivered('d1', 1, '2026-05-04T08:00:00.000Z');
      expect(await store.getDelivery('d1')).toMatchObject({ status: 'delivered', attempts: 1, deliveredAt: '2026-05-04T08:00:00.000Z', lastError: null });
    });
  });
}
