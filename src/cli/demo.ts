/**
 * Loads the demo plant into a store (one atomic capture) and says what to try next.
 */
import { readNativeValue } from '../capture/native/read-native-line.js';
import type { Issue } from '../domain/errors.js';
import { LotlineError } from '../domain/errors.js';
import { generateDemoPlant } from '../demo/demo-plant.js';
import type { CapturedEvent, EventStore } from '../store/event-store.js';

export interface DemoLoadOptions {
  readonly onlyIfEmpty?: boolean;
  readonly days?: number;
  readonly seed?: number;
  /** Shown in the suggested commands. */
  readonly db?: string;
}

function shellQuote(s: string): string {
  return /^[\w./:@%+=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export async function loadDemo(store: EventStore, options: DemoLoadOptions = {}): Promise<string> {
  const before = await store.stats();
  const plant = generateDemoPlant({ ...(options.days !== undefined ? { days: options.days } : {}), ...(options.seed !== undefined ? { seed: options.seed } : {}) });
  const lines: string[] = [];
  if (options.onlyIfEmpty && before.events > 0) {
    lines.push(`Lotline: the database already holds ${before.events} events and ${before.nodes} objects; nothing loaded.`);
  } else {
    const events: CapturedEvent[] = [];
    plant.commands.forEach((cmd, i) => {
      const issues: Issue[] = [];
      const ev = readNativeValue(cmd, issues);
      if (!ev) throw new LotlineError('NATIVE_INVALID_FIELD', `demo command ${i} is invalid: ${issues.map((x) => `${x.path}: ${x.reason}`).join('; ')}`, { issues });
      events.push(ev);
    });
    const session = await store.beginCapture();
    try {
      await session.append(events);
      await session.commit();
    } catch (e) {
      await session.rollback();
      throw e;
    }
    const after = await store.stats();
    lines.push(`Lotline: loaded the demo plant — ${after.events - before.events} events, ${after.nodes} lots, pallets and other objects.`);
  }
  const db = options.db ? ` --db ${shellQuote(options.db)}` : '';
  const lotArgs = (l: { item: string; lot: string }): string => (/^\d{14}$/.test(l.item) ? `--gtin ${l.item} --lot ${shellQuote(l.lot)}` : `--item ${shellQuote(l.item)} --lot ${shellQuote(l.lot)}`);
  lines.push('', 'Try:');
  for (const h of plant.highlights) {
    lines.push(`  # ${h.description}`);
    lines.push(`  npx lotline trace forward ${lotArgs(h.rawLot)}${db}`);
    lines.push(`  npx lotline trace backward ${lotArgs(h.finishedLot)}${db}`);
    lines.push(`  npx lotline lot '(00)${h.sscc}'${db}`);
  }
  lines.push(`  npx lotline verify${db}`, '', 'Add --json to any command for machine-readable output; npx lotline --help lists everything.');
  return lines.join('\n');
}
