/** Outbound webhooks for administrators: subscriptions, the delivery queue and its dead-letter list (replayable). */
import { z } from 'zod';
import { LotlineError } from '../../domain/errors.js';
import type { Delivery, IntegrationStore } from '../../integrations/integration-store.js';
import type { WebhookDispatcher } from '../../integrations/webhooks/dispatcher.js';
import { changeSubscription, createSubscription, deleteSubscription, notFound, subscriptionView } from '../../integrations/webhooks/subscriptions.js';
import type { Api } from '../app.js';
import { COMMON_ERRORS, problem } from '../schemas.js';

const Filter = z
  .object({
    bizSteps: z.array(z.string()).optional().describe('CBV business steps, bare (shipping) or as URIs'),
    items: z.array(z.string()).optional().describe('Item codes or GTINs'),
    sites: z.array(z.string()).optional().describe('Places: URIs, GLNs or plant location names (read point or business location)'),
  })
  .strict();
const SubscriptionView = z.object({
  id: z.string(),
  url: z.string(),
  types: z.array(z.string()).describe('"event" for stored events; notification kinds such as "quality.alert"'),
  filter: Filter,
  active: z.boolean(),
  createdAt: z.string(),
  createdBy: z.string(),
});
const SubscriptionBody = z
  .object({
    url: z.string().describe('http:// or https:// URL that receives POSTs'),
    secret: z.string().optional().describe('HMAC key (16–200 characters); left out: Lotline makes one and answers it once'),
    types: z.array(z.string()).optional().describe('Default ["event"]'),
    filter: Filter.optional(),
    active: z.boolean().optional(),
  })
  .strict();
const DeliveryView = z.object({
  id: z.string(),
  subscriptionId: z.string(),
  kind: z.string(),
  status: z.enum(['pending', 'delivered', 'dead']),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
  body: z.unknown().describe('The JSON body sent (the same bytes on every attempt)'),
});
const IdParam = z.object({ id: z.string().min(1) }).strict();

export function deliveryView(d: Delivery): z.infer<typeof DeliveryView> {
  return {
    id: d.id,
    subscriptionId: d.subscriptionId,
    kind: d.kind,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.status === 'pending' ? new Date(d.nextAttemptMs).toISOString() : null,
    lastError: d.lastError,
    createdAt: d.createdAt,
    deliveredAt: d.deliveredAt,
    body: JSON.parse(d.body) as unknown,
  };
}

