/**
 * The integrations port: what the file-drop watcher and the outbound webhooks keep between runs.
 * The content hashes of files already imported (a file dropped twice is imported once), the
 * webhook subscriptions, and the delivery outbox with its dead-letter list. Both stores keep
 * these tables beside the event log, on their own migration track.
 */

/** A file the watcher imported: its content hash, so that the same content is never imported twice. */
export interface ProcessedFile {
  readonly sha256: string;
  readonly name: string;
  readonly processedAt: string;
  readonly events: number;
}

/** What a subscription lets through; an empty or missing list lets everything through. */
export interface WebhookFilter {
  /** CBV business steps, bare (`shipping`) or as URIs. */
  readonly bizSteps?: readonly string[];
  /** Item codes or GTINs named by the event. */
  readonly items?: readonly string[];
  /** Places (read point or business location): URIs, GLNs or plant location names. */
  readonly sites?: readonly string[];
}

export interface WebhookSubscription {
  readonly id: string;
  readonly url: string;
  /** The HMAC-SHA256 key the receiver verifies signatures with. */
  readonly secret: string;
  /** `event` (every stored EPCIS event that passes the filter) and/or notification kinds (`quality.alert`, …). */
  readonly types: readonly string[];
  readonly filter: WebhookFilter;
  readonly active: boolean;
  readonly createdAt: string;
  readonly createdBy: string;
}

export type SubscriptionChange = Partial<Pick<WebhookSubscription, 'url' | 'secret' | 'types' | 'filter' | 'active'>>;

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

/** One message to one subscription: its body is fixed when it is queued, so every retry sends the same bytes. */
export interface Delivery {
  readonly id: string;
  readonly subscriptionId: string;
  /** `event` or a notification kind. */
  readonly kind: string;
  readonly body: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  /** When it may be sent next (ms since the epoch). */
  readonly nextAttemptMs: number;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly deliveredAt: string | null;
}

export type NewDelivery = Pick<Delivery, 'id' | 'subscriptionId' | 'kind' | 'body'>;

export interface IntegrationStore {
  /** The import of a file with this content hash, if one was recorded. */
  processedFile(sha256: string): Promise<ProcessedFile | undefined>;
  /** Records an imported file (a second record of the same hash keeps the first). */
  recordProcessedFile(file: ProcessedFile): Promise<void>;

  insertSubscription(sub: WebhookSubscription): Promise<void>;
  getSubscription(id: string): Promise<WebhookSubscription | undefined>;
  /** Every subscription, oldest first. */
  listSubscriptions(): Promise<WebhookSubscription[]>;
  /** Changes fields; false when there is no such subscription. */
  updateSubscription(id: string, change: SubscriptionChange): Promise<boolean>;
  /** Deletes it and its queued deliveries; false when there is no such subscription. */
  deleteSubscription(id: string): Promise<boolean>;

  /** The log position up to which stored events have been queued for subscribers. */
  eventCursor(): Promise<number>;
  /**
   * Queues deliveries for the events logged in (from, to], and moves the cursor to `to`, in one
   * transaction, only if the cursor is still at `from` (false otherwise: another process did it).
   */
  enqueueFromLog(from: number, to: number, deliveries: readonly NewDelivery[], nowMs: number): Promise<boolean>;
  /** Queues deliveries now (notifications). */
  enqueue(deliveries: readonly NewDelivery[], nowMs: number): Promise<void>;
  /**
   * Takes up to `limit` pending deliveries due at `nowMs`, oldest first, and leases them until
   * `nowMs + leaseMs` (a process that dies mid-delivery leaves them to be sent again).
   */
  claimDue(nowMs: number, leaseMs: number, limit: number): Promise<Delivery[]>;
  /** Records a successful delivery. */
  markDelivered(id: string, attempts: number, at: string): Promise<void>;
  /** Records a failed attempt: pending again at `nextAttemptMs`, or dead (`nextAttemptMs` null). */
  markFailed(id: string, attempts: number, error: string, nextAttemptMs: number | null): Promise<void>;
  /** Deliveries in a status, newest first, at most `limit`. */
  listDeliveries(status: DeliveryStatus, limit: number): Promise<Delivery[]>;
  getDelivery(id: string): Promise<Delivery | undefined>;
  /** Puts a dead delivery back in the queue, due now, with its attempts reset; false when it is not dead. */
  replay(id: string, nowMs: number): Promise<boolean>;
  close(): Promise<void>;
}
