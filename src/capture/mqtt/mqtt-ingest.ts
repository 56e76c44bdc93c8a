/**
 * MQTT ingestion: raw scans (`plant/+/station/+/scan`) and native commands or EPCIS events
 * (`plant/+/events`) from a broker, into the same capture path as the HTTP API.
 *
 * Nothing is lost across a restart: QoS 1 subscriptions on a persistent session (clean: false,
 * fixed client id) make the broker keep what arrives while Lotline is away, and a message is
 * acknowledged only once what it did is durable. Nothing is stored twice: events are idempotent
 * by eventID (native commands without `id` get one derived from their content), scans by their
 * message id, which is saved with the station's state. A bad message is answered on the error
 * topic, logged, and acknowledged, so it never blocks the messages behind it.
 */
import { createHash } from 'node:crypto';
import type { IClientOptions, MqttClient } from 'mqtt';
import mqtt from 'mqtt';
import type { Issue } from '../../domain/errors.js';
import { isLotlineError, LotlineError } from '../../domain/errors.js';
import type { AppendOutcome, CapturedEvent, CaptureContext } from '../../store/event-store.js';
import { readCaptureValue } from '../capture-events.js';
import type { ScanRequest, ScanResult } from '../scan/scan-service.js';

export interface MqttOptions {
  /** mqtt://host:port (or mqtts://, ws://). */
  readonly url: string;
  /** Fixed, so the broker keeps this session (and its queued messages) across restarts. */
  readonly clientId: string;
  /** Raw scans; the level matched by the last `+` is the station id. */
  readonly scanTopic: string;
  /** Native commands and EPCIS events (one JSON object or an array). */
  readonly eventsTopic: string;
  /** Bad messages are answered on `${errorPrefix}${original topic}`. */
  readonly errorPrefix: string;
}

export const DEFAULT_MQTT: Omit<MqttOptions, 'url'> = {
  clientId: 'lotline',
  scanTopic: 'plant/+/station/+/scan',
  eventsTopic: 'plant/+/events',
  errorPrefix: 'lotline/errors/',
};

export interface MqttDeps {
  /** Stores events atomically (the server's group committer). */
  capture(events: readonly CapturedEvent[], context: CaptureContext): Promise<AppendOutcome[]>;
  /** One scan at a station; absent when the server has no station store. */
  scan?: (request: ScanRequest, context: CaptureContext) => Promise<ScanResult>;
  /** Called after events were stored (the live stream). */
  onStored?: () => void;
  readonly log: { info(o: object, msg: string): void; warn(o: object, msg: string): void; error(o: object, msg: string): void };
}

export interface MqttIngest {
  /** Finishes the message in hand, then disconnects (the session stays on the broker). */
  stop(): Promise<void>;
}

/** Codes that say "try again": the message is retried before it is answered as an error. */
const TRANSIENT = new Set(['STORE_BUSY', 'STORE_UNAVAILABLE', 'SHUTTING_DOWN']);
const RETRIES = 5;
/** Largest payload read; larger ones are refused (a whole document belongs in a file import). */
export const MAX_MQTT_PAYLOAD = 1024 * 1024;

/** Checks a subscription pattern; the scan pattern needs a `+` for the station. */
export function checkTopicPattern(pattern: string, what: string, needsStation: boolean): void {
  const levels = pattern.split('/');
  if (pattern === '' || levels.some((l) => (l.includes('+') && l !== '+') || (l.includes('#') && l !== '#')) || levels.slice(0, -1).includes('#')) {
    throw new LotlineError('USAGE', `${what} ${JSON.stringify(pattern)} is not an MQTT topic filter (levels split by "/", "+" for one level, "#" only last)`);
  }
  if (needsStation && !levels.includes('+')) throw new LotlineError('USAGE', `${what} ${JSON.stringify(pattern)} needs a "+" level for the station id, like plant/+/station/+/scan`);
}

/** The topic levels matched by each `+` of `pattern`, or undefined when `topic` does not match. */
export function matchTopic(pattern: string, topic: string): string[] | undefined {
  const p = pattern.split('/');
  const t = topic.split('/');
  const plus: string[] = [];
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '#') return plus;
    if (i >= t.length) return undefined;
    if (p[i] === '+') plus.push(t[i]!);
    else if (p[i] !== t[i]) return undefined;
  }
  return p.length === t.length ? plus : undefined;
}

interface Handled {
  readonly stored?: number;
  readonly reply?: ScanResult;
}