export function registerWebhookRoutes(api: Api, integrations: IntegrationStore, dispatcher: WebhookDispatcher): void {
  const audit = async (req: Parameters<Api['contextOf']>[0], principal: Parameters<Api['contextOf']>[1], action: string, target: string, details?: Record<string, unknown>): Promise<void> => {
    const { actor, origin } = api.contextOf(req, principal);
    await api.identity.appendAudit({ actor, origin, action, target, ...(details ? { details } : {}) });
  };

  api.route({
    method: 'GET',
    url: '/webhooks',
    tag: 'webhooks',
    summary: 'List webhook subscriptions (no secrets)',
    permission: 'admin',
    responses: { 200: { description: 'Every subscription', schema: z.object({ webhooks: z.array(SubscriptionView) }) }, ...COMMON_ERRORS },
    handler: async () => ({ webhooks: (await integrations.listSubscriptions()).map(subscriptionView) }),
  });

  api.route({
    method: 'POST',
    url: '/webhooks',
    tag: 'webhooks',
    summary: 'Subscribe a URL to stored events and/or notifications (the secret is shown once)',
    description:
      'Each delivery is a POST with a JSON body, signed: `Lotline-Signature: v1=HEX(HMAC-SHA256(secret, TIMESTAMP + "." + BODY))` and `Lotline-Timestamp: TIMESTAMP` (Unix seconds). See docs/integrations/webhooks.md.',
    permission: 'admin',
    body: SubscriptionBody,
    responses: { 201: { description: 'Created; `secret` is the only copy', schema: SubscriptionView.extend({ secret: z.string() }) }, 400: problem('Bad field (INPUT_INVALID)'), ...COMMON_ERRORS },
    handler: async ({ req, reply, body, principal }) => {
      const sub = await createSubscription(integrations, body, principal.actor);
      await audit(req, principal, 'webhook.create', sub.id, { url: sub.url, types: sub.types });
      void reply.status(201);
      return { ...subscriptionView(sub), secret: sub.secret };
    },
  });

  api.route({
    method: 'GET',
    url: '/webhooks/:id',
    tag: 'webhooks',
    summary: 'One subscription (no secret)',
    permission: 'admin',
    params: IdParam,
    responses: { 200: { description: 'The subscription', schema: SubscriptionView }, 404: problem('No such subscription (NOT_FOUND)'), ...COMMON_ERRORS },
    handler: async ({ params }) => {
      const sub = await integrations.getSubscription(params.id);
      if (!sub) throw notFound(params.id);
      return subscriptionView(sub);
    },
  });

  api.route({
    method: 'PATCH',
    url: '/webhooks/:id',
    tag: 'webhooks',
    summary: 'Change a subscription: URL, secret, types, filter, active',
    permission: 'admin',
    params: IdParam,
    body: SubscriptionBody.partial(),
    responses: { 200: { description: 'Changed', schema: SubscriptionView }, 400: problem('Bad field (INPUT_INVALID)'), 404: problem('No such subscription (NOT_FOUND)'), ...COMMON_ERRORS },
    handler: async ({ req, params, body, principal }) => {
      const sub = await changeSubscription(integrations, params.id, body);
      await audit(req, principal, 'webhook.change', sub.id, { fields: Object.keys(body) });
      return subscriptionView(sub);
    },
  });

  api.route({
    method: 'DELETE',
    url: '/webhooks/:id',
    tag: 'webhooks',
    summary: 'Delete a subscription and its queued deliveries',
    permission: 'admin',
    params: IdParam,
    responses: { 204: { description: 'Deleted' }, 404: problem('No such subscription (NOT_FOUND)'), ...COMMON_ERRORS },
    handler: async ({ req, reply, params, principal }) => {
      await deleteSubscription(integrations, params.id);
      await audit(req, principal, 'webhook.delete', params.id);
      void reply.status(204);
      return null;
    },
  });

  api.route({
    method: 'GET',
    url: '/webhook-deliveries',
    tag: 'webhooks',
    summary: 'Deliveries by status: the dead-letter list (dead, the default), the queue (pending), or delivered',
    permission: 'admin',
    query: z
      .object({
        status: z.enum(['dead', 'pending', 'delivered']).default('dead'),
        limit: z.coerce.number().int().min(1).max(1000).default(100).describe('At most this many, newest first'),
      })
      .strict(),
    responses: { 200: { description: 'Deliveries, newest first', schema: z.object({ deliveries: z.array(DeliveryView) }) }, ...COMMON_ERRORS },
    handler: async ({ query }) => ({ deliveries: (await integrations.listDeliveries(query.status, query.limit)).map(deliveryView) }),
  });

  api.route({
    method: 'POST',
    url: '/webhook-deliveries/:id/replay',
    tag: 'webhooks',
    summary: 'Send a dead delivery again: back in the queue, due now, attempts reset',
    permission: 'admin',
    params: IdParam,
    responses: { 200: { description: 'Queued again', schema: DeliveryView }, 404: problem('No dead delivery with this id (NOT_FOUND)'), ...COMMON_ERRORS },
    handler: async ({ req, params, principal }) => {
      if (!(await integrations.replay(params.id, Date.now()))) {
        const d = await integrations.getDelivery(params.id);
        throw new LotlineError('NOT_FOUND', d ? `delivery ${params.id} is ${d.status}, not dead: only dead deliveries are replayed` : `there is no webhook delivery ${JSON.stringify(params.id)}`);
      }
      await audit(req, principal, 'webhook.replay', params.id);
      dispatcher.wake();
      return deliveryView((await integrations.getDelivery(params.id))!);
    },
  });
}
