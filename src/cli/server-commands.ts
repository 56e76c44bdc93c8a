/**
 * `lotline serve`, `lotline user …` and `lotline key …`: the HTTP service and the accounts that
 * use it. Accounts made here are attributed to the operating-system user, like CLI imports.
 */
import { createInterface } from 'node:readline';
import { addUser, changeUser, createKey, keyView, revokeKey, rotateKey, userView } from '../identity/identity-service.js';
import type { IdentityStore } from '../identity/identity-store.js';
import { openIdentityStore, openIndexedStore, openIntegrationStore, openMasterDataStore, openMockRecallStore, openQualityStore, openStationStore, resolveDb } from '../main.js';
import { DEFAULT_MAX_BODY_BYTES } from '../server/constants.js';
import { DEFAULT_RATE_LIMIT } from '../server/rate-limit.js';
import { DEFAULT_LOAD_LIMITS } from '../server/admission.js';
import { serve } from '../server/serve.js';
import type { MqttOptions } from '../capture/mqtt/mqtt-ingest.js';
import { checkTopicPattern, DEFAULT_MQTT, startMqttIngest } from '../capture/mqtt/mqtt-ingest.js';
import { handleScan } from '../capture/scan/scan-service.js';
import { scanDepsOf } from '../server/routes/scan-routes.js';
import { loadDemo } from './demo.js';
import { qualityConfigOf } from './quality-commands.js';
import { watchTarget } from './integration-commands.js';
import type { CliIo } from './io.js';
import { cliContext, UsageError } from './io.js';

export interface ServerFlags {
  db?: string | undefined;
  json?: boolean | undefined;
  port?: string | undefined;
  host?: string | undefined;
  'max-body'?: string | undefined;
  'key-rate'?: string | undefined;
  'max-captures'?: string | undefined;
  'max-capture-queue'?: string | undefined;
  'max-queries'?: string | undefined;
  'max-lag'?: string | undefined;
  demo?: boolean | undefined;
  'secure-cookies'?: boolean | undefined;
  role?: string | undefined;
  'full-name'?: string | undefined;
  expires?: string | undefined;
  'password-stdin'?: boolean | undefined;
  watch?: string | undefined;
  mapping?: string | undefined;
  mqtt?: string | undefined;
  'mqtt-client-id'?: string | undefined;
  'mqtt-scan-topic'?: string | undefined;
  'mqtt-events-topic'?: string | undefined;
  'mqtt-error-prefix'?: string | undefined;
  'quality-config'?: string | undefined;
  signatures?: string | undefined;
}

function whole(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`--${name} must be a whole number${min > 0 ? ` of at least ${min}` : ''} (got ${JSON.stringify(value)})`);
  return Number(value);
}

/** --signatures: 1, or 2 for four-eyes releases. */
function signatures(value: string | undefined): number {
  const n = whole(value, 'signatures', 1, 1);
  if (n > 2) throw new UsageError(`--signatures must be 1 or 2 (got ${n})`);
  return n;
}

