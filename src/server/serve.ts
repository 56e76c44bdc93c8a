/**
 * `lotline serve`: opens the store and the identity store on one database, optionally loads
 * the demo plant into an empty one, listens, and shuts down cleanly on SIGTERM/SIGINT: stop
 * accepting, let in-flight requests (and so writes) finish, then close the stores.
 */
import type { FastifyBaseLogger } from 'fastify';
import { LotlineError } from '../domain/errors.js';
import type { IdentityStore } from '../identity/identity-store.js';
import type { Mapping } from '../integrations/file-drops/mapping.js';
import { DropWatcher } from '../integrations/file-drops/watch-dir.js';
import type { IntegrationStore } from '../integrations/integration-store.js';
import type { QualityStore } from '../quality/quality-store.js';
import type { MockRecallStore } from '../reports/mock-recall/mock-recall-store.js';
import type { MasterDataStore } from '../masterdata/master-data-store.js';
import type { RecallStore } from '../reports/recall/recall-store.js';
import type { EventStore } from '../store/event-store.js';
import type { StationStore } from '../capture/scan/station-store.js';
import type { Api, AppOptions } from './app.js';
import { buildApp } from './app.js';
import { createLogger } from './logger.js';
import { API_PREFIX } from './constants.js';

export interface ServeOptions extends AppOptions {
  readonly port: number;
  readonly host: string;
  /** Fills a database that holds no event (`npm start` loads the demo plant); returns how many events it stored. */
  readonly loadIfEmpty?: (store: EventStore) => Promise<number>;
  readonly openStores: () => Promise<{ store: EventStore; identity: IdentityStore; quality: QualityStore; stations?: StationStore; integrations?: IntegrationStore; mockRecalls?: MockRecallStore; masterData?: MasterDataStore & RecallStore }>;
  /** `--watch DIR --mapping FILE`: import file drops through the server's writer (the live stream sees them). */
  readonly watch?: { readonly dir: string; readonly mapping: Mapping; readonly pollMs?: number };
  /** Starts more inputs once the API is up (MQTT ingestion); the returned function stops them, before the stores close. */
  readonly startInputs?: (api: Api, stations: StationStore | undefined, log: FastifyBaseLogger) => Promise<() => Promise<void>>;
}

export interface RunningServer {
  readonly url: string;
  /** Resolves when the server has shut down (after a signal or `stop`). */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  const log =
    typeof options.logger === 'object'
      ? options.logger
      : // Credentials never reach the log, whatever a serializer prints.
        createLogger();
  const { store, identity, quality, stations, integrations, mockRecalls, masterData } = await options.openStores();
  if (options.loadIfEmpty && (await store.stats()).events === 0) {
    const events = await options.loadIfEmpty(store);
    log.info({ events }, `the database was empty: loaded the demo plant (${events} events) so that there is something to look at`);
  }
  const app = await buildApp({ store, identity, quality, ...(stations ? { stations } : {}), ...(integrations ? { integrations } : {}), ...(mockRecalls ? { mockRecalls } : {}), ...(masterData ? { masterData } : {}) }, {
    ...options,
    logger: log,
    webhooks: { onError: (e: unknown) => log.error({ err: e }, 'webhooks: a round of queueing or delivery failed; tried again at the next poll'), ...options.webhooks },
  });
  const closeIntegrations = async (): Promise<void> => {
    await integrations?.close();
    await mockRecalls?.close();
    await masterData?.close();
  };
  let url: string;
  try {
    url = await app.listen({ port: options.port, host: options.host });
  } catch (e) {
    await app.close();
    await closeIntegrations();
    await stations?.close();
    await quality.close();
    await identity.close();
    await store.close();
    const code = (e as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new LotlineError('USAGE', `port ${options.port} on ${options.host} is already in use (another Lotline?); choose another with --port`, { cause: e });
    if (code === 'EACCES') throw new LotlineError('USAGE', `this user may not listen on port ${options.port}; choose a port above 1023 with --port`, { cause: e });
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new LotlineError('USAGE', `cannot listen on ${options.host}: no such address on this machine; check --host`, { cause: e });
    throw e;
  }
  let stopInputs: (() => Promise<void>) | undefined;
  try {
    stopInputs = await options.startInputs?.(app.api, stations, log);
  } catch (e) {
    await app.close();
    await closeIntegrations();
    await stations?.close();
    await quality.close();
    await identity.close();
    await store.close();
    throw e;
  }
  log.info(`Lotline API at ${url}${API_PREFIX} — reference at ${url}${API_PREFIX}/docs`);
  if ((await identity.userCount()) === 0 && !(await identity.listKeys()).some((k) => k.revokedAt === null)) {
    log.warn("no user and no API key yet: anyone may read, nobody may write. Create accounts with 'lotline user add NAME --role admin' and 'lotline key create NAME --role operator' (same --db)");
  }
  app.api.webhooks?.start();
  let watcher: DropWatcher | undefined;
  if (options.watch && integrations) {
    const { api } = app;
    const w = options.watch;
    watcher = new DropWatcher({
      dir: w.dir,
      mapping: w.mapping,
      integrations,
      ...(w.pollMs !== undefined ? { pollMs: w.pollMs } : {}),
      append: async (events, source) => {
        const outcomes = await api.writer.submit(events, source, 'events', { actor: 'watch', origin: `watch:${w.dir}` });
        if (outcomes.some((o) => o.status !== 'duplicate')) api.events.emit('appended');
        await api.afterCapture(outcomes);
        return outcomes;
      },
      onResult: (r) =>
        r.outcome === 'failed'
          ? log.warn({ file: r.file, issues: r.issues.length, report: r.report }, `file drop ${r.file} failed: ${r.error ?? `${r.issues.length} bad row(s)`}; nothing stored, report at ${r.report}`)
          : log.info({ file: r.file, events: r.events, stored: r.stored, outcome: r.outcome }, `file drop ${r.file}: ${r.outcome === 'duplicate' ? 'already imported, skipped' : `${r.events} event(s), ${r.stored} stored`}`),
      onError: (file, e) => log.error({ err: e, file }, `file drop ${file}: not imported now, tried again at the next poll`),
    });
    watcher.start();
    log.info(`watching ${w.dir} for file drops`);
  }
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      log.info('shutting down: no new connections; finishing requests in flight');
      try {
        await watcher?.stop();
        await stopInputs?.();
        await app.close();
      } finally {
        await closeIntegrations();
        await stations?.close();
        await quality.close();
        await identity.close();
        await store.close();
        log.info('stopped');
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        resolveDone();
      }
    })());
  const onSignal = (): void => void stop();
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return { url, done, stop };
}
