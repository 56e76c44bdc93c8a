/**
 * Whatever arrives, the readers answer with a LotlineError that names what is wrong, or with
 * events: never a TypeError from deep inside, never a crash.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEpcisDocument } from '../../src/capture/epcis/read-epcis-document.js';
import { readNativeValue } from '../../src/capture/native/read-native-line.js';
import type { Issue } from '../../src/domain/errors.js';
import { LotlineError } from '../../src/domain/errors.js';
import { FIXTURES } from '../helpers/cli.js';

const juice = JSON.parse(readFileSync(join(FIXTURES, 'epcis/juice-plant.jsonld'), 'utf8')) as { epcisBody: { eventList: Record<string, unknown>[] } };
const bakery = readFileSync(join(FIXTURES, 'scenarios/bakery.ndjson'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Replaces the value at a random path of `value` with `replacement`. */
function mutate(value: unknown, path: readonly number[], replacement: unknown): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return replacement;
  const keys = Object.keys(value);
  if (keys.length === 0) return replacement;
  const key = keys[path[0]! % keys.length]!;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
  (copy as Record<string, unknown>)[key] = mutate((value as Record<string, unknown>)[key], path.slice(1), replacement);
  return copy;
}

const junk = fc.oneof(fc.anything(), fc.string(), fc.constantFrom('', 'urn:epc:id:sgtin:1.2.3', 'https://id.gs1.org/01/1', '(01)1', -1, Number.POSITIVE_INFINITY, null, [], {}));

describe('hostile input', () => {
  it('an EPCIS document with any field replaced by anything: events or a LotlineError with issues', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 6 }), junk, (path, replacement) => {
        const doc = mutate(juice, path, replacement);
        try {
          readEpcisDocument(doc, 'fuzz.json');
        } catch (e) {
          expect(e).toBeInstanceOf(LotlineError);
          const err = e as LotlineError;
          expect(err.message.length).toBeGreaterThan(10);
          if (err.code === 'EPCIS_INVALID_FIELD') expect(err.issues.every((i) => i.path.startsWith('$.') && i.reason.length > 5)).toBe(true);
        }
      }),
      { numRuns: Number(process.env["FUZZ_RUNS"] ?? 3000) },
    );
  });

  it('a native command with any field replaced by anything: an event or issues, never an exception', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.nat(), { maxLength: 5 }), junk, (which, path, replacement) => {
        const issues: Issue[] = [];
        const ev = readNativeValue(mutate(bakery[which % bakery.length], path, replacement), issues);
        expect(ev === undefined).toBe(issues.length > 0);
        for (const i of issues) expect(i.path.startsWith('$') && i.reason.length > 3).toBe(true);
      }),
      { numRuns: Number(process.env["FUZZ_RUNS"] ?? 3000) },
    );
  });

  it('random JSON values are refused cleanly', () => {
    fc.assert(
      fc.property(fc.anything(), (v) => {
        const issues: Issue[] = [];
        readNativeValue(v, issues);
        try {
          readEpcisDocument(v);
        } catch (e) {
          expect(e).toBeInstanceOf(LotlineError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
