/**
 * The HTTP service: a Fastify app built from its ports (event store, identity store), with
 * every route under /api/v1. Nothing here opens a database: `serve.ts` and the tests do.
 */
import { EventEmitter } from 'node:events';
import fastifyCookie from '@fastify/cookie';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Fastify from 'fastify';
import type { z } from 'zod';
import { LotlineError } from '../domain/errors.js';
import type { IdentityPolicy, Principal } from '../identity/identity-service.js';
import { authenticateKey, DEFAULT_POLICY, resolveSession } from '../identity/identity-service.js';
import { GroupCommitter } from '../capture/group-commit.js';
import type { IdentityStore } from '../identity/identity-store.js';
import type { StationStore } from '../capture/scan/station-store.js';
import type { IntegrationStore } from '../integrations/integration-store.js';
import type { DispatcherOptions } from '../integrations/webhooks/dispatcher.js';
import { WebhookDispatcher } from '../integrations/webhooks/dispatcher.js';
import type { AppendOutcome, EventStore } from '../store/event-store.js';
import type { AlertChannel } from '../quality/alerts.js';
import type { EscalationPolicy } from '../quality/exceptions.js';
import { DEFAULT_ESCALATION, escalateOverdue, exceptionSink } from '../quality/exceptions.js';
import { heldLotUsed } from '../quality/held-lot-used.js';
import type { QualityStore } from '../quality/quality-store.js';
import type { MasterDataStore } from '../masterdata/master-data-store.js';
import type { RecallStore } from '../reports/recall/recall-store.js';
import { API_PREFIX, DEFAULT_MAX_BODY_BYTES, MAX_PATH_PARAM_CHARS, SESSION_COOKIE } from './constants.js';
import { asLotlineError, HTTP_STATUS, PROBLEM_CONTENT_TYPE, problemOf } from './problem.js';
import type { RateLimit } from './rate-limit.js';
import { DEFAULT_RATE_LIMIT, KeyRateLimiter } from './rate-limit.js';
import type { RouteRegistry, RouteSpec } from './route.js';
import { addRoute } from './route.js';
import { registerDocsRoutes } from './routes/docs-routes.js';
import { registerEpcisRoutes } from './routes/epcis-routes.js';
import { registerEventRoutes } from './routes/event-routes.js';
import { registerIdentityRoutes } from './routes/identity-routes.js';
import { registerLotRoutes } from './routes/lot-routes.js';
import { registerReportRoutes } from './routes/report-routes.js';
import { registerScanRoutes } from './routes/scan-routes.js';
import { registerLotStatusRoutes } from './routes/lot-status-routes.js';
import { registerHoldRoutes } from './routes/hold-routes.js';
import { registerQualityRoutes } from './routes/quality-routes.js';
import { registerDossierRoutes } from './routes/dossier-routes.js';
import { registerStreamRoutes } from './routes/stream-routes.js';
import { findingSinkFor } from './finding-sink.js';
import { GapMonitor } from '../quality/gap-monitor.js';
import type { QualityConfig } from '../quality/quality-config.js';
import { defaultQualityConfig } from '../quality/quality-config.js';
import { GAP_RULE_IDS } from '../quality/rules/index.js';
import { registerWebhookRoutes } from './routes/webhook-routes.js';
import { registerSearchRoutes } from './routes/search-routes.js';
import { defaultWebRoot, registerStaticWeb } from './static-web.js';
import { registerAuditReportRoutes } from './routes/audit-report-routes.js';
import type { MockRecallStore } from '../reports/mock-recall/mock-recall-store.js';
import { registerMasterDataRoutes } from './routes/master-data-routes.js';
import { registerRecallRoutes } from './routes/recall-routes.js';
import { registerSecurityHeaders } from './security-headers.js';
import { registerCrossOriginGuard } from './cross-origin-guard.js';
import { RefusalAudit, REFUSALS_PER_MINUTE } from './refusal-audit.js';
import type { Admitted, LoadLimits } from './admission.js';
import { AdmissionControl, DEFAULT_LOAD_LIMITS, EventLoopLag, loadClassOf, OVERLOADED_RETRY_AFTER_S } from './admission.js';

export { API_PREFIX, DEFAULT_MAX_BODY_BYTES, SESSION_COOKIE } from './constants.js';