export async function cmdServe(rest: readonly string[], flags: ServerFlags, io: CliIo): Promise<number> {
  if (rest.length > 0) throw new UsageError(`'lotline serve' takes no arguments (got ${rest.join(' ')})`);
  const db = resolveDb(flags.db);
  const port = whole(flags.port, 'port', 3000);
  if (port > 65535) throw new UsageError(`--port must be at most 65535 (got ${port})`);
  const perSecond = whole(flags['key-rate'], 'key-rate', DEFAULT_RATE_LIMIT.perSecond, 1);
  if (flags.mapping !== undefined && flags.watch === undefined) throw new UsageError("--mapping goes with --watch DIR (the folder of file drops)");
  const watch = flags.watch === undefined ? undefined : await watchTarget(flags.watch, flags.mapping, 'lotline serve --watch');
  const mqttFlags = (['mqtt-client-id', 'mqtt-scan-topic', 'mqtt-events-topic', 'mqtt-error-prefix'] as const).filter((f) => flags[f] !== undefined);
  if (flags.mqtt === undefined && mqttFlags.length > 0) throw new UsageError(`--${mqttFlags[0]} needs --mqtt URL`);
  const mqttOptions: MqttOptions | undefined =
    flags.mqtt === undefined
      ? undefined
      : {
          url: flags.mqtt,
          clientId: flags['mqtt-client-id'] ?? DEFAULT_MQTT.clientId,
          scanTopic: flags['mqtt-scan-topic'] ?? DEFAULT_MQTT.scanTopic,
          eventsTopic: flags['mqtt-events-topic'] ?? DEFAULT_MQTT.eventsTopic,
          errorPrefix: flags['mqtt-error-prefix'] ?? DEFAULT_MQTT.errorPrefix,
        };
  if (mqttOptions) {
    if (!/^(mqtts?|wss?):\/\/[^/]+/.test(mqttOptions.url)) throw new UsageError(`--mqtt must be a broker URL like mqtt://127.0.0.1:1883 (got ${JSON.stringify(mqttOptions.url)})`);
    checkTopicPattern(mqttOptions.scanTopic, '--mqtt-scan-topic', true);
    checkTopicPattern(mqttOptions.eventsTopic, '--mqtt-events-topic', false);
  }
  // The gap rules run inside the server, with the plant's configuration or the defaults.
  const quality = await qualityConfigOf(flags);
  const server = await serve({
    quality,
    port,
    host: flags.host ?? '127.0.0.1',
    maxBodyBytes: whole(flags['max-body'], 'max-body', DEFAULT_MAX_BODY_BYTES, 1),
    rateLimit: { perSecond, burst: perSecond * 2 },
    load: {
      captureRequests: whole(flags['max-captures'], 'max-captures', DEFAULT_LOAD_LIMITS.captureRequests, 1),
      captureQueueEvents: whole(flags['max-capture-queue'], 'max-capture-queue', DEFAULT_LOAD_LIMITS.captureQueueEvents, 1),
      queryRequests: whole(flags['max-queries'], 'max-queries', DEFAULT_LOAD_LIMITS.queryRequests, 1),
      maxLagMs: whole(flags['max-lag'], 'max-lag', DEFAULT_LOAD_LIMITS.maxLagMs, 0),
    },
    secureCookies: flags['secure-cookies'] === true,
    ...(watch ? { watch } : {}),
    signaturesRequired: signatures(flags.signatures),
    openStores: async () => {
      // A long-running process: traces come from the in-memory genealogy index, kept current from the log.
      const store = await openIndexedStore(db, { create: true });
      // Each store opened so far is closed again when a later one cannot be opened.
      const opened: { close(): Promise<void> }[] = [store];
      const track = <T extends { close(): Promise<void> }>(x: T): T => (opened.push(x), x);
      try {
        return {
          store,
          identity: track(await openIdentityStore(db)),
          quality: track(await openQualityStore(db)),
          stations: track(await openStationStore(db)),
          integrations: track(await openIntegrationStore(db)),
          mockRecalls: track(await openMockRecallStore(db)),
          masterData: track(await openMasterDataStore(db)),
        };
      } catch (e) {
        for (const x of opened.reverse()) await x.close();
        throw e;
      }
    },
    ...(mqttOptions
      ? {
          startInputs: async (api, stations, log) => {
            const ingest = await startMqttIngest(
              {
                capture: async (events, context) => {
                  const outcomes = await api.writer.submit(events, { label: 'MQTT message', noun: 'request', single: false }, '$', context);
                  // The same checks as an HTTP capture: a held lot consumed or shipped opens an exception at once.
                  await api.afterCapture(outcomes);
                  return outcomes;
                },
                ...(stations ? { scan: (request, context) => handleScan(scanDepsOf(api, stations), request, context) } : {}),
                onStored: () => api.events.emit('appended'),
                log,
              },
              mqttOptions,
            );
            return () => ingest.stop();
          },
        }
      : {}),
    ...(flags.demo
      ? {
          loadIfEmpty: async (store) => {
            const masterData = await openMasterDataStore(db);
            const demo = await loadDemo(store, { onlyIfEmpty: true, context: cliContext(), masterData, ...(flags.db !== undefined ? { db: flags.db } : {}) }).finally(() => masterData.close());
            // The commands to try, for a person at the terminal; the log says what was loaded.
            io.err(demo.text);
            return demo.events;
          },
        }
      : {}),
  });
  await server.done;
  return 0;
}

