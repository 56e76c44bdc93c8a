/** An event says it happened in the future, or long before it was recorded. */
import type { Finding } from '../finding.js';
import type { GapRule } from '../gap-rule.js';
import { makeFinding } from '../gap-rule.js';
import { inFocus } from '../plant-view.js';

export const eventTimeImplausible: GapRule = {
  id: 'event-time-implausible',
  severity: 'warning',
  timing: 'immediate',
  title: 'Event time in the future or far in the past',
  explanation: 'An event was recorded with a time after the moment Lotline received it, or long before: a device clock or time zone is wrong, or a date was typed wrongly. Every trace that uses times (recall windows, "as of") is affected. Correct the clock, and correct the event.',
  check(view, config) {
    const out: Finding[] = [];
    for (const e of view.events.values()) {
      if (!inFocus(view, e.seq)) continue;
      const recordMs = Date.parse(e.recordTime);
      const future = e.eventMs > recordMs + config.futureMs;
      const past = e.eventMs < recordMs - config.pastMs;
      if (!future && !past) continue;
      const hours = Math.round((Math.abs(e.eventMs - recordMs) / 3_600_000) * 10) / 10;
      out.push(
        makeFinding(this, view, {
          subject: { kind: 'event', ref: e.eventId },
          keyParts: [e.eventId],
          explanation: future
            ? `The event says it happened at ${e.eventTime}, ${hours} h after Lotline recorded it (${e.recordTime}): a device clock or time zone is wrong. Correct the clock, then the event.`
            : `The event says it happened at ${e.eventTime}, ${Math.round(hours / 24)} days before Lotline recorded it (${e.recordTime}), more than the ${config.pastMs / 86_400_000} days allowed: a date may be typed wrongly, or an old backlog was sent. Check the date.`,
          seqs: [e.seq],
        }),
      );
    }
    return out;
  },
};
