/**
 * `lotline watch DIR --mapping FILE` (file drops from ERP/MES exports) and `lotline webhook …`
 * (outbound webhook subscriptions and their dead-letter list).
 */
import { stat } from 'node:fs/promises';
import { LotlineError } from '../domain/errors.js';
import { appendAtomically } from '../capture/capture-events.js';
import type { DropResult } from '../integrations/file-drops/watch-dir.js';
import { DropWatcher } from '../integrations/file-drops/watch-dir.js';
import { loadMapping } from '../integrations/file-drops/mapping.js';
import type { IntegrationStore } from '../integrations/integration-store.js';
import { changeSubscription, createSubscription, deleteSubscription, subscriptionView } from '../integrations/webhooks/subscriptions.js';
import { openIntegrationStore, openStore, resolveDb } from '../main.js';
import { deliveryView } from '../server/routes/webhook-routes.js';
import type { CliIo } from './io.js';
import { cliContext, UsageError } from './io.js';

export interface IntegrationFlags {
  db?: string | undefined;
  json?: boolean | undefined;
  mapping?: string | undefined;
  once?: boolean | undefined;
  types?: string | undefined;
  'biz-step'?: string | string[] | undefined;
  item?: string | undefined;
  site?: string | undefined;
  secret?: string | undefined;
  limit?: string | undefined;
  status?: string | undefined;
}