/** Reads a password: from stdin (one line) with --password-stdin or when stdin is not a terminal, else prompted without echo (twice when `confirm`). */
export async function readPassword(flags: Pick<ServerFlags, 'password-stdin'>, io: CliIo, confirm = true): Promise<string> {
  const stdin = process.stdin;
  if (flags['password-stdin'] || !stdin.isTTY) {
    const rl = createInterface({ input: stdin });
    for await (const line of rl) {
      rl.close();
      return line.replace(/\r$/, '');
    }
    throw new UsageError('no password on standard input (give it on the first line)');
  }
  const rl = createInterface({ input: stdin, output: process.stderr, terminal: true });
  const ask = (q: string): Promise<string> =>
    new Promise((resolve) => {
      let muted = false;
      const w = rl as unknown as { _writeToOutput: (s: string) => void };
      const original = w._writeToOutput.bind(rl);
      w._writeToOutput = (s: string) => (muted ? undefined : original(s));
      rl.question(q, (answer) => {
        muted = false;
        io.err('');
        resolve(answer);
      });
      muted = true;
    });
  try {
    const first = await ask('Password: ');
    if (!confirm) return first;
    const second = await ask('Again: ');
    if (first !== second) throw new UsageError('the two passwords differ');
    return first;
  } finally {
    rl.close();
  }
}

async function withIdentity<T>(flags: ServerFlags, fn: (identity: IdentityStore) => Promise<T>): Promise<T> {
  const identity = await openIdentityStore(resolveDb(flags.db));
  try {
    return await fn(identity);
  } finally {
    await identity.close();
  }
}

export async function cmdUser(rest: readonly string[], flags: ServerFlags, io: CliIo): Promise<number> {
  const [sub, name, ...extra] = rest;
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const by = cliContext();
  switch (sub) {
    case 'add': {
      if (!name) throw new UsageError("'lotline user add' needs a NAME");
      if (!flags.role) throw new UsageError("'lotline user add' needs --role (operator, quality, auditor or admin)");
      const password = await readPassword(flags, io);
      const user = await withIdentity(flags, (id) => addUser(id, { name, role: flags.role, password, fullName: flags['full-name'] }, by));
      io.out(
        flags.json
          ? JSON.stringify(userView(user), null, 2)
          : `user ${user.name} added with the role ${user.role}${user.fullName !== null ? ` (${user.fullName})` : user.role === 'quality' ? `; give a full name before they sign: lotline user update ${user.name} --full-name "First Last"` : ''}`,
      );
      return 0;
    }
    case 'update': {
      if (!name) throw new UsageError("'lotline user update' needs a NAME");
      if (flags['full-name'] === undefined) throw new UsageError(`'lotline user update NAME' needs --full-name "First Last" (use 'lotline user role' for the role)`);
      if (flags.role !== undefined) throw new UsageError("'lotline user update' changes the full name; change the role with 'lotline user role NAME --role R'");
      const fullName = flags['full-name'];
      const user = await withIdentity(flags, (id) => changeUser(id, name, { fullName }, by));
      io.out(flags.json ? JSON.stringify(userView(user), null, 2) : `user ${user.name}: full name ${JSON.stringify(user.fullName)}; signatures made before keep the name they were signed with`);
      return 0;
    }
    case 'unlock':
    case 'disable':
    case 'enable':
    case 'role': {
      if (!name) throw new UsageError(`'lotline user ${sub}' needs a NAME`);
      if (flags['full-name'] !== undefined) throw new UsageError(`'lotline user ${sub}' does not take --full-name; set it with 'lotline user update NAME --full-name "First Last"'`);
      if (sub === 'role' && !flags.role) throw new UsageError("'lotline user role NAME' needs --role");
      const change = sub === 'unlock' ? { unlock: true } : sub === 'role' ? { role: flags.role } : { disabled: sub === 'disable' };
      const user = await withIdentity(flags, (id) => changeUser(id, name, change, by));
      io.out(flags.json ? JSON.stringify(userView(user), null, 2) : `user ${user.name}: role ${user.role}${user.disabled ? ', disabled' : ''}${sub === 'unlock' ? ', unlocked' : ''}`);
      return 0;
    }
    case 'list': {
      if (name) throw new UsageError("'lotline user list' takes no NAME");
      const users = await withIdentity(flags, (id) => id.listUsers());
      if (flags.json) io.out(JSON.stringify({ users: users.map((u) => userView(u)) }, null, 2));
      else if (users.length === 0) io.out('no users yet');
      else for (const u of users.map((x) => userView(x))) io.out(`${u.name}\t${u.role}\t${u.fullName ?? '(no full name)'}${u.disabled ? '\tdisabled' : ''}${u.locked ? `\tlocked until ${u.lockedUntil}` : ''}`);
      return 0;
    }
    default:
      throw new UsageError(`'lotline user' needs add, update, list, role, unlock, disable or enable${sub ? ` (got ${JSON.stringify(sub)})` : ''}`);
  }
}