export async function startMqttIngest(deps: MqttDeps, options: MqttOptions): Promise<MqttIngest> {
  checkTopicPattern(options.scanTopic, '--mqtt-scan-topic', true);
  checkTopicPattern(options.eventsTopic, '--mqtt-events-topic', false);
  const clientOptions: IClientOptions = { clientId: options.clientId, clean: false, reconnectPeriod: 2000, connectTimeout: 10_000, protocolVersion: 4 };
  // Not connected yet: the handler must be in place before the broker delivers what it queued for this session.
  const client: MqttClient = mqtt.connect(options.url, { ...clientOptions, manualConnect: true });
  const context = (topic: string): CaptureContext => ({ actor: `mqtt:${options.clientId}`, origin: topic });
  let inHand: Promise<void> = Promise.resolve();

  const handle = async (topic: string, payload: Buffer, packetId: number | undefined): Promise<Handled> => {
    if (payload.length > MAX_MQTT_PAYLOAD) throw new LotlineError('INPUT_TOO_LARGE', `the message has ${payload.length} bytes; at most ${MAX_MQTT_PAYLOAD} are read (import large documents as files)`);
    const text = payload.toString('utf8');
    const station = matchTopic(options.scanTopic, topic)?.at(-1);
    if (station !== undefined) {
      if (!deps.scan) throw new LotlineError('USAGE', 'this server has no scan stations');
      let barcode = text;
      let messageId: string | undefined;
      if (text.trimStart().startsWith('{')) {
        const body = parseJson(text) as { barcode?: unknown; messageId?: unknown };
        if (typeof body.barcode !== 'string' || body.barcode === '') throw new LotlineError('INPUT_INVALID', 'a JSON scan needs "barcode" (the text the scanner read)', { issues: [{ path: '$.barcode', reason: '"barcode" must be a non-empty string' }] });
        if (body.messageId !== undefined && (typeof body.messageId !== 'string' || body.messageId === '')) throw new LotlineError('INPUT_INVALID', '"messageId" must be a non-empty string', { issues: [{ path: '$.messageId', reason: 'must be a non-empty string' }] });
        barcode = body.barcode;
        messageId = body.messageId as string | undefined;
      }
      // Without a message id, a redelivery (same packet id, same payload) is still recognised.
      messageId ??= `mqtt:${packetId ?? 0}:${createHash('sha256').update(topic).update('\n').update(payload).digest('hex').slice(0, 32)}`;
      const reply = await deps.scan({ station, barcode, messageId }, context(topic));
      if (reply.status === 'completed') deps.onStored?.();
      return { reply };
    }
    if (matchTopic(options.eventsTopic, topic) !== undefined) {
      const { events } = readCaptureValue(parseJson(text));
      const outcomes = await deps.capture(events, context(topic));
      const stored = outcomes.filter((o) => o.status !== 'duplicate').length;
      if (stored > 0) deps.onStored?.();
      return { stored };
    }
    throw new LotlineError('USAGE', `no handler for topic ${topic}`);
  };

  const answerError = (topic: string, payload: Buffer, e: unknown): void => {
    const err = isLotlineError(e) ? e : new LotlineError('INTERNAL_ERROR', `unexpected failure: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    const issues: readonly Issue[] = err.issues;
    const body = { code: err.code, message: err.message, issues, topic, payload: payload.toString('utf8').slice(0, 2000), at: new Date().toISOString() };
    (err.code === 'INTERNAL_ERROR' ? deps.log.error : deps.log.warn).call(deps.log, { topic, code: err.code, err: e }, `MQTT message refused: ${err.message}`);
    // Not awaited: its PUBACK arrives on the stream this handler holds until it returns.
    client.publish(`${options.errorPrefix}${topic}`, JSON.stringify(body), { qos: 1 }, (pe) => {
      if (pe) deps.log.error({ topic, err: pe }, 'could not publish the error answer');
    });
  };

  // Called by the client for each incoming message before it acknowledges it, one at a time.
  client.handleMessage = (packet, done) => {
    const run = (async () => {
      const topic = packet.topic;
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      for (let attempt = 1; ; attempt++) {
        try {
          const r = await handle(topic, payload, packet.messageId);
          deps.log.info({ topic, stored: r.stored, scan: r.reply?.status }, r.reply ? `MQTT scan at ${r.reply.station}: ${r.reply.understood} → ${r.reply.next}` : `MQTT events: ${r.stored} stored`);
          return;
        } catch (e) {
          if (isLotlineError(e) && TRANSIENT.has(e.code) && attempt < RETRIES) {
            await new Promise((r) => setTimeout(r, 200 * attempt));
            continue;
          }
          answerError(topic, payload, e);
          return;
        }
      }
    })();
    inHand = run;
    run.then(() => done(), (e: unknown) => done(e instanceof Error ? e : new Error(String(e))));
  };
  client.on('error', (e) => deps.log.error({ err: e }, `MQTT: ${e.message}`));
  client.on('reconnect', () => deps.log.warn({}, `MQTT: reconnecting to ${options.url}`));

  try {
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error): void => {
        clearTimeout(timer);
        reject(e);
      };
      const timer = setTimeout(() => onError(new Error('no answer within 10 s')), 10_000);
      client.once('connect', () => {
        clearTimeout(timer);
        client.off('error', onError);
        resolve();
      });
      client.once('error', onError);
      client.connect();
    });
  } catch (e) {
    await client.endAsync(true);
    throw new LotlineError('USAGE', `cannot connect to the MQTT broker at ${options.url}: ${e instanceof Error ? e.message : String(e)}; check --mqtt`, { cause: e });
  }
  try {
    const granted = await client.subscribeAsync({ [options.scanTopic]: { qos: 1 }, [options.eventsTopic]: { qos: 1 } });
    const refused = granted.filter((g) => g.qos !== 1);
    if (refused.length > 0) throw new Error(`the broker granted ${refused.map((g) => `${g.topic}: QoS ${g.qos}`).join(', ')}; QoS 1 is needed so that nothing is lost`);
  } catch (e) {
    await client.endAsync(true);
    throw new LotlineError('USAGE', `cannot subscribe on ${options.url}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  deps.log.info({ url: options.url, clientId: options.clientId }, `MQTT: reading scans from ${options.scanTopic} and events from ${options.eventsTopic}; errors answered on ${options.errorPrefix}<topic>`);
  return {
    stop: async () => {
      await inHand.catch(() => undefined);
      await client.endAsync(false);
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new LotlineError('INPUT_NOT_JSON', `the message is not JSON: ${e instanceof Error ? e.message : String(e)}`, { issues: [{ path: '$', reason: 'not JSON' }] });
  }
}
