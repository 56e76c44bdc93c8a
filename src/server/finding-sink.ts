/**
 * Where the server's gap rules send findings: the exceptions workflow (each finding becomes an
 * exception, critical ones alert at once) and the live stream (`event: finding`), so a screen
 * that watches the plant sees a finding the moment a rule makes it.
 */
import type { EventEmitter } from 'node:events';
import type { FindingSink } from '../quality/finding.js';
import { streamSink } from '../quality/finding-sinks.js';

export function findingSinkFor(api: { readonly events: EventEmitter }, exceptions: FindingSink): FindingSink {
  const stream = streamSink(api.events);
  return {
    async report(findings) {
      await exceptions.report(findings);
      await stream.report(findings);
    },
  };
}
