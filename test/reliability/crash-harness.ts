/**
 * The crash test's machinery: `lotline serve` as a child process over a real database, writers
 * that capture over HTTP and MQTT (QoS 1 through the real broker) and remember what was
 * acknowledged, SIGKILL at seeded random moments, restarts, and the final accounting: every
 * acknowledged event stored exactly once, nothing stored that nobody sent, the hash chain intact,
 * and the projections equal to a rebuild from the log.
 *
 * What counts as acknowledged: over HTTP a 2xx answer, with the eventIDs it lists; over MQTT the
 * broker's PUBACK to the publisher. Lotline acknowledges a message to the broker only once the
 * events are committed, and its session on the broker is persistent (QoS 1, clean: false), so a
 * message the broker took is stored after the next restart (docs/reliability.md).
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import mqtt from 'mqtt';
import { rng } from '../../bench/plant/generate-plant.js';
import { createKey } from '../../src/identity/identity-service.js';
import { openIdentityStore, openStore, rebuildProjections } from '../../src/main.js';
import type { ProjectionReport } from '../../src/store/projection-check.js';

export const BROKER = process.env['LOTLINE_TEST_MQTT'] ?? 'mqtt://127.0.0.1:1883';

/** Seeded random numbers (the plant generator's mulberry32): a failing run is repeated with its printed seed. */
export const seededRandom = rng;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** CPU seconds (user + system) a live process has used so far, from /proc. */
function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line: 12 and 13 after the command name
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** An API key for the writers (quality role: it may also declare events erroneous), made directly in the identity store. */
export async function operatorKey(db: string): Promise<string> {
  const identity = await openIdentityStore(db);
  try {
    const { secret } = await createKey(identity, { name: `crash-${randomUUID().slice(0, 8)}`, role: 'quality' }, { actor: 'cli:crash-test', origin: 'cli@test' });
    return secret;
  } finally {
    await identity.close();
  }
}

/** What one writer's batch is: the commands, and the eventIDs it stores or declares. */
interface Batch {
  readonly body: unknown[];
  readonly eventIds: readonly string[];
  readonly declares: readonly string[];
}

const ISO = (minute: number) => new Date(Date.UTC(2026, 4, 4, 6, 0, 0) + minute * 60_000).toISOString().replace('.000Z', '+00:00');

/** A receipt as an EPCIS event (so that it can be declared erroneous later with the same body). */
function receipt(id: string, item: string, lot: string, minute: number, supplier: string): Record<string, unknown> {
  return {
    type: 'ObjectEvent',
    eventID: id,
    eventTime: ISO(minute),
    eventTimeZoneOffset: '+00:00',
    action: 'ADD',
    bizStep: 'receiving',
    disposition: 'in_progress',
    epcList: [],
    quantityList: [{ epcClass: `urn:lotline:lot:${item}:${lot}`, quantity: 100, uom: 'KGM' }],
    readPoint: { id: 'urn:lotline:loc:Goods%20in' },
    bizLocation: { id: 'urn:lotline:loc:Goods%20in' },
    sourceList: [{ type: 'owning_party', source: `urn:lotline:party:${encodeURIComponent(supplier)}` }],
    bizTransactionList: [{ type: 'po', bizTransaction: `urn:lotline:po:PO-${lot}` }],
  };
}

/**
 * The k-th batch of writer `w` (tag keeps runs apart): a receipt, and every few batches a
 * production from earlier receipts, a packing and a shipment of the pallet, or an error
 * declaration of an earlier receipt — so that flows, unit contents, terms and voids are all written.
 */
