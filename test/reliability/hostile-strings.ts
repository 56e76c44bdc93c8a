/** Strings an attacker (or a broken scanner) sends: SQL and shell injection, traversal, control characters, odd Unicode, sheer length. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { FIXTURES } from '../helpers/cli.js';

export const INJECTIONS: readonly string[] = [
  "' OR 1=1 --",
  "'; DROP TABLE events; --",
  "'; DROP TABLE log; --",
  '" OR ""="',
  '1; DELETE FROM log',
  "x' UNION SELECT name, sql FROM sqlite_master --",
  "x'); SELECT pg_sleep(5); --",
  '\u2018 OR \u20181\u2019=\u20181', // typographic quotes
  '\u02bc OR 1=1 --', // modifier letter apostrophe
  '\uff07 OR 1=1 --', // fullwidth apostrophe
  'a\u0000b',
  '\u0000',
  '%00',
  'LOT%00.csv',
  '../../../../etc/passwd',
  '..\\..\\..\\windows\\win.ini',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f%2e%2e%2f',
  '/etc/passwd',
  '$(touch /tmp/pwned)',
  '`id`',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '%s%s%s%n',
  '\r\nX-Injected: 1',
  '\ud800', // a lone surrogate
  '\u202e', // right-to-left override
  '__proto__',
  'constructor',
  'NaN',
  '-1',
  '1e309',
  '9'.repeat(400),
  '*',
  '%',
  '_',
  '\\',
  'A'.repeat(70_000),
];

/** One of the classic strings, random text of several kinds, or a mix. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 10 }), fc.constantFrom(...INJECTIONS)).map(([a, b]) => `${a}${b}`) },
);

/** `s` with a few random edits (insert, delete, replace), so that almost-valid forms are tried too. */
export function mutated(valid: readonly string[]): fc.Arbitrary<string> {
  const edit = fc.record({ at: fc.nat(), op: fc.integer({ min: 0, max: 2 }), text: fc.oneof(fc.string({ maxLength: 3 }), fc.string({ unit: 'binary', maxLength: 2 }), fc.constantFrom('%', '%2F', '\u001d', '(', ')', '/', ':', '.', '0', '9')) });
  return fc.tuple(fc.constantFrom(...valid), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([s, edits]) => {
    let out = s;
    for (const e of edits) {
      const at = out.length === 0 ? 0 : e.at % (out.length + 1);
      if (e.op === 0) out = `${out.slice(0, at)}${e.text}${out.slice(at)}`;
      else if (e.op === 1) out = `${out.slice(0, at)}${out.slice(at + 1)}`;
      else out = `${out.slice(0, at)}${e.text}${out.slice(at + e.text.length)}`;
    }
    return out;
  });
}

/** The commands of the bakery scenario, parsed. */
export const BAKERY: readonly unknown[] = readFileSync(join(FIXTURES, 'scenarios/bakery.ndjson'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as unknown);

/** `value` with the field at `path` (indices into its keys, wrapping) replaced by `junk`. */
export function replaceAt(value: unknown, path: readonly number[], junk: unknown): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return junk;
  const keys = Object.keys(value);
  if (keys.length === 0) return junk;
  const key = keys[path[0]! % keys.length]!;
  const copy = (Array.isArray(value) ? [...value] : { ...value }) as Record<string, unknown>;
  copy[key] = replaceAt((value as Record<string, unknown>)[key], path.slice(1), junk);
  return copy;
}

/** A command of the bakery scenario with one field (at any depth) replaced by something hostile. */
export const hostileCommand: fc.Arbitrary<unknown> = fc
  .tuple(fc.constantFrom(...BAKERY), fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), fc.oneof({ weight: 4, arbitrary: hostileString }, { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) }))
  .map(([cmd, path, junk]) => replaceAt(cmd, path, junk));

