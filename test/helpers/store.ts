/** Loads native commands straight into a store, as one atomic capture (no files, no CLI). */
import { readNativeValue } from '../../src/capture/native/read-native-line.js';
import type { Issue } from '../../src/domain/errors.js';
import type { AppendOutcome, CapturedEvent, EventStore } from '../../src/store/event-store.js';

export function captured(commands: readonly unknown[]): CapturedEvent[] {
  return commands.map((c, i) => {
    const issues: Issue[] = [];
    const ev = readNativeValue(c, issues);
    if (!ev) throw new Error(`command ${i} is invalid: ${JSON.stringify(issues)}`);
    return ev;
  });
}

export async function load(store: EventStore, commands: readonly unknown[]): Promise<AppendOutcome[]> {
  const session = await store.beginCapture();
  try {
    const out = await session.append(captured(commands));
    await session.commit();
    return out;
  } catch (e) {
    await session.rollback();
    throw e;
  }
}