export interface AppOptions {
  /** Largest request body accepted (413 above). */
  readonly maxBodyBytes?: number;
  readonly rateLimit?: RateLimit;
  readonly policy?: IdentityPolicy;
  /** Set the session cookie's Secure flag (behind HTTPS). */
  readonly secureCookies?: boolean;
  /** A pino logger, `false` for none (tests). */
  readonly logger?: FastifyBaseLogger | boolean;
  /** How often the live stream looks for events written by other processes (ms). */
  readonly streamPollMs?: number;
  /**
   * The plant's quality configuration. When given, the gap rules run inside the server: the
   * immediate ones after every capture, the window ones every `scheduleMs`.
   */
  readonly quality?: QualityConfig;
  /** Outbound webhook delivery: poll interval, attempts, backoff (with `deps.integrations`). */
  readonly webhooks?: DispatcherOptions;
  /** Signatures a release or rejection needs: 1, or 2 for four-eyes (two different quality users). */
  readonly signaturesRequired?: number;
  /** How long an exception of each severity may stay unfinished before it escalates (ms). */
  readonly escalation?: EscalationPolicy;
  /** How often the server looks for overdue exceptions (ms). */
  readonly escalationCheckMs?: number;
  /** The built web pages (default: dist/web when it exists); without them / says how to build them. */
  readonly webRoot?: string;
  /** Refused attempts written to the audit log per client address and minute (default 30); the excess is counted. */
  readonly refusalsPerMinute?: number;
  /** Back-pressure bounds (admission.ts): past one, a request of its class is refused with OVERLOADED (default DEFAULT_LOAD_LIMITS without the lag bound). */
  readonly load?: LoadLimits;
}

export interface AppDeps {
  readonly store: EventStore;
  readonly identity: IdentityStore;
  /** Scan stations; without it the scan routes are not served. */
  readonly stations?: StationStore;
  /** File-drop hashes and webhooks: with it, the webhook routes and the dispatcher exist. */
  readonly integrations?: IntegrationStore;
  readonly quality: QualityStore;
  /** The mock recall archive: with it, the mock recall routes exist. */
  readonly mockRecalls?: MockRecallStore;
  /** Items, parties, locations and saved recalls: with it, the master-data and recall routes exist. */
  readonly masterData?: MasterDataStore & RecallStore;
}

/** What route modules get: the ports, the options, and a way to declare routes. */
export interface Api {
  readonly store: EventStore;
  readonly identity: IdentityStore;
  readonly quality: QualityStore;
  readonly options: Required<Omit<AppOptions, 'logger' | 'quality' | 'webRoot'>>;
  /** Items, parties, locations and saved recalls, when the app has them. */
  readonly masterData: (MasterDataStore & RecallStore) | undefined;
  /** The quality configuration the gap rules and completeness use (the defaults when none was given). */
  readonly qualityConfig: QualityConfig;
  /** Where alerts go: the live stream, and the webhook subscriptions that list the alert's kind. */
  readonly alerts: AlertChannel[];
  /** The checks that run right after a capture commits (held lot consumed or shipped); never throws. */
  afterCapture(outcomes: readonly AppendOutcome[]): Promise<void>;
  /** Every capture goes through here: concurrent requests share one durable commit. */
  readonly writer: GroupCommitter;
  /** Emits `appended` after every capture through this server. */
  readonly events: EventEmitter;
  readonly registry: RouteRegistry;
  route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(spec: RouteSpec<P, Q, B>): void;
  /** The capture context of a request: who (user or key) and from where (client IP). */
  contextOf(req: FastifyRequest, principal: Principal): { actor: string; origin: string };
  /** Outbound webhooks, when the app has the integration store; `serve` starts its delivery loop. */
  readonly webhooks: WebhookDispatcher | undefined;
  /** Sends a notification (not an event) to every subscription listing `kind`; 0 without webhooks. */
  notify(kind: string, payload: unknown): Promise<number>;
  /** The back-pressure bounds and what counts against them now. */
  readonly admission: AdmissionControl;
}

/** The caller of a server without accounts: `requirePermission` lets it read and nothing else, whatever the role says. */
const ANONYMOUS: Principal = { kind: 'anonymous', name: 'anonymous', role: 'auditor', actor: 'anonymous' };

