import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BIZ_STEPS,
  BUSINESS_TRANSACTION_TYPES,
  CBV_VOCABULARIES,
  DISPOSITIONS,
  ERROR_REASONS,
  SOURCE_DESTINATION_TYPES,
  cbvWebUri,
  isCbvValue,
  normalizeCbv,
  type CbvVocabulary,
} from './cbv.js';
import { STANDARDS_DIR } from '../../test/helpers/standards.js';
import { expectError } from '../../test/helpers/expect-error.js';


describe('normalizeCbv', () => {
  const spellings: Array<[CbvVocabulary, string, string, string]> = [
    ['bizStep', 'shipping', 'https://ref.gs1.org/cbv/BizStep-shipping', 'urn:epcglobal:cbv:bizstep:shipping'],
    ['disposition', 'in_progress', 'https://ref.gs1.org/cbv/Disp-in_progress', 'urn:epcglobal:cbv:disp:in_progress'],
    ['btt', 'po', 'https://ref.gs1.org/cbv/BTT-po', 'urn:epcglobal:cbv:btt:po'],
    ['sdt', 'owning_party', 'https://ref.gs1.org/cbv/SDT-owning_party', 'urn:epcglobal:cbv:sdt:owning_party'],
    ['er', 'incorrect_data', 'https://ref.gs1.org/cbv/ER-incorrect_data', 'urn:epcglobal:cbv:er:incorrect_data'],
  ];

  it.each(spellings)('%s: bare, web URI and URN of %s are the same', (vocab, bare, web, urn) => {
    expect(normalizeCbv(vocab, bare)).toBe(bare);
    expect(normalizeCbv(vocab, web)).toBe(bare);
    expect(normalizeCbv(vocab, urn)).toBe(bare);
    expect(cbvWebUri(vocab, bare)).toBe(web);
    expect(cbvWebUri(vocab, urn)).toBe(web);
  });

  it('accepts URN prefixes in any case and the http web namespace', () => {
    expect(normalizeCbv('bizStep', 'URN:EPCGLOBAL:CBV:BIZSTEP:receiving')).toBe('receiving');
    expect(normalizeCbv('bizStep', 'http://ref.gs1.org/cbv/BizStep-receiving')).toBe('receiving');
  });

  it('returns user-vocabulary URIs unchanged', () => {
    expect(normalizeCbv('bizStep', 'https://example.com/steps/blending')).toBe('https://example.com/steps/blending');
    expect(normalizeCbv('disposition', 'urn:example:disp:quarantined')).toBe('urn:example:disp:quarantined');
    expect(cbvWebUri('btt', 'urn:example:btt:batch_record')).toBe('urn:example:btt:batch_record');
    expect(isCbvValue('bizStep', 'https://example.com/steps/blending')).toBe(false);
  });

  it('refuses bare words outside the vocabulary, naming vocabulary and value', () => {
    expectError(() => normalizeCbv('bizStep', 'blending'), 'CBV_INVALID', '"blending"', 'bizStep', 'shipping');
    expectError(() => normalizeCbv('bizStep', 'Shipping'), 'CBV_INVALID', '"Shipping"');
    expectError(() => normalizeCbv('disposition', 'on_hold'), 'CBV_INVALID', '"on_hold"', 'disposition');
    expectError(() => normalizeCbv('btt', 'order'), 'CBV_INVALID', 'business transaction type');
    expectError(() => normalizeCbv('sdt', 'owner'), 'CBV_INVALID', 'source/destination type');
    expectError(() => normalizeCbv('er', 'oops'), 'CBV_INVALID', 'error reason');
    expectError(() => normalizeCbv('bizStep', ''), 'CBV_INVALID', 'empty');
  });

  it('refuses CBV-namespace URIs that are not terms of the vocabulary', () => {
    expectError(() => normalizeCbv('bizStep', 'https://ref.gs1.org/cbv/BizStep-blending'), 'CBV_INVALID', '"blending"');
    expectError(
      () => normalizeCbv('bizStep', 'https://ref.gs1.org/cbv/Disp-in_progress'),
      'CBV_INVALID',
      'https://ref.gs1.org/cbv/BizStep-',
    );
    expectError(() => normalizeCbv('bizStep', 'urn:epcglobal:cbv:disp:in_progress'), 'CBV_INVALID', 'urn:epcglobal:cbv:bizstep:');
    expectError(() => normalizeCbv('bizStep', 'urn:epcglobal:cbv:bizstep:blending'), 'CBV_INVALID', 'not one of');
    expectError(() => normalizeCbv('bizStep', 'urn:epcglobal:cbv:bizstep'), 'CBV_INVALID');
    expectError(() => normalizeCbv('bizStep', 'https://ns.gs1.org/cbv/BizStep-blending'), 'CBV_INVALID');
  });

  it('covers every value of every vocabulary in all three spellings', () => {
    const all: Record<CbvVocabulary, readonly string[]> = {
      bizStep: BIZ_STEPS,
      disposition: DISPOSITIONS,
      btt: BUSINESS_TRANSACTION_TYPES,
      sdt: SOURCE_DESTINATION_TYPES,
      er: ERROR_REASONS,
    };
    const urnTerm = { bizStep: 'bizstep', disposition: 'disp', btt: 'btt', sdt: 'sdt', er: 'er' } as const;
    for (const vocab of CBV_VOCABULARIES) {
      for (const v of all[vocab]) {
        expect(normalizeCbv(vocab, cbvWebUri(vocab, v))).toBe(v);
        expect(normalizeCbv(vocab, `urn:epcglobal:cbv:${urnTerm[vocab]}:${v}`)).toBe(v);
        expect(isCbvValue(vocab, v)).toBe(true);
      }
    }
  });
});

