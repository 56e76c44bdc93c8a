import { LotlineError } from './errors.js';

/**
 * GS1 Core Business Vocabulary 2.0 values, taken from the EPCIS 2.0 JSON-LD context and JSON
 * schema (standards/epcis-context.jsonld, EPCIS-JSON-Schema.json). EPCIS JSON writes them bare
 * (`shipping`) or as web URIs (`https://ref.gs1.org/cbv/BizStep-shipping`); XML and EPCIS 1.2
 * sources write URNs (`urn:epcglobal:cbv:bizstep:shipping`). Lotline stores the bare value.
 */

/** CBV 2.0 business steps. */
export const BIZ_STEPS = [
  'accepting',
  'arriving',
  'assembling',
  'collecting',
  'commissioning',
  'consigning',
  'creating_class_instance',
  'cycle_counting',
  'decommissioning',
  'departing',
  'destroying',
  'disassembling',
  'dispensing',
  'encoding',
  'entering_exiting',
  'holding',
  'inspecting',
  'installing',
  'killing',
  'loading',
  'other',
  'packing',
  'picking',
  'receiving',
  'removing',
  'repackaging',
  'repairing',
  'replacing',
  'reserving',
  'retail_selling',
  'sampling',
  'sensor_reporting',
  'shipping',
  'staging_outbound',
  'stock_taking',
  'stocking',
  'storing',
  'transporting',
  'unloading',
  'unpacking',
  'void_shipping',
] as const;
export type BizStep = (typeof BIZ_STEPS)[number];

/** CBV 2.0 dispositions. */
export const DISPOSITIONS = [
  'active',
  'available',
  'completeness_inferred',
  'completeness_verified',
  'conformant',
  'container_closed',
  'container_open',
  'damaged',
  'destroyed',
  'dispensed',
  'disposed',
  'encoded',
  'expired',
  'in_progress',
  'in_transit',
  'inactive',
  'mismatch_class',
  'mismatch_instance',
  'mismatch_quantity',
  'needs_replacement',
  'no_pedigree_match',
  'non_conformant',
  'non_sellable_other',
  'partially_dispensed',
  'recalled',
  'reserved',
  'retail_sold',
  'returned',
  'sellable_accessible',
  'sellable_not_accessible',
  'stolen',
  'unavailable',
  'unknown',
] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** CBV 2.0 business transaction types. */
export const BUSINESS_TRANSACTION_TYPES = [
  'bol',
  'cert',
  'desadv',
  'inv',
  'pedigree',
  'po',
  'poc',
  'prodorder',
  'recadv',
  'rma',
  'testprd',
  'testres',
  'upevt',
] as const;
export type BusinessTransactionType = (typeof BUSINESS_TRANSACTION_TYPES)[number];

/** CBV 2.0 source/destination types. */
export const SOURCE_DESTINATION_TYPES = ['owning_party', 'possessing_party', 'location'] as const;
export type SourceDestinationType = (typeof SOURCE_DESTINATION_TYPES)[number];

/** CBV 2.0 error reasons (of an error declaration). */
export const ERROR_REASONS = ['did_not_occur', 'incorrect_data'] as const;
export type ErrorReason = (typeof ERROR_REASONS)[number];

/** The CBV vocabularies Lotline normalises. */
export const CBV_VOCABULARIES = ['bizStep', 'disposition', 'btt', 'sdt', 'er'] as const;
export type CbvVocabulary = (typeof CBV_VOCABULARIES)[number];

interface VocabularySpec {
  readonly values: readonly string[];
  /** Term prefix in the web vocabulary: `https://ref.gs1.org/cbv/{webTerm}{value}`. */
  readonly webTerm: string;
  /** URN form used by EPCIS 1.x and XML: `urn:epcglobal:cbv:{urnTerm}:{value}`. */
  readonly urnTerm: string;
  /** How the vocabulary is named in messages. */
  readonly label: string;
}

const VOCABULARIES: Readonly<Record<CbvVocabulary, VocabularySpec>> = {
  bizStep: { values: BIZ_STEPS, webTerm: 'BizStep-', urnTerm: 'bizstep', label: 'bizStep' },
  disposition: { values: DISPOSITIONS, webTerm: 'Disp-', urnTerm: 'disp', label: 'disposition' },
  btt: { values: BUSINESS_TRANSACTION_TYPES, webTerm: 'BTT-', urnTerm: 'btt', label: 'business transaction type' },
  sdt: { values: SOURCE_DESTINATION_TYPES, webTerm: 'SDT-', urnTerm: 'sdt', label: 'source/destination type' },
  er: { values: ERROR_REASONS, webTerm: 'ER-', urnTerm: 'er', label: 'error reason' },
};