export async function buildApp(deps: AppDeps, options: AppOptions = {}): Promise<FastifyInstance & { api: Api }> {
  const webhooks = deps.integrations ? new WebhookDispatcher(deps.store, deps.integrations, options.webhooks) : undefined;
  const opts = {
    webhooks: options.webhooks ?? {},
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    rateLimit: options.rateLimit ?? DEFAULT_RATE_LIMIT,
    policy: options.policy ?? DEFAULT_POLICY,
    secureCookies: options.secureCookies ?? false,
    streamPollMs: options.streamPollMs ?? 1000,
    signaturesRequired: options.signaturesRequired ?? 1,
    escalation: options.escalation ?? DEFAULT_ESCALATION,
    escalationCheckMs: options.escalationCheckMs ?? 60_000,
    refusalsPerMinute: options.refusalsPerMinute ?? REFUSALS_PER_MINUTE,
    // Embedded (tests, a host program) the lag bound is off: the host's own work would count as the server's
    // overload. `lotline serve` turns it on with its --max-lag default.
    load: options.load ?? { ...DEFAULT_LOAD_LIMITS, maxLagMs: 0 },
  };
  if (opts.signaturesRequired !== 1 && opts.signaturesRequired !== 2) throw new LotlineError('USAGE', `signaturesRequired must be 1 or 2 (got ${opts.signaturesRequired})`);
  const app = Fastify({
    // A request that arrives while the server shuts down gets a problem body (below), not Fastify's own.
    return503OnClosing: false,
    ...(typeof options.logger === 'object' ? { loggerInstance: options.logger } : { logger: options.logger ?? false }),
    bodyLimit: opts.maxBodyBytes,
    // A ref in the path (a Digital Link with a long lot code) may be long; over this it is refused as a problem, below.
    routerOptions: { maxParamLength: MAX_PATH_PARAM_CHARS },
    // Errors Fastify meets before routing (malformed percent-encoding, an over-long parameter) leave as problem bodies too.
    frameworkErrors: (error, req, reply) => {
      const e = asLotlineError(error, opts.maxBodyBytes);
      void (reply as FastifyReply).status(HTTP_STATUS[e.code]).type(PROBLEM_CONTENT_TYPE).send(problemOf(e, req.url.split('?')[0]));
    },
  });
  await app.register(fastifyCookie);
  registerSecurityHeaders(app, { secureCookies: opts.secureCookies });
  registerCrossOriginGuard(app);
  // JSON only: a form post or plain text is refused (415), which also stops cross-site form submissions.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/ld+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  const limiter = new KeyRateLimiter(opts.rateLimit);
  const authenticate = async (req: FastifyRequest, reply: FastifyReply, isPublic: boolean): Promise<Principal> => {
    const auth = req.headers.authorization;
    const headerKey = req.headers['x-api-key'];
    const presented = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : typeof headerKey === 'string' ? headerKey.trim() : undefined;
    const cookie = req.cookies[SESSION_COOKIE];
    try {
      if (auth !== undefined && !auth.startsWith('Bearer ')) throw new LotlineError('AUTH_FAILED', 'the Authorization header must be "Bearer llk_…" (an API key)');
      if (presented !== undefined) {
        const p = await authenticateKey(deps.identity, presented);
        const wait = limiter.take(p.keyId!);
        if (wait > 0) {
          reply.header('Retry-After', String(wait));
          throw new LotlineError('RATE_LIMITED', `the API key ${p.name} sent more than ${opts.rateLimit.perSecond} requests per second (burst ${opts.rateLimit.burst}); retry after ${wait} s`);
        }
        return p;
      }
      if (cookie !== undefined) return await resolveSession(deps.identity, cookie, opts.policy);
    } catch (e) {
      if (isPublic && (e as LotlineError).code === 'AUTH_FAILED') return ANONYMOUS;
      throw e;
    }
    if (isPublic || (await isSetupMode(deps.identity))) return ANONYMOUS;
    throw new LotlineError('AUTH_REQUIRED', 'sign in (POST /api/v1/session) or send an API key as "Authorization: Bearer llk_…"');
  };

  const registry: RouteRegistry = [];
  const events = new EventEmitter();
  const alerts: AlertChannel[] = [(alert) => void events.emit('alert', alert)];
  // Alerts also go to the webhook subscriptions that list their kind (`exception.opened`, `exception.escalated`).
  if (webhooks) alerts.push((alert) => void webhooks.notify(alert.kind, alert).catch(() => undefined));
  const sink = exceptionSink(deps.quality, opts.escalation, alerts);
  const writer = new GroupCommitter(deps.store);
  const lag = new EventLoopLag();
  const api: Api = {
    store: deps.store,
    identity: deps.identity,
    quality: deps.quality,
    masterData: deps.masterData,
    options: opts,
    alerts,
    afterCapture: async (outcomes) => {
      try {
        await sink.report(await heldLotUsed(deps.store, outcomes.filter((o) => o.status === 'stored').map((o) => o.seq)));
      } catch (e) {
        // the events are stored; a failed check must not turn their capture into an error
        app.log.error({ err: e }, 'the checks after a capture failed');
      }
    },
    events,
    writer,
    registry,
    qualityConfig: options.quality ?? defaultQualityConfig(GAP_RULE_IDS),
    route: (spec) => addRoute(app, registry, API_PREFIX, spec, authenticate),
    contextOf: (req, principal) => ({ actor: principal.actor, origin: req.ip }),
    webhooks,
    notify: async (kind, payload) => (webhooks ? webhooks.notify(kind, payload) : 0),
    admission: new AdmissionControl(opts.load, () => writer.pendingEvents, () => lag.ms()),
  };
  api.events.setMaxListeners(0);
  // Deliveries are queued after the capture has committed, never in its way.
  if (webhooks) api.events.on('appended', () => webhooks.wake());

  const refusals = new RefusalAudit(deps.identity, app.log, opts.refusalsPerMinute);
  app.setErrorHandler(async (error, req, reply) => {
    const e = asLotlineError(error, opts.maxBodyBytes);
    const problem = problemOf(e, req.url.split('?')[0]);
    if (problem.status >= 500) req.log.error({ err: error, code: e.code }, 'request failed');
    else req.log.info({ code: e.code, status: problem.status }, e.message);
    // Refused attempts are in the audit log before the refusal is answered.
    await refusals.record(req, e.code, problem.status);
    return reply.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
  });
  const web = registerStaticWeb(app, options.webRoot ?? defaultWebRoot());
  app.setNotFoundHandler((req, reply) => {
    // The web app's files and client routes (/lots/…) are not API routes: they answer here.
    if (web.fallback(req, reply)) return;
    const e = new LotlineError('NOT_FOUND', `there is no ${req.method} ${req.url.split('?')[0]}; the API is described at ${API_PREFIX}/openapi.json and ${API_PREFIX}/docs`);
    void reply.status(HTTP_STATUS.NOT_FOUND).type(PROBLEM_CONTENT_TYPE).send(problemOf(e, req.url.split('?')[0]));
  });

  // Shutdown: new requests are refused with a problem body, requests in flight finish, and captures
  // still queued reach the disk before the store closes.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (req, reply) => {
    if (!closing) return;
    const e = new LotlineError('SHUTTING_DOWN', 'the server is shutting down; send the request again in a moment (to this server once it is back, or another one)');
    return reply.status(HTTP_STATUS.SHUTTING_DOWN).header('connection', 'close').header('retry-after', '5').type(PROBLEM_CONTENT_TYPE).send(problemOf(e, req.url.split('?')[0]));
  });
  // Back-pressure: a request past its class's bound is refused before its body is read (admission.ts).
  const admittedRequests = new WeakMap<FastifyRequest, Admitted>();
  app.addHook('onRequest', async (req, reply) => {
    const cls = loadClassOf(req.method, req.routeOptions.url);
    if (cls === undefined) return;
    let admitted;
    try {
      admitted = api.admission.admit(cls);
    } catch (e) {
      void reply.header('retry-after', String(OVERLOADED_RETRY_AFTER_S));
      throw e;
    }
    // Released when the answer is sent, or when the client goes away first: a slot is never kept.
    reply.raw.once('close', admitted.release);
    admittedRequests.set(req, admitted);
  });
  app.addHook('onResponse', async (req) => admittedRequests.get(req)?.release());
  app.addHook('onClose', async () => lag.stop());
  // Connections kept alive would hold the server open until their timeout: close each one after its answer.
  app.addHook('onSend', async (_req, reply) => {
    if (closing) void reply.header('connection', 'close');
  });
  app.addHook('onClose', async () => {
    await api.writer.whenIdle();
    await webhooks?.stop();
  });
  const escalations = setInterval(() => {
    escalateOverdue(deps.quality, alerts).catch((e: unknown) => app.log.error({ err: e }, 'escalating overdue exceptions failed'));
  }, opts.escalationCheckMs);
  escalations.unref();
  app.addHook('onClose', async () => clearInterval(escalations));
  registerIdentityRoutes(api);
  registerEventRoutes(api);
  registerLotRoutes(api);
  registerSearchRoutes(api);
  registerEpcisRoutes(api, app);
  registerReportRoutes(api);
  registerDossierRoutes(api);
  registerStreamRoutes(api, app);
  if (deps.stations) registerScanRoutes(api, deps.stations);
  registerQualityRoutes(api);
  registerHoldRoutes(api);
  registerLotStatusRoutes(api);
  if (deps.integrations && webhooks) registerWebhookRoutes(api, deps.integrations, webhooks);
  registerAuditReportRoutes(api, deps);
  if (deps.masterData) {
    registerMasterDataRoutes(api, app, deps.masterData);
    registerRecallRoutes(api, deps.masterData);
  }
  registerDocsRoutes(api);
  if (options.quality) {
    const monitor = new GapMonitor(deps.store, options.quality, findingSinkFor(api, sink), app.log, deps.quality);
    await monitor.start();
    api.events.on('appended', () => monitor.afterCapture());
    app.addHook('onClose', async () => monitor.stop());
  }
  app.decorate('api', api);
  return app as unknown as FastifyInstance & { api: Api };
}

/** No user and no active key: the server lets anyone read (a newcomer sees the demo) and nobody write. */
async function isSetupMode(identity: IdentityStore): Promise<boolean> {
  if ((await identity.userCount()) > 0) return false;
  return !(await identity.listKeys()).some((k) => k.revokedAt === null);
}
