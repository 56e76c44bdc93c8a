/**
 * Every limit on hostile input has its own error code, names the field and the limit, and
 * leaves the store as it was: nesting depth, string length, events per request, body size,
 * document size, NDJSON line length, and the trace size (nodes reached).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFile } from '../../src/capture/import-file.js';
import { findLimitBreach, MAX_JSON_DEPTH, MAX_REQUEST_EVENTS, MAX_STRING_CHARS } from '../../src/capture/input-limits.js';
import { LotlineError } from '../../src/domain/errors.js';
import { trace } from '../../src/genealogy/trace.js';
import { plainRef } from '../../src/domain/identifiers/index.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { tempDb } from '../helpers/cli.js';
import type { TestApi } from '../helpers/http.js';
import { receive, testApi } from '../helpers/http.js';

/** Entries and head hash of the log: equal before and after means nothing was written. */
export async function logHead(store: EventStore): Promise<string> {
  const v = await store.verify();
  return `${v.entries}:${v.headHash}:${v.ok}`;
}

const nest = (depth: number, leaf: unknown = 1): unknown => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { a: v };
  return v;
};

const epcisDoc = (event: Record<string, unknown>, count = 1) => ({
  '@context': ['https://ref.gs1.org/standards/epcis/epcis-context.jsonld', { ext: 'https://example.com/ext/' }],
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: '2026-05-04T00:00:00Z',
  epcisBody: {
    eventList: Array.from({ length: count }, (_, i) => ({
      type: 'ObjectEvent',
      eventTime: '2026-05-04T08:00:00Z',
      eventTimeZoneOffset: '+00:00',
      action: 'OBSERVE',
      bizStep: 'inspecting',
      epcList: [`urn:epc:id:sgtin:4012345.012345.${i}`],
      ...event,
    })),
  },
});

