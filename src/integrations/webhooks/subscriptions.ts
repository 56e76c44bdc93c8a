/**
 * Managing webhook subscriptions (the API's admin routes and `lotline webhook` share this):
 * checks every field, names each bad one, and never shows a secret after it was created.
 */
import { randomBytes } from 'node:crypto';
import type { Issue } from '../../domain/errors.js';
import { LotlineError } from '../../domain/errors.js';
import type { IntegrationStore, SubscriptionChange, WebhookFilter, WebhookSubscription } from '../integration-store.js';

/** `event`: every stored event (through the filter); other kinds are notifications sent with `notify`. */
export const EVENT_KIND = 'event';

export interface SubscriptionInput {
  readonly url?: string | undefined;
  readonly secret?: string | undefined;
  readonly types?: readonly string[] | undefined;
  readonly filter?: WebhookFilter | undefined;
  readonly active?: boolean | undefined;
}

/** What listings show: everything but the secret. */
export type SubscriptionView = Omit<WebhookSubscription, 'secret'>;

export function subscriptionView(s: WebhookSubscription): SubscriptionView {
  const { secret: _secret, ...rest } = s;
  void _secret;
  return rest;
}

function check(input: SubscriptionInput, creating: boolean): Issue[] {
  const issues: Issue[] = [];
  if (input.url !== undefined || creating) {
    let ok = false;
    try {
      const u = new URL(input.url ?? '');
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '';
    } catch {
      ok = false;
    }
    if (!ok) issues.push({ path: '$.url', reason: input.url === undefined ? '"url" is required' : `${JSON.stringify(input.url)} is not an http:// or https:// URL without user or password` });
  }
  if (input.secret !== undefined && (input.secret.length < 16 || input.secret.length > 200)) issues.push({ path: '$.secret', reason: 'must be 16 to 200 characters (leave it out and Lotline makes one)' });
  if (input.types !== undefined) {
    if (input.types.length === 0) issues.push({ path: '$.types', reason: `needs at least one type: "${EVENT_KIND}" for stored events, or a notification kind such as "quality.alert"` });
    input.types.forEach((t, i) => {
      if (!/^[a-z][a-z0-9_.-]{0,63}$/.test(t)) issues.push({ path: `$.types[${i}]`, reason: `${JSON.stringify(t)} is not a type: lower-case letters, digits, ".", "_" and "-"` });
    });
  }
  for (const key of ['bizSteps', 'items', 'sites'] as const) {
    input.filter?.[key]?.forEach((v, i) => {
      if (v.trim() === '') issues.push({ path: `$.filter.${key}[${i}]`, reason: 'must not be empty' });
    });
  }
  return issues;
}

function invalid(issues: Issue[]): LotlineError {
  return new LotlineError('INPUT_INVALID', `${issues.map((i) => `${i.path}: ${i.reason}`).join('; ')}`, { issues });
}

/** Creates a subscription; the answer is the only place its secret is shown. */
export async function createSubscription(store: IntegrationStore, input: SubscriptionInput, actor: string): Promise<WebhookSubscription> {
  const issues = check(input, true);
  if (issues.length > 0) throw invalid(issues);
  const sub: WebhookSubscription = {
    id: `wh_${randomBytes(8).toString('hex')}`,
    url: input.url!,
    secret: input.secret ?? `whsec_${randomBytes(24).toString('base64url')}`,
    types: [...new Set(input.types ?? [EVENT_KIND])],
    filter: cleanFilter(input.filter ?? {}),
    active: input.active ?? true,
    createdAt: new Date().toISOString(),
    createdBy: actor,
  };
  await store.insertSubscription(sub);
  return sub;
}

function cleanFilter(f: WebhookFilter): WebhookFilter {
  const out: { -readonly [K in keyof WebhookFilter]: string[] } = {};
  for (const key of ['bizSteps', 'items', 'sites'] as const) if (f[key] && f[key].length > 0) out[key] = f[key].map((v) => v.trim());
  return out;
}

export async function changeSubscription(store: IntegrationStore, id: string, input: SubscriptionInput): Promise<WebhookSubscription> {
  const issues = check(input, false);
  if (issues.length > 0) throw invalid(issues);
  const change: { -readonly [K in keyof SubscriptionChange]: SubscriptionChange[K] } = {};
  if (input.url !== undefined) change.url = input.url;
  if (input.secret !== undefined) change.secret = input.secret;
  if (input.types !== undefined) change.types = [...new Set(input.types)];
  if (input.filter !== undefined) change.filter = cleanFilter(input.filter);
  if (input.active !== undefined) change.active = input.active;
  if (!(await store.updateSubscription(id, change))) throw notFound(id);
  return (await store.getSubscription(id))!;
}

export async function deleteSubscription(store: IntegrationStore, id: string): Promise<void> {
  if (!(await store.deleteSubscription(id))) throw notFound(id);
}

export function notFound(id: string): LotlineError {
  return new LotlineError('NOT_FOUND', `there is no webhook subscription ${JSON.stringify(id)}; list them with GET /api/v1/webhooks or 'lotline webhook list'`);
}
