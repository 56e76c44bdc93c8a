/**
 * The trace-size limit (DEFAULT_MAX_NODES, 2,000,000 nodes), lowered to 10 for this file so a
 * 31-lot chain crosses it: a trace says `truncated`, a recall scope warns, and a traced FSMA 204
 * spreadsheet — which would look complete — is refused with TRACE_TOO_LARGE.
 */
import { describe, expect, it, vi } from 'vitest';
import { readCaptureValue } from '../../src/capture/capture-events.js';
import { LotlineError } from '../../src/domain/errors.js';
import { plainRef } from '../../src/domain/identifiers/index.js';
import type * as TraceModule from '../../src/genealogy/trace.js';
import { trace } from '../../src/genealogy/trace.js';
import { fsma204Report } from '../../src/reports/fsma204/fsma204-report.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { receive } from '../helpers/http.js';

vi.mock('../../src/genealogy/trace.js', async (original) => ({ ...(await original<typeof TraceModule>()), DEFAULT_MAX_NODES: 10 }));

async function chainStore(length: number) {
  const store = openSqliteStore(':memory:');
  const cmds: Record<string, unknown>[] = [receive('C0')];
  for (let i = 1; i <= length; i++) {
    cmds.push({ cmd: 'produce', time: '2026-05-04T09:00:00+02:00', inputs: [{ item: i === 1 ? 'RAW' : 'FG', lot: i === 1 ? 'C0' : `S${i - 1}`, quantity: 1, uom: 'KGM' }], outputs: [{ item: 'FG', lot: `S${i}`, quantity: 1, uom: 'KGM' }] });
  }
  const s = await store.beginCapture();
  await s.append(readCaptureValue(cmds).events);
  await s.commit();
  return store;
}

describe('trace size over the limit', () => {
  it('a trace answers truncated; a traced FSMA 204 spreadsheet is refused with TRACE_TOO_LARGE', async () => {
    const store = await chainStore(30);
    try {
      // trace() reads its own module's constant, which the mock does not reach: the limit is given as the option
      const t = await trace(store, plainRef({ item: 'RAW', lot: 'C0' }), 'forward', { maxNodes: 10 });
      expect(t.truncated).toBe(true);
      const e = await fsma204Report(store, { tlcs: ['C0'], trace: 'forward' }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(LotlineError);
      expect(e).toMatchObject({ code: 'TRACE_TOO_LARGE', issues: [{ path: 'tlc' }] });
      expect((e as LotlineError).message).toMatch(/more than 10 nodes/);
      // below the limit the same report is made
      const small = await chainStore(3);
      try {
        const r = await fsma204Report(small, { tlcs: ['C0'], trace: 'forward' });
        expect(r).toBeDefined();
      } finally {
        await small.close();
      }
    } finally {
      await store.close();
    }
  });
});
