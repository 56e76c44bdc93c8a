/**
 * Loads the demo plant into a store (one atomic capture) and says what to try next.
 */
import { readNativeValue } from '../capture/native/read-native-line.js';
import type { Issue } from '../domain/errors.js';
import { LotlineError } from '../domain/errors.js';
import { generateDemoPlant } from '../demo/demo-plant.js';
import { demoMasterData } from '../demo/demo-master-data.js';
import type { MasterDataStore } from '../masterdata/master-data-store.js';
import { readMasterDataJson } from '../masterdata/read-master-data.js';
import type { CapturedEvent, CaptureContext, EventStore } from '../store/event-store.js';

export interface DemoLoadOptions {
  readonly onlyIfEmpty?: boolean;
  readonly days?: number;
  readonly seed?: number;
  /** Shown in the suggested commands. */
  readonly db?: string;
  /** Who loads it, for the audit trail. */
  readonly context?: CaptureContext;
  /** Where the demo's master data goes (items, suppliers, customers with contacts, places), when the plant is loaded now. */
  readonly masterData?: MasterDataStore;
}

function shellQuote(s: string): string {
  return /^[\w./:@%+=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface DemoLoadResult {
  /** Whether the demo plant was loaded now (false: the database already had data). */
  readonly loaded: boolean;
  /** Events stored by this load. */
  readonly events: number;
  readonly highlights: ReturnType<typeof generateDemoPlant>['highlights'];
  /** What to tell a person: what happened and the commands to try. */
  readonly text: string;
}

/**
 * `start` (onlyIfEmpty) loads the plant into an empty database and otherwise leaves it alone;
 * `demo` refuses a database that holds data, so that two plants never mix under the same lot codes.
 */
export async function loadDemo(store: EventStore, options: DemoLoadOptions = {}): Promise<DemoLoadResult> {
  const before = await store.stats();
  if (!options.onlyIfEmpty && before.events > 0) {
    throw new LotlineError(
      'USAGE',
      `the database already holds ${before.events} events; load the demo plant into a new one (--db demo.db), so that it does not mix with your data`,
    );
  }
  const plant = generateDemoPlant({ ...(options.days !== undefined ? { days: options.days } : {}), ...(options.seed !== undefined ? { seed: options.seed } : {}) });
  const lines: string[] = [];
  let stored = 0;
  if (before.events > 0) {
    lines.push(`Lotline: the database already holds ${before.events} events and ${before.nodes} objects; nothing loaded.`);
  } else {
    const events: CapturedEvent[] = [];
    plant.commands.forEach((cmd, i) => {
      const issues: Issue[] = [];
      const ev = readNativeValue(cmd, issues);
      if (!ev) throw new LotlineError('NATIVE_INVALID_FIELD', `demo command ${i} is invalid: ${issues.map((x) => `${x.path}: ${x.reason}`).join('; ')}`, { issues });
      events.push(ev);
    });
    const session = await store.beginCapture(options.context);
    try {
      await session.append(events);
      await session.commit();
    } catch (e) {
      await session.rollback();
      throw e;
    }
    await options.masterData?.put(readMasterDataJson(demoMasterData(), 'the demo master data'), options.context?.actor ?? 'demo');
    const after = await store.stats();
    stored = after.events - before.events;
    lines.push(`Lotline: loaded the demo plant — ${stored} events, ${after.nodes} lots, pallets and other objects.`);
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
  const first = plant.highlights[0];
  if (first) lines.push('  # A recall of that raw lot: what to hold, whom to call, and how narrow it is', `  npx lotline recall ${lotArgs(first.rawLot)}${db}`);
  lines.push(`  npx lotline verify${db}`, '', 'Add --json to any command for machine-readable output; npx lotline --help lists everything.');
  return { loaded: stored > 0, events: stored, highlights: plant.highlights, text: lines.join('\n') };
}