const STANDARDS = STANDARDS_DIR.replace(/\/$/, '');
const present = existsSync(`${STANDARDS}/epcis-context.jsonld`) && existsSync(`${STANDARDS}/EPCIS-JSON-Schema.json`);

describe.skipIf(!present)(`vocabularies match the GS1 files in ${STANDARDS} (skipped when the shared standards folder is absent)`, () => {
  type Json = Record<string, unknown>;
  const read = (f: string): Json => JSON.parse(readFileSync(`${STANDARDS}/${f}`, 'utf8')) as Json;
  const sorted = (xs: readonly string[]): string[] => [...xs].sort();

  it('the JSON-LD context maps each value to its web URI', () => {
    const ctx = read('epcis-context.jsonld')['@context'] as Json;
    const terms = (node: unknown): Record<string, string> => (node as { '@context': Record<string, string> })['@context'];
    const bizSteps = terms(ctx['bizStep']);
    const dispositions = terms(ctx['disposition']);
    const sdt = terms((terms(ctx['sourceList']) as unknown as Json)['type']);
    const btt = terms((terms(ctx['bizTransactionList']) as unknown as Json)['type']);
    const er = terms((terms(ctx['errorDeclaration']) as unknown as Json)['reason']);
    const check = (vocab: CbvVocabulary, mapping: Record<string, string>, values: readonly string[]): void => {
      expect(sorted(Object.keys(mapping))).toEqual(sorted(values));
      for (const [bare, curie] of Object.entries(mapping)) {
        expect(cbvWebUri(vocab, bare)).toBe(curie.replace(/^cbv:/, 'https://ref.gs1.org/cbv/'));
      }
    };
    check('bizStep', bizSteps, BIZ_STEPS);
    check('disposition', dispositions, DISPOSITIONS);
    check('sdt', sdt, SOURCE_DESTINATION_TYPES);
    check('btt', btt, BUSINESS_TRANSACTION_TYPES);
    check('er', er, ERROR_REASONS);
  });

  it('the JSON schema enums are the same sets', () => {
    const defs = read('EPCIS-JSON-Schema.json')['definitions'] as Record<string, { anyOf: Array<{ enum?: string[] }> }>;
    const enumOf = (name: string): string[] => sorted(defs[name]?.anyOf.find((a) => a.enum !== undefined)?.enum ?? []);
    expect(enumOf('bizStep')).toEqual(sorted(BIZ_STEPS));
    expect(enumOf('disposition')).toEqual(sorted(DISPOSITIONS));
    expect(enumOf('bizTransaction-type')).toEqual(sorted(BUSINESS_TRANSACTION_TYPES));
    expect(enumOf('source-dest-type')).toEqual(sorted(SOURCE_DESTINATION_TYPES));
    expect(enumOf('error-reason')).toEqual(sorted(ERROR_REASONS));
  });
});

describe('normalizeCbv: JSON-LD compact IRIs', () => {
  it('reads cbv:BizStep-shipping as the standard context defines it (https://ref.gs1.org/cbv/)', () => {
    expect(normalizeCbv('bizStep', 'cbv:BizStep-shipping')).toBe('shipping');
    expect(normalizeCbv('disposition', 'cbv:Disp-in_transit')).toBe('in_transit');
    expect(normalizeCbv('sdt', 'cbv:SDT-owning_party')).toBe('owning_party');
    expect(() => normalizeCbv('bizStep', 'cbv:BizStep-shippin')).toThrow(/not one of its values/);
  });
});