function makeBatch(tag: string, w: string, k: number, receipts: Map<number, Record<string, unknown>>): Batch {
  const body: unknown[] = [];
  const ids: string[] = [];
  const declares: string[] = [];
  const raw = `RAW-${tag}-${w}`;
  const id = () => {
    const x = `urn:uuid:${randomUUID()}`;
    ids.push(x);
    return x;
  };
  const r = receipt(id(), raw, `R${k}`, k, `Supplier ${w}`);
  receipts.set(k, r);
  body.push({ cmd: 'event', event: r });
  if (k % 3 === 2) {
    body.push({
      cmd: 'produce',
      id: id(),
      time: ISO(k + 0.5),
      inputs: [
        { item: raw, lot: `R${k - 1}`, quantity: 40, uom: 'KGM' },
        { item: raw, lot: `R${k - 2}`, quantity: 40, uom: 'KGM' },
      ],
      outputs: [{ item: `FG-${tag}-${w}`, lot: `F${k}`, quantity: 80, uom: 'KGM' }],
      location: 'Mixing',
    });
  }
  if (k % 5 === 4) {
    const unit = `CAGE-${tag}-${w}-${k}`;
    body.push({ cmd: 'pack', id: id(), time: ISO(k + 0.6), unit, contents: [{ item: raw, lot: `R${k}`, quantity: 50, uom: 'KGM' }], location: 'Palletiser' });
    body.push({ cmd: 'ship', id: id(), time: ISO(k + 0.7), units: [{ unit }], to: `Customer ${w}`, order: `SO-${tag}-${w}-${k}` });
  }
  if (k % 7 === 6 && receipts.has(k - 6)) {
    const original = receipts.get(k - 6)!;
    body.push({ cmd: 'event', event: { ...original, errorDeclaration: { declarationTime: ISO(k + 0.8), reason: 'incorrect_data' } } });
    declares.push(original['eventID'] as string);
  }
  return { body, eventIds: ids, declares };
}

export interface Ledger {
  /** eventID → how many 2xx answers (or PUBACKs) acknowledged it. */
  readonly acked: Map<string, number>;
  /** Error declarations acknowledged (eventIDs declared). */
  readonly declared: Set<string>;
  /** Every eventID any writer sent (acknowledged or not). */
  readonly sent: Set<string>;
  /** Requests sent again after a failure, and how their events were answered then. */
  retries: number;
  readonly retryStatuses: Map<string, number>;
  /** Answers that are neither 2xx nor a refused connection: each is a failure of the test. */
  readonly unexpected: string[];
  httpBatches: number;
  mqttMessages: number;
  /** Events acknowledged over MQTT (the rest of `acked` came over HTTP). */
  readonly mqttIds: Set<string>;
}

export function newLedger(): Ledger {
  return { acked: new Map(), declared: new Set(), sent: new Set(), retries: 0, retryStatuses: new Map(), unexpected: [], httpBatches: 0, mqttMessages: 0, mqttIds: new Set() };
}

/** Statuses that mean "not now, try again" (the server is starting, stopping or its database is away). */
const RETRY_STATUSES = new Set([502, 503, 504]);

/**
 * One HTTP writer: sends its batches one after another, each until it is acknowledged (the same
 * request again after a refused connection or a 503), and stops after `stop()` once the batch in
 * hand is acknowledged.
 */