describe('findLimitBreach', () => {
  it('accepts values at the limits and names the first field past them', () => {
    expect(findLimitBreach(nest(MAX_JSON_DEPTH - 1))).toBeUndefined();
    const deep = findLimitBreach({ x: nest(MAX_JSON_DEPTH) });
    expect(deep?.code).toBe('INPUT_TOO_DEEP');
    expect(deep?.issue.path).toMatch(/^\$\.x(\[0\]\.a|\.a\[0\])(\[0\]\.a|\.a\[0\])+/);
    expect(deep?.issue.reason).toContain(`${MAX_JSON_DEPTH}`);
    expect(findLimitBreach({ lots: [{ note: 'x'.repeat(MAX_STRING_CHARS) }] })).toBeUndefined();
    expect(findLimitBreach({ lots: [{ note: 'x'.repeat(MAX_STRING_CHARS + 1) }] })).toEqual({
      code: 'INPUT_STRING_TOO_LONG',
      issue: { path: '$.lots[0].note', reason: `the text has ${MAX_STRING_CHARS + 1} characters, over the limit of ${MAX_STRING_CHARS} for one field` },
    });
    expect(findLimitBreach({ ['k'.repeat(MAX_STRING_CHARS + 1)]: 1 })?.code).toBe('INPUT_STRING_TOO_LONG');
    expect(findLimitBreach({ 'odd key': ['y'.repeat(MAX_STRING_CHARS + 1)] })?.issue.path).toBe('$["odd key"][0]');
  });

  it('measures a value nested a million deep without overflowing the stack', () => {
    let v: unknown = 0;
    for (let i = 0; i < 1_000_000; i++) v = [v];
    expect(findLimitBreach(v)?.code).toBe('INPUT_TOO_DEEP');
    // and JSON.parse of such text, as a body would arrive
    expect(findLimitBreach(JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`))?.code).toBe('INPUT_TOO_DEEP');
  });
});

describe('limits over HTTP: own code, the field named, nothing stored', () => {
  let t: TestApi;
  let before: string;
  beforeEach(async () => {
    t = await testApi();
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.keys.operator, payload: receive('R1') });
    expect(r.statusCode).toBe(201);
    before = await logHead(t.store);
  });
  afterEach(async () => t.close());

  const post = (url: string, body: string, contentType = 'application/json') =>
    t.app.inject({ method: 'POST', url, headers: { ...t.keys.quality, 'content-type': contentType }, payload: body });

  it('nesting depth: POST /events and /epcis/capture answer 400 INPUT_TOO_DEEP', async () => {
    const events = await post('/api/v1/events', JSON.stringify(receive('R2', { note: nest(500) })));
    expect(events.statusCode).toBe(400);
    expect(events.json()).toMatchObject({ code: 'INPUT_TOO_DEEP', issues: [{ path: expect.stringMatching(/^\$\.note(\.a|\[0\])+$/) }] });
    // a million brackets: the parser copes, the limit answers before any reader recurses
    const brackets = await post('/api/v1/events', `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`);
    expect(brackets.statusCode).toBe(400);
    expect(brackets.json()).toMatchObject({ code: 'INPUT_TOO_DEEP' });
    const doc = await post('/api/v1/epcis/capture', JSON.stringify(epcisDoc({ 'ext:x': nest(100) })), 'application/ld+json');
    expect(doc.statusCode).toBe(400);
    expect(doc.json()).toMatchObject({ code: 'INPUT_TOO_DEEP', issues: [{ path: expect.stringMatching(/^\$\.epcisBody\.eventList\[0\]\.ext:x(\.a|\[0\])+$/) }] });
    expect(await logHead(t.store)).toBe(before);
  });

  it('string length: 400 INPUT_STRING_TOO_LONG with the path, even in an extension field', async () => {
    const doc = await post('/api/v1/epcis/capture', JSON.stringify(epcisDoc({ 'ext:note': 'x'.repeat(MAX_STRING_CHARS + 1) })), 'application/ld+json');
    expect(doc.statusCode).toBe(400);
    expect(doc.json()).toMatchObject({ code: 'INPUT_STRING_TOO_LONG', issues: [{ path: '$.epcisBody.eventList[0].ext:note', reason: expect.stringContaining(`${MAX_STRING_CHARS}`) }] });
    // a native field keeps its own, lower limit and code
    const lot = await post('/api/v1/events', JSON.stringify(receive('L'.repeat(501))));
    expect(lot.json()).toMatchObject({ code: 'NATIVE_INVALID_FIELD', issues: [{ path: '$.lots[0].lot', reason: expect.stringContaining('500') }] });
    const huge = await post('/api/v1/events', JSON.stringify(receive('L'.repeat(2_000_000))));
    expect(huge.json()).toMatchObject({ code: 'INPUT_STRING_TOO_LONG', issues: [{ path: '$.lots[0].lot' }] });
    expect(await logHead(t.store)).toBe(before);
  });

  it('event count: 413 INPUT_TOO_MANY_EVENTS above 10,000 per request or document', async () => {
    const many = Array.from({ length: MAX_REQUEST_EVENTS + 1 }, (_, i) => receive(`M${i}`));
    const events = await post('/api/v1/events', JSON.stringify(many));
    expect(events.statusCode).toBe(413);
    expect(events.json()).toMatchObject({ code: 'INPUT_TOO_MANY_EVENTS', issues: [{ path: '$', reason: `${MAX_REQUEST_EVENTS + 1} events; at most ${MAX_REQUEST_EVENTS}` }] });
    const doc = await post('/api/v1/epcis/capture', JSON.stringify(epcisDoc({}, MAX_REQUEST_EVENTS + 1)), 'application/ld+json');
    expect(doc.statusCode).toBe(413);
    expect(doc.json()).toMatchObject({ code: 'INPUT_TOO_MANY_EVENTS', issues: [{ path: '$.epcisBody.eventList' }] });
    expect(await logHead(t.store)).toBe(before);
  });

  it('document size: a body over --max-body is 413 INPUT_TOO_LARGE', async () => {
    const small = await testApi({ maxBodyBytes: 4096 });
    try {
      const body = JSON.stringify(Array.from({ length: 40 }, (_, i) => receive(`B${i}`)));
      expect(body.length).toBeGreaterThan(4096);
      const r = await small.app.inject({ method: 'POST', url: '/api/v1/events', headers: { ...small.keys.operator, 'content-type': 'application/json' }, payload: body });
      expect(r.statusCode).toBe(413);
      expect(r.json()).toMatchObject({ code: 'INPUT_TOO_LARGE', detail: expect.stringContaining('4096') });
      expect(await small.store.headSeq()).toBe(0);
    } finally {
      await small.close();
    }
  });
});

describe('limits on imported files', () => {
  it('an NDJSON line too deep or too long stops the import with its code and line; nothing stored', async () => {
    const db = tempDb();
    const store = openSqliteStore(db);
    try {
      const good = JSON.stringify(receive('G1'));
      for (const [bad, code] of [
        [JSON.stringify({ type: 'ObjectEvent', eventTime: '2026-05-04T08:00:00Z', eventTimeZoneOffset: '+00:00', action: 'OBSERVE', epcList: ['urn:epc:id:sgtin:4012345.012345.1'], 'https://example.com/x': nest(MAX_JSON_DEPTH + 5) }), 'INPUT_TOO_DEEP'],
        [JSON.stringify({ ...receive('G2'), from: 'S'.repeat(MAX_STRING_CHARS + 1) }), 'INPUT_STRING_TOO_LONG'],
      ] as const) {
        const file = join(dirname(db), `bad-${code}.ndjson`);
        writeFileSync(file, `${good}\n${bad}\n`);
        const before = await logHead(store);
        const e = await importFile(store, file, { captureThread: false }).catch((x: unknown) => x);
        expect(e).toBeInstanceOf(LotlineError);
        expect((e as LotlineError).code).toBe(code);
        expect((e as LotlineError).message).toMatch(/line 2: \$[.[]/);
        expect((e as LotlineError).issues[0]).toMatchObject({ line: 2, file });
        expect(await logHead(store)).toBe(before);
        // the capture thread reads the same way
        const threaded = await importFile(store, file, { captureThread: true }).catch((x: unknown) => x);
        expect((threaded as LotlineError).code).toBe(code);
        expect(await logHead(store)).toBe(before);
      }
    } finally {
      await store.close();
    }
  });

  it('an EPCIS document with a deep extension: INPUT_TOO_DEEP naming the file and the path', async () => {
    const db = tempDb();
    const store = openSqliteStore(db);
    try {
      const file = join(dirname(db), 'deep.jsonld');
      // written as text: JSON.stringify itself cannot nest that deep
      writeFileSync(file, JSON.stringify(epcisDoc({ 'ext:x': 'HERE' })).replace('"HERE"', `${'['.repeat(10_000)}${']'.repeat(10_000)}`));
      const e = (await importFile(store, file).catch((x: unknown) => x)) as LotlineError;
      expect(e.code).toBe('INPUT_TOO_DEEP');
      expect(e.message).toContain(file);
      expect(e.issues[0]).toMatchObject({ file, path: expect.stringMatching(/^\$\.epcisBody\.eventList\[0\]\.ext:x(\[0\])+$/) });
      expect(await store.headSeq()).toBe(0);
    } finally {
      await store.close();
    }
  });
});

describe('trace size', () => {
  it('a trace that reaches more nodes than maxNodes says truncated; the lots it lists are a prefix by depth', async () => {
    const store = openSqliteStore(':memory:');
    try {
      const s = await store.beginCapture();
      const { readCaptureValue } = await import('../../src/capture/capture-events.js');
      // a chain RAW → S1 → S2 → … → S30
      const cmds: Record<string, unknown>[] = [receive('C0')];
      for (let i = 1; i <= 30; i++) {
        cmds.push({ cmd: 'produce', time: '2026-05-04T09:00:00+02:00', inputs: [{ item: i === 1 ? 'RAW' : 'FG', lot: i === 1 ? 'C0' : `S${i - 1}`, quantity: 1, uom: 'KGM' }], outputs: [{ item: 'FG', lot: `S${i}`, quantity: 1, uom: 'KGM' }] });
      }
      await s.append(readCaptureValue(cmds).events);
      await s.commit();
      const full = await trace(store, plainRef({ item: 'RAW', lot: 'C0' }), 'forward');
      expect(full.truncated).toBe(false);
      expect(full.lots).toHaveLength(31);
      const cut = await trace(store, plainRef({ item: 'RAW', lot: 'C0' }), 'forward', { maxNodes: 10 });
      expect(cut.truncated).toBe(true);
      expect(cut.lots.length).toBeLessThan(31);
      expect(Math.max(...cut.lots.map((l) => l.depth))).toBeLessThan(30);
    } finally {
      await store.close();
    }
  });
});
