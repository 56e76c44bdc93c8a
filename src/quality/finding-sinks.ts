/**
 * Where findings go until the exceptions workflow stores them: a list (dry runs, tests), the
 * terminal (`lotline gaps`), or the server's live stream. Each keeps the FindingSink promise: a
 * key already reported is not reported again.
 */
import type { EventEmitter } from 'node:events';
import type { Finding, FindingSink } from './finding.js';

/** A sink that hands each finding to `deliver` once: a key already seen is not delivered again. */
export function onceByKey(deliver: (f: Finding) => void): FindingSink {
  const seen = new Set<string>();
  return {
    async report(findings) {
      for (const f of findings) {
        if (seen.has(f.key)) continue;
        seen.add(f.key);
        deliver(f);
      }
    },
  };
}

/** Keeps the findings, once per key. */
export class ListSink implements FindingSink {
  readonly findings: Finding[] = [];
  private readonly sink = onceByKey((f) => this.findings.push(f));
  report(findings: readonly Finding[]): Promise<void> {
    return this.sink.report(findings);
  }
}

/** One line per finding, for a person at a terminal. */
export function formatFinding(f: Finding): string {
  const where = [f.site, f.line].filter((x) => x !== null).join(', ');
  return `${f.severity.toUpperCase().padEnd(8)} ${f.ruleId}  ${f.subject.kind} ${f.subject.ref}${where ? `  (${where})` : ''}\n         ${f.explanation}`;
}

/** Prints findings as they come: text, or one JSON object per line. */
export function printSink(out: (text: string) => void, json: boolean): FindingSink {
  return onceByKey((f) => out(json ? JSON.stringify(f) : formatFinding(f)));
}

/** The live stream's event name for findings (`event: finding` in the SSE stream). */
export const FINDING_EVENT = 'finding';

/** Publishes each new finding on an emitter the live stream listens to. */
export function streamSink(events: EventEmitter): FindingSink {
  return onceByKey((f) => events.emit(FINDING_EVENT, f));
}