export function httpWriter(url: () => string, key: string, tag: string, w: string, ledger: Ledger): { stop(): Promise<void> } {
  let stopping = false;
  const receipts = new Map<number, Record<string, unknown>>();
  const done = (async () => {
    for (let k = 0; !stopping; k++) {
      const batch = makeBatch(tag, w, k, receipts);
      for (const id of batch.eventIds) ledger.sent.add(id);
      for (let attempt = 1; ; attempt++) {
        let res: Response;
        try {
          res = await fetch(`${url()}/api/v1/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify(batch.body),
            signal: AbortSignal.timeout(30_000),
          });
        } catch {
          // refused (server down), reset or cut off (killed mid-request): not acknowledged, send again
          await sleep(50);
          continue;
        }
        const text = await res.text().catch(() => '');
        if (res.status === 200 || res.status === 201) {
          const answer = JSON.parse(text) as { results: { eventId: string; status: string }[] };
          ledger.httpBatches++;
          if (attempt > 1) ledger.retries++;
          for (const r of answer.results) {
            if (r.status === 'declared' || (r.status === 'duplicate' && batch.declares.includes(r.eventId) && !batch.eventIds.includes(r.eventId))) ledger.declared.add(r.eventId);
            else ledger.acked.set(r.eventId, (ledger.acked.get(r.eventId) ?? 0) + 1);
            if (attempt > 1) ledger.retryStatuses.set(r.status, (ledger.retryStatuses.get(r.status) ?? 0) + 1);
          }
          break;
        }
        if (RETRY_STATUSES.has(res.status)) {
          await sleep(100);
          continue;
        }
        // a refusal is a failure of the test (expectCrashSafe); the writer goes on with its next batch
        ledger.unexpected.push(`HTTP ${res.status} from writer ${w}, batch ${k} (attempt ${attempt}): ${text.slice(0, 500)}`);
        break;
      }
    }
  })();
  return {
    stop: async () => {
      stopping = true;
      await done;
    },
  };
}

/**
 * One MQTT publisher (QoS 1): a receipt per message, the next only after the broker's PUBACK for
 * the last; it keeps publishing while Lotline is down (the broker queues for Lotline's session).
 */
export async function mqttPublisher(topic: string, tag: string, w: string, ledger: Ledger, intervalMs: number): Promise<{ stop(): Promise<void> }> {
  const client = await mqtt.connectAsync(BROKER, { clientId: `crash-pub-${tag}-${w}`, clean: true, reconnectPeriod: 500 });
  let stopping = false;
  const done = (async () => {
    for (let k = 0; !stopping; k++) {
      const id = `urn:uuid:${randomUUID()}`;
      ledger.sent.add(id);
      const payload = JSON.stringify({ cmd: 'event', event: receipt(id, `MQ-${tag}-${w}`, `M${k}`, k, `Supplier ${w}`) });
      for (;;) {
        try {
          await client.publishAsync(topic, payload, { qos: 1 });
          break;
        } catch {
          await sleep(200);
        }
      }
      ledger.mqttMessages++;
      ledger.mqttIds.add(id);
      ledger.acked.set(id, (ledger.acked.get(id) ?? 0) + 1);
      await sleep(intervalMs);
    }
  })();
  return {
    stop: async () => {
      stopping = true;
      await done;
      await client.endAsync();
    },
  };
}

/** Removes Lotline's persistent session from the broker (a clean connect with its client id). */
export async function dropMqttSession(clientId: string): Promise<void> {
  const c = await mqtt.connectAsync(BROKER, { clientId, clean: true });
  await c.endAsync();
}

export interface ServerRun {
  readonly child: ChildProcess;
  /** Resolves once the server logged its address (rejects if it exits first). */
  readonly ready: Promise<void>;
  log(): string;
}

/** Starts `lotline serve` on a fixed port; `bin` runs from source (tsx) unless LOTLINE_CRASH_BIN=dist. */
export function startServer(args: readonly string[]): ServerRun {
  const dist = process.env['LOTLINE_CRASH_BIN'] === 'dist';
  const argv = dist ? ['dist/src/cli/bin.js', 'serve', ...args] : ['--import', 'tsx', 'src/cli/bin.ts', 'serve', ...args];
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOTLINE_LOG_LEVEL: 'info' } });
  let log = '';
  const keep = (d: Buffer) => {
    log += d.toString();
    // the last part is enough to explain a failure
    if (log.length > 200_000) log = log.slice(-100_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (log.includes('Lotline API at')) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
    child.once('exit', (code, signal) => {
      clearInterval(timer);
      reject(new Error(`serve exited (${code ?? signal}) before it was ready: ${log.slice(-3000)}`));
    });
  });
  ready.catch(() => undefined);
  return { child, ready, log: () => log };
}

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((r) => child.once('exit', r));
}

export interface CrashOptions {
  /** SQLite file or postgres:// URL. */
  readonly db: string;
  readonly kills: number;
  readonly seed: number;
  readonly httpWriters: number;
  readonly mqttPublishers: number;
  /**
   * Pause between a publisher's messages. Mosquitto keeps at most max_queued_messages (1000 by
   * default) for a client that is away or slower than the publishers, and drops the rest although
   * it acknowledged them (docs/reliability.md): the pace keeps the backlog below that.
   */
  readonly mqttIntervalMs: number;
  /** How long the server runs before a kill: uniform in [min, max] ms after it is ready. */
  readonly upMs: readonly [number, number];
  /** Share of kills made during start-up, before the server is ready. */
  readonly startupKillShare: number;
  /** The log's entries by eventID with their count: events under the id, error declarations under `declaration:ID`. */
  readonly storedIds: () => Promise<Map<string, number>>;
  readonly log?: (line: string) => void;
}

export interface CrashFigures {
  readonly seed: number;
  readonly kills: number;
  readonly startupKills: number;
  /** Starts that ended on their own before the server was ready (and were started again), with why. */
  readonly startFailures: readonly string[];
  readonly httpBatchesAcked: number;
  readonly mqttMessagesAcked: number;
  readonly eventsAcked: number;
  readonly declarationsAcked: number;
  readonly eventsFound: number;
  readonly duplicates: number;
  readonly missing: readonly string[];
  /** Of `missing`, those acknowledged by the broker (MQTT). */
  readonly missingMqtt: number;
  readonly phantoms: readonly string[];
  readonly retries: number;
  readonly retryStatuses: Readonly<Record<string, number>>;
  readonly unexpected: readonly string[];
  readonly verify: { ok: boolean; entries: number };
  readonly check: ProjectionReport;
  readonly wallSeconds: number;
  /** CPU seconds of the test process and of every server process (read just before each kill). */
  readonly cpuSeconds: { readonly test: number; readonly servers: number };
}

/** Runs the whole series: start, capture, kill, restart … then drain, stop and account. */
export async function crashSeries(o: CrashOptions): Promise<CrashFigures> {
  const say = o.log ?? (() => undefined);
  const random = seededRandom(o.seed);
  const started = Date.now();
  const cpu0 = process.cpuUsage();
  const tag = `c${process.pid}x${o.seed}`;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const clientId = `lotline-crash-${tag}`;
  const topicRoot = `crash-${tag}`;
  const args = [
    '--db', o.db, '--port', String(port), '--key-rate', '1000000',
    '--mqtt', BROKER, '--mqtt-client-id', clientId,
    '--mqtt-events-topic', `${topicRoot}/plant/+/events`, '--mqtt-scan-topic', `${topicRoot}/plant/+/station/+/scan`, '--mqtt-error-prefix', `${topicRoot}/errors/`,
  ];
  // the database, its tables and the writers' key exist before the first start
  await (await openStore(o.db, { create: true })).close();
  const key = await operatorKey(o.db);
  const ledger = newLedger();
  let serverCpu = 0;
  let startupKills = 0;
  const startFailures: string[] = [];
  // The broker must know Lotline's session before anything is published to it: one start first.
  let server = startServer(args);
  await server.ready;
  const writers = Array.from({ length: o.httpWriters }, (_, i) => httpWriter(() => url, key, tag, `h${i}`, ledger));
  const publishers = await Promise.all(Array.from({ length: o.mqttPublishers }, (_, i) => mqttPublisher(`${topicRoot}/plant/p${i}/events`, tag, `m${i}`, ledger, o.mqttIntervalMs)));
  try {
    // A start that fails on its own (the broker did not answer within 10 s on a loaded machine:
    // exit 2) is started again, as a service manager would, and counted.
    const ready = async (): Promise<void> => {
      for (;;) {
        try {
          await server.ready;
          return;
        } catch (e) {
          startFailures.push(String(e instanceof Error ? e.message : e).slice(0, 300));
          server = startServer(args);
        }
      }
    };
    for (let kill = 1; kill <= o.kills; kill++) {
      const duringStartup = kill > 1 && random() < o.startupKillShare;
      if (duringStartup) {
        await sleep(Math.floor(random() * 1500));
        startupKills++;
      } else {
        await ready();
        await sleep(o.upMs[0] + Math.floor(random() * (o.upMs[1] - o.upMs[0])));
      }
      serverCpu += processCpuSeconds(server.child.pid);
      server.child.kill('SIGKILL');
      await exited(server.child);
      say(`kill ${kill}/${o.kills}${duringStartup ? ' (during start-up)' : ''}: ${ledger.acked.size} events acknowledged so far`);
      server = startServer(args);
    }
    await ready();
    // writers finish the batch in hand (acknowledged), then the broker's queue drains into Lotline
    await Promise.all(writers.map((w) => w.stop()));
    await Promise.all(publishers.map((p) => p.stop()));
    const until = Date.now() + 180_000;
    for (;;) {
      const stored = await o.storedIds();
      const waiting = [...ledger.acked.keys()].filter((id) => !stored.has(id)).length;
      if (waiting === 0 || Date.now() > until) break;
      await sleep(250);
    }
  } finally {
    serverCpu += processCpuSeconds(server.child.pid);
    server.child.kill('SIGTERM');
    await exited(server.child);
    for (const w of writers) void w.stop().catch(() => undefined);
    await dropMqttSession(clientId).catch(() => undefined);
  }
  const stored = await o.storedIds();
  const missing = [...[...ledger.acked.keys()].filter((id) => !stored.has(id)), ...[...ledger.declared].filter((id) => !stored.has(`declaration:${id}`)).map((id) => `declaration:${id}`)];
  const phantoms = [...stored.keys()].filter((id) => !ledger.sent.has(id.replace(/^declaration:/, '')));
  const duplicates = [...stored.values()].filter((n) => n > 1).length;
  const store = await openStore(o.db, { create: false });
  let verify: { ok: boolean; entries: number };
  try {
    const v = await store.verify();
    verify = { ok: v.ok, entries: v.entries };
  } finally {
    await store.close();
  }
  const check = await rebuildProjections(o.db, { check: true });
  const cpu = process.cpuUsage(cpu0);
  return {
    seed: o.seed,
    kills: o.kills,
    startupKills,
    startFailures,
    httpBatchesAcked: ledger.httpBatches,
    mqttMessagesAcked: ledger.mqttMessages,
    eventsAcked: ledger.acked.size,
    declarationsAcked: ledger.declared.size,
    eventsFound: [...ledger.acked.keys()].filter((id) => stored.has(id)).length,
    duplicates,
    missing,
    missingMqtt: missing.filter((id) => ledger.mqttIds.has(id)).length,
    phantoms,
    retries: ledger.retries,
    retryStatuses: Object.fromEntries(ledger.retryStatuses),
    unexpected: ledger.unexpected,
    verify,
    check,
    wallSeconds: (Date.now() - started) / 1000,
    cpuSeconds: { test: (cpu.user + cpu.system) / 1e6, servers: serverCpu },
  };
}

/** The seed: LOTLINE_CRASH_SEED, else a new one (printed by the test, so a failure can be repeated). */
export function crashSeed(): number {
  const given = process.env['LOTLINE_CRASH_SEED'];
  return given !== undefined ? Number(given) : Math.floor(Math.random() * 2 ** 31);
}

/** LOTLINE_CRASH_KILLS, else `fallback` (the short CI run). */
export function crashKills(fallback: number): number {
  const given = process.env['LOTLINE_CRASH_KILLS'];
  return given !== undefined && /^\d+$/.test(given) ? Number(given) : fallback;
}
