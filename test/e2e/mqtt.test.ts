/**
 * MQTT ingestion against the real Mosquitto broker at 127.0.0.1:1883: what is published while
 * `lotline serve --mqtt` is stopped is stored after it restarts, exactly once; bad messages are
 * answered on the error topic and do not hold up the ones behind them.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { checkTopicPattern, matchTopic } from '../../src/capture/mqtt/mqtt-ingest.js';
import { openStationStore, openStore } from '../../src/main.js';
import { serveProcess } from '../helpers/serve.js';

const BROKER = process.env['LOTLINE_TEST_MQTT'] ?? 'mqtt://127.0.0.1:1883';

/** Whether a broker answers; outside CI a missing one skips the broker tests (with the reason), in CI it fails them. */
async function brokerSkipReason(): Promise<string | undefined> {
  const { hostname, port } = new URL(BROKER);
  const up = await new Promise<boolean>((resolve) => {
    const s = connect({ host: hostname, port: Number(port || 1883) }, () => (s.end(), resolve(true)));
    s.on('error', () => resolve(false));
  });
  if (up || process.env['CI']) return undefined;
  return `no MQTT broker at ${BROKER} (set LOTLINE_TEST_MQTT; .ci/run starts Mosquitto)`;
}
const skip = await brokerSkipReason();

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('MQTT topic filters', () => {
  it('match levels and give the station as the last +', () => {
    expect(matchTopic('plant/+/station/+/scan', 'plant/p1/station/RCV-1/scan')).toEqual(['p1', 'RCV-1']);
    expect(matchTopic('plant/+/station/+/scan', 'plant/p1/station/RCV-1/scan/x')).toBeUndefined();
    expect(matchTopic('plant/+/events', 'plant/p1/station/RCV-1/scan')).toBeUndefined();
    expect(matchTopic('plant/#', 'plant/p1/events')).toEqual([]);
    expect(() => checkTopicPattern('plant/x+/scan', '--mqtt-scan-topic', true)).toThrow(/not an MQTT topic filter/);
    expect(() => checkTopicPattern('plant/scan', '--mqtt-scan-topic', true)).toThrow(/needs a "\+" level/);
    expect(() => checkTopicPattern('a/#/b', '--mqtt-events-topic', false)).toThrow(/"#" only last/);
  });
});

describe.skipIf(skip !== undefined)(`lotline serve --mqtt (real broker)${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('stores what was published while it was stopped after the restart, exactly once, and answers bad messages', async () => {
    const tag = `lt${process.pid}${randomBytes(3).toString('hex')}`;
    const db = join(mkdtempSync(join(tmpdir(), 'lotline-mqtt-')), 'plant.db');
    const stations = await openStationStore(db);
    await stations.insertStation({ id: 'RCV-1', site: 'Plant 1', line: null, role: 'receiving', defaults: { supplier: 'Mill' }, createdAt: '2026-05-04T06:00:00.000Z', createdBy: 'cli:test' });
    await stations.close();
    const args = ['--db', db, '--mqtt', BROKER, '--mqtt-client-id', `lotline-${tag}`, '--mqtt-scan-topic', `${tag}/plant/+/station/+/scan`, '--mqtt-events-topic', `${tag}/plant/+/events`, '--mqtt-error-prefix', `${tag}/errors/`];

    // First start: the broker learns the persistent session and its subscriptions.
    let server = await serveProcess(args);
    await waitFor('the MQTT subscription', async () => (/MQTT: reading scans/.test(server.log()) ? true : undefined));
    expect(await server.stop()).toBe(0);

    const pub = await mqtt.connectAsync(BROKER, { clientId: `pub-${tag}`, clean: true });
    const errors: { topic: string; body: Record<string, unknown> }[] = [];
    await pub.subscribeAsync(`${tag}/errors/#`, { qos: 1 });
    pub.on('message', (topic, payload) => errors.push({ topic, body: JSON.parse(payload.toString()) as Record<string, unknown> }));
    const scanTopic = `${tag}/plant/p1/station/RCV-1/scan`;
    const eventsTopic = `${tag}/plant/p1/events`;
    const native = { cmd: 'receive', time: '2026-05-04T08:00:00+02:00', from: 'Mill', lots: [{ item: 'SALT', lot: 'S-1', quantity: 5, uom: 'KGM' }] };
    // While Lotline is stopped: two receipts by scan, a native command sent twice, and three bad messages.
    await pub.publishAsync(scanTopic, '(01)09501101020917(10)F-1(3102)002500(400)PO-1', { qos: 1 });
    await pub.publishAsync(eventsTopic, '{"cmd": "receive", "time": "nope"', { qos: 1 });
    await pub.publishAsync(scanTopic, JSON.stringify({ barcode: ']C1010950600013435210S-9\u001d3102001000', messageId: 'm-1' }), { qos: 1 });
    await pub.publishAsync(scanTopic, JSON.stringify({ barcode: ']C1010950600013435210S-9\u001d3102001000', messageId: 'm-1' }), { qos: 1 }); // a publisher's retry
    await pub.publishAsync(scanTopic, ']C10109501101020918', { qos: 1 });
    await pub.publishAsync(scanTopic, 'PO-2', { qos: 1 });
    await pub.publishAsync(eventsTopic, JSON.stringify(native), { qos: 1 });
    await pub.publishAsync(eventsTopic, JSON.stringify(native), { qos: 1 });
    await pub.publishAsync(`${tag}/plant/p1/station/NOPE/scan`, 'X', { qos: 1 });

    server = await serveProcess(args);
    try {
      await waitFor('three error answers', async () => (errors.length >= 3 ? true : undefined)).catch((e: unknown) => {
        throw new Error(`${String(e)}; errors: ${JSON.stringify(errors)}; log: ${server.log()}`);
      });
      // Messages are handled in order: the refusal of the last one means all were handled.
      await waitFor('the last message', async () => (/STATION_NOT_FOUND/.test(server.log()) ? true : undefined));
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(errors.map((e) => [e.topic, e.body['code']])).toEqual([
      [`${tag}/errors/${eventsTopic}`, 'INPUT_NOT_JSON'],
      [`${tag}/errors/${scanTopic}`, 'ID_BAD_CHECK_DIGIT'],
      [`${tag}/errors/${tag}/plant/p1/station/NOPE/scan`, 'STATION_NOT_FOUND'],
    ]);
    expect(errors[1]!.body['message']).toContain('AI (01) GTIN at position 2');

    const count = async () => {
      const store = await openStore(db, { create: false });
      try {
        const rows = await store.queryEvents({ limit: 100 });
        return rows.map((r) => [r.bizStep, r.recordedBy]);
      } finally {
        await store.close();
      }
    };
    const expected = [
      ['receiving', `mqtt:lotline-${tag}`],
      ['receiving', `mqtt:lotline-${tag}`],
      ['receiving', `mqtt:lotline-${tag}`],
    ];
    expect(await count()).toEqual(expected);

    // A third start gets nothing again: every message was acknowledged once stored.
    server = await serveProcess(args);
    await waitFor('the MQTT subscription', async () => (/MQTT: reading scans/.test(server.log()) ? true : undefined));
    await new Promise((r) => setTimeout(r, 1000));
    expect(await server.stop()).toBe(0);
    expect(await count()).toEqual(expected);
    expect(errors).toHaveLength(3);
    await pub.endAsync();
  }, 120_000);
});