/** Checks `--watch DIR` / `watch DIR` and `--mapping FILE` and loads the mapping. */
export async function watchTarget(dir: string | undefined, mappingFile: string | undefined, command: string): Promise<{ dir: string; mapping: Awaited<ReturnType<typeof loadMapping>> }> {
  if (dir === undefined) throw new UsageError(`'${command}' needs the folder to watch`);
  if (mappingFile === undefined) throw new UsageError(`'${command}' needs --mapping FILE (a YAML mapping; see docs/integrations/file-drops.md)`);
  let isDir = false;
  try {
    isDir = (await stat(dir)).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new UsageError(`${dir} is not a folder: create it, or give the folder the ERP writes its exports to`);
  return { dir, mapping: await loadMapping(mappingFile) };
}

function describe(r: DropResult): string {
  if (r.outcome === 'processed') return `${r.file}: ${r.rows} row(s), ${r.events} event(s), ${r.stored} stored → ${r.movedTo}`;
  if (r.outcome === 'duplicate') return `${r.file}: not imported again: ${r.error} → ${r.movedTo}`;
  return `${r.file}: FAILED, nothing stored: ${r.error ?? `${r.issues.length} bad row(s)`} → ${r.movedTo}; report ${r.report}`;
}

export async function cmdWatch(rest: readonly string[], flags: IntegrationFlags, io: CliIo): Promise<number> {
  if (rest.length > 1) throw new UsageError(`'lotline watch' takes one folder (got ${rest.join(' ')})`);
  const { dir, mapping } = await watchTarget(rest[0], flags.mapping, 'lotline watch');
  const db = resolveDb(flags.db);
  const store = await openStore(db, { create: true });
  let integrations: IntegrationStore | undefined;
  try {
    integrations = await openIntegrationStore(db);
    const context = cliContext();
    const results: DropResult[] = [];
    let failed = 0;
    const watcher = new DropWatcher({
      dir,
      mapping,
      integrations,
      append: (events, source) => appendAtomically(store, source, events, 'events', context),
      onResult: (r) => {
        results.push(r);
        if (r.outcome === 'failed') failed++;
        if (!flags.json) (r.outcome === 'failed' ? io.err : io.out)(describe(r));
      },
      onError: (file, e) => io.err(`lotline: ${file}: ${e instanceof Error ? e.message : String(e)} (left in place, tried again at the next poll)`),
    });
    if (flags.once) {
      // Two looks a second apart: a file whose size did not change in between is complete.
      await watcher.poll();
      await new Promise((r) => setTimeout(r, 1000));
      await watcher.poll();
      if (flags.json) io.out(JSON.stringify({ files: results.map(({ issues, ...r }) => ({ ...r, issues })) }, null, 2));
      return failed > 0 ? 1 : 0;
    }
    io.err(`watching ${dir} (mapping: ${mapping.kind}); Ctrl-C stops`);
    watcher.start();
    await new Promise<void>((resolve) => {
      const onSignal = (): void => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        resolve();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
    await watcher.stop();
    return 0;
  } finally {
    await integrations?.close();
    await store.close();
  }
}

const list = (v: string | string[] | undefined): string[] | undefined =>
  v === undefined
    ? undefined
    : (Array.isArray(v) ? v : [v])
        .flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter((s) => s !== '');

export async function cmdWebhook(rest: readonly string[], flags: IntegrationFlags, io: CliIo): Promise<number> {
  const [sub, arg, ...more] = rest;
  if (more.length > 0) throw new UsageError(`'lotline webhook ${sub}' takes one argument (got ${rest.slice(1).join(' ')})`);
  const integrations = await openIntegrationStore(resolveDb(flags.db));
  const print = (value: unknown, text: string): void => io.out(flags.json ? JSON.stringify(value, null, 2) : text);
  const need = (what: string): string => {
    if (arg === undefined) throw new UsageError(`'lotline webhook ${sub}' needs ${what}`);
    return arg;
  };
  try {
    switch (sub) {
      case 'add': {
        const filter = { ...(list(flags['biz-step']) ? { bizSteps: list(flags['biz-step'])! } : {}), ...(list(flags.item) ? { items: list(flags.item)! } : {}), ...(list(flags.site) ? { sites: list(flags.site)! } : {}) };
        const s = await createSubscription(integrations, { url: need('a URL'), secret: flags.secret, types: list(flags.types), filter }, cliContext().actor);
        print({ ...subscriptionView(s), secret: s.secret }, `webhook ${s.id} → ${s.url} (${s.types.join(', ')})\nsecret (shown once; the receiver verifies signatures with it): ${s.secret}`);
        return 0;
      }
      case 'list': {
        const subs = (await integrations.listSubscriptions()).map(subscriptionView);
        print({ webhooks: subs }, subs.length === 0 ? 'no webhook subscriptions' : subs.map((s) => `${s.id}  ${s.active ? 'active  ' : 'inactive'}  ${s.url}  types=${s.types.join(',')}  filter=${JSON.stringify(s.filter)}`).join('\n'));
        return 0;
      }
      case 'remove':
        await deleteSubscription(integrations, need('a subscription id'));
        print({ removed: arg }, `webhook ${arg} removed, with its queued deliveries`);
        return 0;
      case 'enable':
      case 'disable': {
        const s = await changeSubscription(integrations, need('a subscription id'), { active: sub === 'enable' });
        print(subscriptionView(s), `webhook ${s.id} ${s.active ? 'active' : 'inactive'}`);
        return 0;
      }
      case 'deliveries': {
        const status = flags.status ?? 'dead';
        if (status !== 'dead' && status !== 'pending' && status !== 'delivered') throw new UsageError(`--status must be dead, pending or delivered (got ${JSON.stringify(status)})`);
        const limit = flags.limit === undefined ? 100 : Number(flags.limit);
        if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a whole number of at least 1 (got ${JSON.stringify(flags.limit)})`);
        const ds = (await integrations.listDeliveries(status, limit)).map(deliveryView);
        print({ deliveries: ds }, ds.length === 0 ? `no ${status} deliveries` : ds.map((d) => `${d.id}  ${d.kind}  ${d.subscriptionId}  attempts=${d.attempts}  ${d.lastError ?? ''}`).join('\n'));
        return 0;
      }
      case 'replay': {
        const id = need('a delivery id');
        if (!(await integrations.replay(id, Date.now()))) {
          const d = await integrations.getDelivery(id);
          throw new LotlineError('NOT_FOUND', d ? `delivery ${id} is ${d.status}, not dead: only dead deliveries are replayed` : `there is no webhook delivery ${JSON.stringify(id)}`);
        }
        print(deliveryView((await integrations.getDelivery(id))!), `delivery ${id} queued again (a running 'lotline serve' sends it)`);
        return 0;
      }
      default:
        throw new UsageError(`'lotline webhook' needs one of: add URL, list, remove ID, enable ID, disable ID, deliveries, replay ID${sub ? ` (got ${JSON.stringify(sub)})` : ''}`);
    }
  } finally {
    await integrations.close();
  }
}
