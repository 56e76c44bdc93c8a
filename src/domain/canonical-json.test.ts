import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

/** The first, plain implementation: the optimised one must give exactly its output, and throw where it throws. */
function reference(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('canonical JSON has no form for NaN or Infinity');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : reference(v))).join(',')}]`;
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(o[k])}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON has no form for ${typeof value}`);
}

function outcome(f: (v: unknown) => string, v: unknown): string {
  try {
    return `ok ${f(v)}`;
  } catch (e) {
    return `throws ${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
}

describe('canonicalJson', () => {
  it('sorts keys by code unit, drops undefined members, writes undefined array items as null', () => {
    expect(canonicalJson({ b: 1, a: [undefined, 'x'], c: undefined, 'é': true, Z: null })).toBe('{"Z":null,"a":[null,"x"],"b":1,"é":true}');
  });

  it('escapes what JSON escapes: quotes, backslashes, controls, lone surrogates; keeps other text as is', () => {
    for (const s of ['a"b', 'b\\c', 'c\u0001', 'd\n', 'lone \ud800 high', 'lone \udfff low', 'ok \u{1f600} \u2028 é']) {
      expect(canonicalJson({ [s]: [s] })).toBe(`{${JSON.stringify(s)}:[${JSON.stringify(s)}]}`);
    }
  });

  it('keeps code-unit order with array-index keys, which the engine would enumerate first', () => {
    expect(canonicalJson({ b: 1, 10: 'x', 9: 'y', a: { 2: true, '01': false } })).toBe('{"10":"x","9":"y","a":{"01":false,"2":true},"b":1}');
  });

  it('writes a "__proto__" key as data, and ignores toJSON-looking keys', () => {
    const v = JSON.parse('{"z":1,"__proto__":{"x":1},"toJSON":"t"}') as unknown;
    expect(canonicalJson(v)).toBe('{"__proto__":{"x":1},"toJSON":"t","z":1}');
  });

  it('refuses what has no JSON form', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(/NaN or Infinity/);
    expect(() => canonicalJson({ a: [1, Infinity] })).toThrow(/NaN or Infinity/);
    expect(() => canonicalJson(undefined)).toThrow(/no form for undefined/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/no form for function/);
    expect(() => canonicalJson([10n])).toThrow(/no form for bigint/);
  });

  /** Any UTF-16 code units, lone surrogates included. */
  const codeUnits = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 6 }).map((cs) => String.fromCharCode(...cs));

  it('equals the reference implementation on arbitrary values, success or error alike', () => {
    const odd = fc.oneof(fc.constantFrom('0', '7', '10', '__proto__', 'toJSON'), fc.constant(undefined), fc.constant(Number.NaN), fc.constant(-0), fc.constant(1e21), fc.double(), fc.string({ unit: 'binary' }), codeUnits);
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, fc.jsonValue(), odd, fc.array(tie('v')), fc.dictionary(fc.oneof(fc.string({ unit: 'binary' }), codeUnits, fc.constantFrom('0', '1', '10', '9', '01', '__proto__', 'toJSON')), tie('v'))),
    })).v;
    fc.assert(
      fc.property(value, (v) => {
        expect(outcome(canonicalJson, v)).toBe(outcome(reference, v));
      }),
      { numRuns: 2000 },
    );
  });
});
