/**
 * docs/errors.md is the catalogue of error codes users and scripts rely on: every code in
 * ERROR_CODES has exactly one row there, and the page names no code that does not exist.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/domain/errors.js';

const ERRORS_MD = fileURLToPath(new URL('../../docs/errors.md', import.meta.url));

/** The codes of the catalogue: the first cell of each table row, written as `| \`CODE\` | …`. */
function documentedCodes(markdown: string): string[] {
  const codes: string[] = [];
  for (const line of markdown.split(/\r?\n/)) {
    const m = /^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/.exec(line);
    if (m) codes.push(m[1]!);
  }
  return codes;
}

describe('docs/errors.md', () => {
  const markdown = readFileSync(ERRORS_MD, 'utf8');
  const documented = documentedCodes(markdown);

  it('documents every error code of ERROR_CODES', () => {
    const missing = ERROR_CODES.filter((code) => !documented.includes(code));
    expect(missing, `codes in ERROR_CODES (src/domain/errors.ts) without a row in docs/errors.md: ${missing.join(', ')}`).toEqual([]);
  });

  it('documents no code that is not in ERROR_CODES', () => {
    const known: readonly string[] = ERROR_CODES;
    const extra = documented.filter((code) => !known.includes(code));
    expect(extra, `rows in docs/errors.md for codes that are not in ERROR_CODES (src/domain/errors.ts): ${extra.join(', ')}`).toEqual([]);
  });

  it('has one row per code', () => {
    const duplicates = documented.filter((code, i) => documented.indexOf(code) !== i);
    expect(duplicates, `codes with more than one row in docs/errors.md: ${duplicates.join(', ')}`).toEqual([]);
  });
});
