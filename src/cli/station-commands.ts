/** `lotline station add|list|remove`: scan stations, configured on the server's database. */
import { newStation, StationInputSchema } from '../capture/scan/station-config.js';
import type { StationRecord, StationStore } from '../capture/scan/station-store.js';
import { LotlineError } from '../domain/errors.js';
import { openStationStore, resolveDb } from '../main.js';
import type { CliIo } from './io.js';
import { cliContext, UsageError } from './io.js';

export interface StationFlags {
  db?: string | undefined;
  json?: boolean | undefined;
  site?: string | undefined;
  line?: string | undefined;
  role?: string | undefined;
  quantity?: string | undefined;
  uom?: string | undefined;
  'output-item'?: string | undefined;
  items?: string | undefined;
  supplier?: string | undefined;
  customer?: string | undefined;
}

/** The flag each field of the station schema comes from, for messages. */
const FLAG_OF: Readonly<Record<string, string>> = {
  id: 'ID', site: '--site', line: '--line', role: '--role', quantity: '--quantity', uom: '--uom', outputItem: '--output-item', items: '--items', supplier: '--supplier', customer: '--customer',
};

async function withStations<T>(flags: StationFlags, fn: (s: StationStore) => Promise<T>): Promise<T> {
  const stations = await openStationStore(resolveDb(flags.db));
  try {
    return await fn(stations);
  } finally {
    await stations.close();
  }
}

function describe(s: StationRecord): string {
  const d = s.defaults;
  const parts = [
    d.quantity !== undefined ? `default ${d.quantity} ${d.uom ?? 'EA'}` : '',
    d.outputItem !== undefined ? `makes ${d.outputItem}` : '',
    d.items ? `takes ${d.items.join(',')}` : '',
    d.supplier !== undefined ? `supplier ${d.supplier}` : '',
    d.customer !== undefined ? `customer ${d.customer}` : '',
  ].filter(Boolean);
  return `${s.id}\t${s.role}\t${s.site}${s.line !== null ? ` / ${s.line}` : ''}${parts.length > 0 ? `\t${parts.join('; ')}` : ''}`;
}

export async function cmdStation(rest: readonly string[], flags: StationFlags, io: CliIo): Promise<number> {
  const [sub, id, ...extra] = rest;
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  switch (sub) {
    case 'add': {
      if (!id) throw new UsageError("'lotline station add' needs an ID");
      if (!flags.site || !flags.role) throw new UsageError("'lotline station add ID' needs --site and --role (receiving, production, packing or shipping)");
      let quantity: number | undefined;
      if (flags.quantity !== undefined) {
        quantity = Number(flags.quantity);
        if (flags.quantity.trim() === '' || !Number.isFinite(quantity)) throw new UsageError(`--quantity must be a number (got ${JSON.stringify(flags.quantity)})`);
      }
      const input = {
        id,
        site: flags.site,
        role: flags.role,
        ...(flags.line !== undefined ? { line: flags.line } : {}),
        defaults: {
          ...(quantity !== undefined ? { quantity } : {}),
          ...(flags.uom !== undefined ? { uom: flags.uom } : {}),
          ...(flags['output-item'] !== undefined ? { outputItem: flags['output-item'] } : {}),
          ...(flags.items !== undefined ? { items: flags.items.split(',').map((s) => s.trim()).filter((s) => s !== '') } : {}),
          ...(flags.supplier !== undefined ? { supplier: flags.supplier } : {}),
          ...(flags.customer !== undefined ? { customer: flags.customer } : {}),
        },
      };
      const parsed = StationInputSchema.safeParse(input);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => {
          const field = String(i.path.at(-1) ?? '');
          const flag = FLAG_OF[typeof i.path.at(-1) === 'number' ? 'items' : field] ?? field;
          return { path: `$.${i.path.join('.')}`, reason: `${flag} ${i.message.replace(/^Invalid input: /, '')}` };
        });
        throw new LotlineError('INPUT_INVALID', issues.map((i) => i.reason).join('; '), { issues });
      }
      const station = newStation(parsed.data, cliContext().actor);
      await withStations(flags, (s) => s.insertStation(station));
      io.out(flags.json ? JSON.stringify(station, null, 2) : `station ${station.id} added: ${describe(station)}`);
      return 0;
    }
    case 'list': {
      if (id) throw new UsageError("'lotline station list' takes no ID");
      const stations = await withStations(flags, (s) => s.listStations());
      if (flags.json) io.out(JSON.stringify({ stations }, null, 2));
      else if (stations.length === 0) io.out("no scan stations yet; add one with 'lotline station add ID --site SITE --role ROLE'");
      else for (const s of stations) io.out(describe(s));
      return 0;
    }
    case 'remove': {
      if (!id) throw new UsageError("'lotline station remove' needs an ID");
      const removed = await withStations(flags, (s) => s.removeStation(id));
      if (!removed) throw new LotlineError('STATION_NOT_FOUND', `there is no scan station ${JSON.stringify(id)}; see 'lotline station list'`);
      io.out(flags.json ? JSON.stringify({ removed: id }) : `station ${id} removed`);
      return 0;
    }
    default:
      throw new UsageError(`'lotline station' needs add, list or remove${sub ? ` (got ${JSON.stringify(sub)})` : ''}`);
  }
}
