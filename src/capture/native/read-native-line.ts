/**
 * One NDJSON line → one captured event: a native command, or an EPCIS event written as is
 * (a line whose "type" is an EPCIS event type).
 */
import type { Issue } from '../../domain/errors.js';
import { EVENT_TYPES } from '../../domain/event-facts.js';
import type { CapturedEvent } from '../../store/event-store.js';
import { captureEvent } from '../captured-event.js';
import { NATIVE_COMMANDS, NativeCommand } from './native-command.js';
import { nativeToEpcis } from './native-to-epcis.js';

function zodPath(path: readonly PropertyKey[]): string {
  return '$' + path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
}

/** Parses one line's JSON value; issues are added with paths from `$` (the caller adds file and line). */
export function readNativeValue(value: unknown, issues: Issue[]): CapturedEvent | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({ path: '$', reason: 'each line must be one JSON object (a native command or an EPCIS event)' });
    return undefined;
  }
  const o = value as Record<string, unknown>;
  if (o['cmd'] === undefined && typeof o['type'] === 'string' && (EVENT_TYPES as readonly string[]).includes(o['type'])) {
    return captureEvent(o, '$', issues);
  }
  if (typeof o['cmd'] !== 'string' || !(NATIVE_COMMANDS as readonly string[]).includes(o['cmd'])) {
    issues.push({
      path: '$.cmd',
      reason: `"cmd" must be one of ${NATIVE_COMMANDS.join(', ')}${o['cmd'] === undefined ? ' (it is missing; an EPCIS event line needs "type")' : ` (got ${JSON.stringify(o['cmd'])})`}`,
    });
    return undefined;
  }
  const parsed = NativeCommand.safeParse(o);
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      const field = String(i.path[i.path.length - 1] ?? 'value');
      const reason =
        i.code === 'unrecognized_keys'
          ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')} for "${String(o['cmd'])}"`
          : i.code === 'invalid_type' && /received undefined/.test(i.message)
            ? `"${field}" is required`
            : `"${field}" ${i.message.replace(/^Invalid input: /, '')}`;
      issues.push({ path: zodPath(i.path), reason });
    }
    return undefined;
  }
  const event = nativeToEpcis(parsed.data, issues);
  return event ? captureEvent(event, '$', issues) : undefined;
}