export async function cmdKey(rest: readonly string[], flags: ServerFlags, io: CliIo): Promise<number> {
  const [sub, name, ...extra] = rest;
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const by = cliContext();
  switch (sub) {
    case 'create': {
      if (!name) throw new UsageError("'lotline key create' needs a NAME");
      if (!flags.role) throw new UsageError("'lotline key create' needs --role (operator, quality, auditor or admin)");
      const { secret, key } = await withIdentity(flags, (id) => createKey(id, { name, role: flags.role, ...(flags.expires !== undefined ? { expiresAt: flags.expires } : {}) }, by));
      if (flags.json) io.out(JSON.stringify({ ...keyView(key), secret }, null, 2));
      else {
        io.out(secret);
        io.err(`API key ${key.name} (role ${key.role}${key.expiresAt ? `, expires ${key.expiresAt}` : ''}) created. This is the only time it is shown: store it now. Send it as 'Authorization: Bearer <key>'.`);
      }
      return 0;
    }
    case 'revoke': {
      if (!name) throw new UsageError("'lotline key revoke' needs a NAME");
      const key = await withIdentity(flags, (id) => revokeKey(id, name, by));
      io.out(flags.json ? JSON.stringify(keyView(key), null, 2) : `API key ${key.name} revoked`);
      return 0;
    }
    case 'rotate': {
      if (!name) throw new UsageError("'lotline key rotate' needs a NAME");
      const { secret, key } = await withIdentity(flags, (id) => rotateKey(id, name, by));
      if (flags.json) io.out(JSON.stringify({ ...keyView(key), secret }, null, 2));
      else {
        io.out(secret);
        io.err(`API key ${key.name} rotated: the old secret no longer works. This is the only time the new one is shown: store it now.`);
      }
      return 0;
    }
    case 'list': {
      if (name) throw new UsageError("'lotline key list' takes no NAME");
      const keys = (await withIdentity(flags, (id) => id.listKeys())).map((k) => keyView(k));
      if (flags.json) io.out(JSON.stringify({ keys }, null, 2));
      else if (keys.length === 0) io.out('no API keys yet');
      else for (const k of keys) io.out(`${k.name}\t${k.role}\t${k.status}\tllk_${k.id}_…${k.expiresAt ? `\texpires ${k.expiresAt}` : ''}`);
      return 0;
    }
    default:
      throw new UsageError(`'lotline key' needs create, list, revoke or rotate${sub ? ` (got ${JSON.stringify(sub)})` : ''}`);
  }
}

