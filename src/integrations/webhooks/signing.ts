/**
 * How a delivery is signed: HMAC-SHA256 with the subscription's secret over `TIMESTAMP.BODY`
 * (the Unix time in seconds, a dot, the exact bytes of the body), sent as
 * `Lotline-Signature: v1=<hex>` beside `Lotline-Timestamp: <seconds>`. A receiver recomputes it,
 * compares in constant time, and refuses timestamps too far from its clock (replays).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'lotline-signature';
export const TIMESTAMP_HEADER = 'lotline-timestamp';
export const DELIVERY_HEADER = 'lotline-delivery';
export const KIND_HEADER = 'lotline-event';

export function sign(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** True when `signature` is the signature of `body` at `timestamp`, and the timestamp is within `toleranceSec` of `nowSec`. */
export function verifySignature(secret: string, timestamp: string, body: string, signature: string, nowSec = Math.floor(Date.now() / 1000), toleranceSec = 300): boolean {
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSec - Number(timestamp)) > toleranceSec) return false;
  const expected = Buffer.from(sign(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
