/**
 * Alerts: what the quality team must see now (a critical exception, a hold violation, an overdue
 * exception). Every alert goes through `deliverAlert` to each channel: the live stream, and (in
 * `serve`) the webhook subscriptions that list its kind.
 */
import type { ExceptionRecord } from './quality-store.js';

export interface Alert {
  /** `exception.opened` (a new exception), `exception.escalated` (overdue: to the quality team). */
  readonly kind: 'exception.opened' | 'exception.escalated';
  readonly severity: ExceptionRecord['severity'];
  readonly exception: ExceptionRecord;
  readonly time: string;
}

/** Somewhere alerts go: the live stream, a webhook. A channel must not throw. */
export type AlertChannel = (alert: Alert) => void;

/** Sends an alert to every channel; one failing channel does not keep it from the others. */
export function deliverAlert(alert: Alert, channels: readonly AlertChannel[]): void {
  for (const send of channels) {
    try {
      send(alert);
    } catch {
      // a channel reports its own failures (the stream logs them); the others still get the alert
    }
  }
}
