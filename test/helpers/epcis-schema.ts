/** The official GS1 EPCIS 2.0 JSON schema (from ../shared/standards), compiled once for the tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { Ajv } from 'ajv';
import formatsModule from 'ajv-formats';
import { expect } from 'vitest';
import { HAVE_STANDARDS, STANDARDS_DIR } from './standards.js';

// ajv-formats is CommonJS: under NodeNext its default export arrives wrapped once more.
const addFormats = (formatsModule as unknown as { default: (ajv: Ajv) => Ajv }).default;

let compiled: ValidateFunction | undefined;

/** The schema validator, or undefined when ../shared/standards is not there. */
export function epcisSchema(): ValidateFunction | undefined {
  if (!HAVE_STANDARDS) return undefined;
  if (!compiled) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    compiled = ajv.compile(JSON.parse(readFileSync(join(STANDARDS_DIR, 'EPCIS-JSON-Schema.json'), 'utf8')) as object);
  }
  return compiled;
}

/** Asserts that a document is valid EPCIS 2.0 JSON (a no-op without the standards folder). */
export function expectSchemaValid(doc: unknown): void {
  const validate = epcisSchema();
  if (!validate) return;
  const ok = validate(doc);
  expect((validate.errors ?? []).filter((e) => e.keyword !== 'if' && e.keyword !== 'anyOf').slice(0, 5)).toEqual([]);
  expect(ok).toBe(true);
}
