/**
 * The plant's quality configuration (`--quality-config FILE`, JSON): routings, lot-code formats,
 * tolerances and which rules run. Validated at the edge with errors that name the field; the
 * rules receive a typed, normalised value (GTINs as GTIN-14, lot-code patterns compiled).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Issue } from '../domain/errors.js';
import { LotlineError } from '../domain/errors.js';
import { normalizeGtin } from '../domain/identifiers/gtin.js';
import { locationUri } from '../domain/identifiers/lotline-uri.js';
import { compileLotFormat } from './lot-format.js';
import type { LotFormat } from './lot-format.js';

const item = z.string().trim().min(1, 'must not be empty').describe('A GTIN (8, 12, 13 or 14 digits) or a plant item code');
const positive = z.number().finite().positive('must be greater than 0');

const RoutingStep = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').describe('The step; a scan names it as `step` (native) or lotline:step (EPCIS)'),
    bizStep: z.string().trim().min(1).optional().describe('Also accept scans with this bizStep'),
    location: z.string().trim().min(1).optional().describe('Also accept scans at this location (a URI or a plant location name)'),
    withinHours: positive.describe("The scan must come within this many hours of the lot's production (or receipt)"),
  })
  .strict();

export const QualityConfigSchema = z
  .object({
    rules: z.object({ disabled: z.array(z.string()).default([]) }).strict().default({ disabled: [] }),
    scheduleMinutes: positive.default(15).describe('How often `serve` runs the window rules'),
    graceMinutes: z.number().finite().min(0, 'must not be negative').default(60).describe('Window rules judge only what happened at least this long ago (late scans)'),
    eventTime: z
      .object({ futureMinutes: z.number().finite().min(0, 'must not be negative').default(10), pastDays: positive.default(365) })
      .strict()
      .default({ futureMinutes: 10, pastDays: 365 }),
    massBalance: z
      .object({ tolerance: z.number().finite().min(0, 'must not be negative').default(0.02).describe('Share of what came in (0.02 = 2 %)'), absolute: z.number().finite().min(0, 'must not be negative').default(0) })
      .strict()
      .default({ tolerance: 0.02, absolute: 0 }),
    yield: z.array(z.object({ item, min: z.number().finite().min(0, 'must not be negative'), max: positive }).strict()).default([]),
    routings: z.array(z.object({ item, steps: z.array(RoutingStep).min(1, 'needs at least one step') }).strict()).default([]),
    lotFormats: z.array(z.object({ item, pattern: z.string().min(1, 'must not be empty'), parts: z.record(z.string(), z.string()).default({}) }).strict()).default([]),
    forbidDuplicateLotCodes: z.boolean().default(false).describe('One lot code may not be used for two different items'),
  })
  .strict();

export interface RoutingStepConfig {
  readonly name: string;
  readonly bizStep: string | null;
  /** As stored: a location URI. */
  readonly location: string | null;
  readonly withinMs: number;
}

export interface QualityConfig {
  readonly disabled: readonly string[];
  readonly scheduleMs: number;
  readonly graceMs: number;
  readonly futureMs: number;
  readonly pastMs: number;
  readonly massBalance: { readonly tolerance: number; readonly absolute: number };
  /** Output item → yield bounds (output ÷ input quantity). */
  readonly yieldBounds: ReadonlyMap<string, { readonly min: number; readonly max: number }>;
  readonly routings: ReadonlyMap<string, readonly RoutingStepConfig[]>;
  readonly lotFormats: ReadonlyMap<string, LotFormat>;
  readonly forbidDuplicateLotCodes: boolean;
  /** Where it came from: the file given to --quality-config; absent for the defaults. */
  readonly source?: string;
}

/** An item as the store keeps it: a GTIN as GTIN-14, a plant code verbatim. */
function normalizeItem(value: string, path: string, issues: Issue[]): string {
  if (!/^\d+$/.test(value)) return value;
  try {
    return normalizeGtin(value);
  } catch (e) {
    issues.push({ path, reason: e instanceof Error ? e.message : String(e) });
    return value;
  }
}