/** The canonical web namespace of CBV 2.0 terms. */
export const CBV_WEB_BASE = 'https://ref.gs1.org/cbv/';

const URN_BASE = 'urn:epcglobal:cbv:';
/**
 * Namespaces that belong to GS1's CBV: a value in them that is not a CBV term is an error, not a
 * user vocabulary (the EPCIS schema reserves urn:epcglobal:cbv and ns.gs1.org/cbv the same way).
 * ns.gs1.org/cbv/ is the namespace of EPCIS 2.0 drafts, still met in the wild. `cbv:` is the
 * compact IRI the standard JSON-LD context defines for https://ref.gs1.org/cbv/.
 */
const WEB_BASES = [/^https?:\/\/ref\.gs1\.org\/cbv\//i, /^https?:\/\/ns\.gs1\.org\/cbv\//i, /^cbv:/];
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;

function invalid(vocab: CbvVocabulary, value: string, why: string): LotlineError {
  return new LotlineError('CBV_INVALID', `${JSON.stringify(value)} is not a CBV ${VOCABULARIES[vocab].label}: ${why}`);
}

function known(spec: VocabularySpec, bare: string): boolean {
  return spec.values.includes(bare);
}

/**
 * The bare CBV value for any of its spellings (bare, web URI or its `cbv:` compact form, URN). An absolute URI outside
 * the CBV namespaces is a user vocabulary value and comes back unchanged; anything else that is
 * not a CBV term of `vocab` is CBV_INVALID.
 */
export function normalizeCbv(vocab: CbvVocabulary, value: string): string {
  const spec = VOCABULARIES[vocab];
  if (known(spec, value)) return value;

  if (value.slice(0, URN_BASE.length).toLowerCase() === URN_BASE) {
    const rest = value.slice(URN_BASE.length);
    const colon = rest.indexOf(':');
    const term = rest.slice(0, Math.max(colon, 0)).toLowerCase();
    const bare = rest.slice(colon + 1);
    if (colon > 0 && term === spec.urnTerm && known(spec, bare)) return bare;
    throw invalid(vocab, value, urnHint(spec, term, colon > 0));
  }

  const base = WEB_BASES.map((re) => re.exec(value)?.[0]).find((m) => m !== undefined);
  if (base !== undefined) {
    const term = value.slice(base.length);
    if (term.startsWith(spec.webTerm) && known(spec, term.slice(spec.webTerm.length))) return term.slice(spec.webTerm.length);
    throw invalid(
      vocab,
      value,
      term.startsWith(spec.webTerm)
        ? `${JSON.stringify(term.slice(spec.webTerm.length))} is not one of its values`
        : `CBV ${spec.label} web URIs look like ${CBV_WEB_BASE}${spec.webTerm}${spec.values[0] ?? ''}`,
    );
  }

  if (ABSOLUTE_URI.test(value)) return value;
  throw invalid(
    vocab,
    value,
    value === ''
      ? 'the value is empty'
      : `expected one of ${spec.values.join(', ')}, or an absolute URI for a value of your own vocabulary`,
  );
}

function urnHint(spec: VocabularySpec, term: string, hasTerm: boolean): string {
  if (hasTerm && term === spec.urnTerm) return `the value is not one of ${spec.values.join(', ')}`;
  return `CBV ${spec.label} URNs look like ${URN_BASE}${spec.urnTerm}:${spec.values[0] ?? ''}`;
}

/** True when `value`, in any spelling, is a CBV term of `vocab` (user-vocabulary URIs are not). */
export function isCbvValue(vocab: CbvVocabulary, value: string): boolean {
  try {
    return known(VOCABULARIES[vocab], normalizeCbv(vocab, value));
  } catch {
    return false;
  }
}

/** The CBV 2.0 web URI of a CBV value (`shipping` → `https://ref.gs1.org/cbv/BizStep-shipping`); user-vocabulary URIs come back unchanged. */
export function cbvWebUri(vocab: CbvVocabulary, bare: string): string {
  const spec = VOCABULARIES[vocab];
  const value = normalizeCbv(vocab, bare);
  return known(spec, value) ? `${CBV_WEB_BASE}${spec.webTerm}${value}` : value;
}
