/**
 * One HTTP status per error code, in one place (src/server/problem.ts), complete, and equal to
 * the table of docs/errors.md; the OpenAPI document comes from the routes' own schemas.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, LotlineError } from '../../src/domain/errors.js';
import { asLotlineError, HTTP_STATUS, problemOf } from '../../src/server/problem.js';
import { testApi } from '../helpers/http.js';

const ERRORS_MD = fileURLToPath(new URL('../../docs/errors.md', import.meta.url));

describe('HTTP status of error codes', () => {
  it('has a status for every code, and no other', () => {
    expect(Object.keys(HTTP_STATUS).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('matches the status table of docs/errors.md', () => {
    const documented: Record<string, number> = {};
    for (const line of readFileSync(ERRORS_MD, 'utf8').split(/\r?\n/)) {
      const m = /^\|\s*(\d{3})\s*\|(.*)\|\s*$/.exec(line);
      if (m) for (const c of m[2]!.matchAll(/`([A-Z_]+)`/g)) documented[c[1]!] = Number(m[1]);
    }
    expect(documented).toEqual(HTTP_STATUS);
  });

  it('turns an unexpected failure into INTERNAL_ERROR without its message leaking', () => {
    const e = asLotlineError(new Error('SQLITE_IOERR at /secret/path'), 1024);
    expect(e.code).toBe('INTERNAL_ERROR');
    const p = problemOf(e);
    expect(p).toMatchObject({ status: 500, code: 'INTERNAL_ERROR', type: 'urn:lotline:error:INTERNAL_ERROR' });
    expect(p.detail).not.toContain('/secret/path');
    expect(problemOf(new LotlineError('LOT_NOT_FOUND', 'no lot'), '/x')).toEqual({ type: 'urn:lotline:error:LOT_NOT_FOUND', title: 'Not Found', status: 404, detail: 'no lot', code: 'LOT_NOT_FOUND', instance: '/x', issues: [] });
  });
});

describe('OpenAPI document and reference page', () => {
  it('describes every route with the schemas that validate it', async () => {
    const t = await testApi();
    try {
      const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json() as {
        openapi: string;
        paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown>; required?: string[] } }> }; parameters?: { name: string; in: string; required: boolean }[]; responses: Record<string, unknown>; 'x-lotline-permission': string }>>;
      };
      expect(doc.openapi).toBe('3.1.0');
      const addUser = doc.paths['/api/v1/users']!['post']!;
      expect(addUser.requestBody!.content['application/json']!.schema).toMatchObject({ required: ['name', 'role', 'password'], properties: { role: { enum: ['operator', 'quality', 'auditor', 'admin'] } } });
      expect(addUser['x-lotline-permission']).toBe('admin');
      expect(doc.paths['/api/v1/lots/{ref}']!['get']!.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'ref', in: 'path', required: true })]));
      const query = doc.paths['/api/v1/epcis/events']!['get']!.parameters!.map((p) => p.name);
      expect(query).toEqual(expect.arrayContaining(['eventType', 'GE_eventTime', 'LT_eventTime', 'GE_recordTime', 'EQ_bizStep', 'EQ_disposition', 'MATCH_epc', 'MATCH_anyEPC', 'MATCH_epcClass', 'MATCH_anyEPCClass', 'EQ_bizLocation', 'perPage', 'nextPageToken']));
      expect(Object.keys(doc.paths['/api/v1/events']!['post']!.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '409', '413', '415', '429']));
      const page = await t.app.inject({ url: '/api/v1/docs' });
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).toContain('/api/v1/openapi.json');
      expect(page.body).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
    } finally {
      await t.close();
    }
  });
});
