/**
 * Where the server's gap rules send findings: the one seam the exceptions workflow replaces
 * with its sink (which stores each finding as an exception and alerts). Until it lands, the
 * findings go out on the live stream (`event: finding`).
 */
import type { EventEmitter } from 'node:events';
import type { FindingSink } from '../quality/finding.js';
import { streamSink } from '../quality/finding-sinks.js';

export function findingSinkFor(api: { readonly events: EventEmitter }): FindingSink {
  return streamSink(api.events);
}
