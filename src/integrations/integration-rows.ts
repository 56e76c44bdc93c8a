/** SQL rows of the integration tables mapped onto the port's types, the same for both adapters. */
import type { Delivery, DeliveryStatus, WebhookFilter, WebhookSubscription } from './integration-store.js';

export interface SubscriptionRow {
  id: string;
  url: string;
  secret: string;
  types: string;
  filter: string;
  /** SQLite 0/1, PostgreSQL boolean. */
  active: number | boolean;
  created_at: string;
  created_by: string;
}

export interface DeliveryRow {
  id: string;
  subscription_id: string;
  kind: string;
  body: string;
  status: string;
  attempts: number;
  /** PostgreSQL BIGINT arrives as a string. */
  next_attempt_ms: number | string;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export function toSubscription(r: SubscriptionRow): WebhookSubscription {
  return {
    id: r.id,
    url: r.url,
    secret: r.secret,
    types: JSON.parse(r.types) as string[],
    filter: JSON.parse(r.filter) as WebhookFilter,
    active: r.active === true || r.active === 1,
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

export function toDelivery(r: DeliveryRow): Delivery {
  return {
    id: r.id,
    subscriptionId: r.subscription_id,
    kind: r.kind,
    body: r.body,
    status: r.status as DeliveryStatus,
    attempts: Number(r.attempts),
    nextAttemptMs: Number(r.next_attempt_ms),
    lastError: r.last_error,
    createdAt: r.created_at,
    deliveredAt: r.delivered_at,
  };
}

export const DELIVERY_COLUMNS = 'id, subscription_id, kind, body, status, attempts, next_attempt_ms, last_error, created_at, delivered_at';