/** Validates a parsed configuration; every problem is reported with its JSON path (QUALITY_CONFIG_INVALID). */
export function parseQualityConfig(value: unknown, ruleIds: readonly string[], source = 'the quality configuration'): QualityConfig {
  const r = QualityConfigSchema.safeParse(value);
  const issues: Issue[] = [];
  if (!r.success) {
    for (const i of r.error.issues) {
      const path = '$' + i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
      const reason = i.code === 'unrecognized_keys' ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}` : i.message.replace(/^Invalid input: /, '');
      issues.push({ path, reason });
    }
    throw invalid(source, issues);
  }
  const c = r.data;
  c.rules.disabled.forEach((id, i) => {
    if (!ruleIds.includes(id)) issues.push({ path: `$.rules.disabled[${i}]`, reason: `no rule is called ${JSON.stringify(id)}; the rules are ${ruleIds.join(', ')}` });
  });
  const yieldBounds = new Map<string, { min: number; max: number }>();
  c.yield.forEach((y, i) => {
    const it = normalizeItem(y.item, `$.yield[${i}].item`, issues);
    if (y.min > y.max) issues.push({ path: `$.yield[${i}].min`, reason: `must not be above max (${y.min} > ${y.max})` });
    if (yieldBounds.has(it)) issues.push({ path: `$.yield[${i}].item`, reason: `item ${it} has yield bounds twice` });
    yieldBounds.set(it, { min: y.min, max: y.max });
  });
  const routings = new Map<string, RoutingStepConfig[]>();
  c.routings.forEach((rt, i) => {
    const it = normalizeItem(rt.item, `$.routings[${i}].item`, issues);
    if (routings.has(it)) issues.push({ path: `$.routings[${i}].item`, reason: `item ${it} has two routings` });
    const names = new Set<string>();
    const steps = rt.steps.map((s, j) => {
      if (names.has(s.name)) issues.push({ path: `$.routings[${i}].steps[${j}].name`, reason: `step ${JSON.stringify(s.name)} appears twice in this routing` });
      names.add(s.name);
      let location: string | null = null;
      if (s.location !== undefined) {
        try {
          location = /^[a-z][a-z0-9+.-]*:/i.test(s.location) ? s.location : locationUri(s.location);
        } catch (e) {
          issues.push({ path: `$.routings[${i}].steps[${j}].location`, reason: e instanceof Error ? e.message : String(e) });
        }
      }
      return { name: s.name, bizStep: s.bizStep ?? null, location, withinMs: s.withinHours * 3_600_000 };
    });
    routings.set(it, steps);
  });
  const lotFormats = new Map<string, LotFormat>();
  c.lotFormats.forEach((f, i) => {
    const it = normalizeItem(f.item, `$.lotFormats[${i}].item`, issues);
    if (lotFormats.has(it)) issues.push({ path: `$.lotFormats[${i}].item`, reason: `item ${it} has two lot-code formats` });
    const compiled = compileLotFormat(f.pattern, f.parts);
    if ('error' in compiled) issues.push({ path: `$.lotFormats[${i}].${compiled.field}`, reason: compiled.error });
    else lotFormats.set(it, compiled);
  });
  if (issues.length > 0) throw invalid(source, issues);
  return {
    disabled: c.rules.disabled,
    scheduleMs: c.scheduleMinutes * 60_000,
    graceMs: c.graceMinutes * 60_000,
    futureMs: c.eventTime.futureMinutes * 60_000,
    pastMs: c.eventTime.pastDays * 86_400_000,
    massBalance: c.massBalance,
    yieldBounds,
    routings,
    lotFormats,
    forbidDuplicateLotCodes: c.forbidDuplicateLotCodes,
  };
}

function invalid(source: string, issues: Issue[]): LotlineError {
  const first = issues[0]!;
  return new LotlineError('QUALITY_CONFIG_INVALID', `${source}: ${issues.length} problem${issues.length === 1 ? '' : 's'}; first: ${first.path}: ${first.reason}`, { issues });
}

/** Reads and validates a configuration file (FILE_NOT_FOUND, QUALITY_CONFIG_INVALID). */
export async function loadQualityConfig(file: string, ruleIds: readonly string[]): Promise<QualityConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') throw new LotlineError('FILE_NOT_FOUND', `no quality configuration at ${file}: check the path given to --quality-config`, { cause: e });
    throw new LotlineError('FILE_UNREADABLE', `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const reason = `not valid JSON: ${e instanceof Error ? e.message : String(e)}`;
    throw new LotlineError('QUALITY_CONFIG_INVALID', `${file}: ${reason}`, { issues: [{ path: '$', reason, file }], cause: e });
  }
  return { ...parseQualityConfig(value, ruleIds, file), source: file };
}

/** The configuration of a plant that configured nothing: the rules that need no configuration run with their defaults. */
export function defaultQualityConfig(ruleIds: readonly string[]): QualityConfig {
  return parseQualityConfig({}, ruleIds);
}
