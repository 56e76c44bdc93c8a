/** Genealogy quality: the completeness figure, and the gap rules run on demand (a dry run: findings are listed, not recorded). */
import { z } from 'zod';
import { normalizeGtin } from '../../domain/identifiers/gtin.js';
import { toMs } from '../../genealogy/trace.js';
import { completeness, PERIODS } from '../../quality/completeness.js';
import type { QualityConfig } from '../../quality/quality-config.js';
import { SEVERITIES, SUBJECT_KINDS } from '../../quality/finding.js';
import { GAP_RULE_IDS, GAP_RULES } from '../../quality/rules/index.js';
import { runGapRules } from '../../quality/run-gap-rules.js';
import type { Api } from '../app.js';
import { RefQuery, refFrom, resolveStored } from '../ref-query.js';
import { COMMON_ERRORS, problem } from '../schemas.js';
import { time } from './lot-routes.js';

const FigureSchema = z.object({
  lots: z.number().int(),
  unbrokenLots: z.number().int().describe('Lots whose chain back to receipts has no gap'),
  chainShare: z.number().nullable().describe('unbrokenLots ÷ lots; null without lots'),
  expectedScans: z.number().int().describe('Routing scans whose window has closed'),
  receivedScans: z.number().int().describe('Of those, scans that came within their window'),
  scanShare: z.number().nullable().describe('receivedScans ÷ expectedScans; null when no scan was expected'),
});

const RefJsonSchema = z.object({ item: z.string(), lot: z.string().optional(), serial: z.string().optional() });

const CompletenessSchema = z
  .object({
    period: z.enum(PERIODS),
    from: z.string().nullable(),
    to: z.string().nullable(),
    total: FigureSchema,
    items: z.array(FigureSchema.extend({ item: z.string() })),
    lines: z.array(FigureSchema.extend({ line: z.string() })),
    periods: z.array(FigureSchema.extend({ period: z.string().describe('2026-05-04, 2026-W19 or 2026-05') })),
    lot: z
      .object({
        ref: RefJsonSchema,
        line: z.string().nullable(),
        start: z.string().nullable(),
        unbroken: z.boolean(),
        breaks: z.array(z.object({ ref: RefJsonSchema, reason: z.enum(['never received or produced', 'produced without inputs', 'input without lot']) })),
        expectedScans: z.number().int(),
        receivedScans: z.number().int(),
        missingSteps: z.array(z.string()),
      })
      .optional()
      .describe('With ref (or item/gtin with lot): the lot, where its chain breaks, and its missing scans'),
  })
  .describe('The same JSON as `lotline completeness --json`');

export const FindingSchema = z.object({
  ruleId: z.enum(GAP_RULE_IDS as [string, ...string[]]),
  severity: z.enum(SEVERITIES),
  subject: z.object({ kind: z.enum(SUBJECT_KINDS), ref: z.string() }),
  key: z.string().describe('The same problem found again has the same key'),
  explanation: z.string(),
  eventIds: z.array(z.string()),
  site: z.string().nullable(),
  line: z.string().nullable(),
  detectedAt: z.string(),
});

export function registerQualityRoutes(api: Api): void {
  const { store } = api;

  api.route({
    method: 'GET',
    url: '/quality/completeness',
    tag: 'quality',
    summary: 'Genealogy completeness: share of lots with an unbroken chain, and of routing scans received, in total and per item, line and period',
    permission: 'read',
    query: z
      .object({
        ...RefQuery,
        line: z.string().min(1).optional().describe('Only lots made on this line'),
        from: time('Only lots made (or received) at or after this time'),
        to: time('Only lots made (or received) before this time'),
        period: z.enum(PERIODS).default('month'),
      })
      .strict(),
    responses: { 200: { description: 'The figures', schema: CompletenessSchema }, 400: problem('Bad filter (INPUT_INVALID, ID_*)'), 404: problem('No event names the lot (LOT_NOT_FOUND)'), ...COMMON_ERRORS },
    handler: async ({ query }) => {
      const wantsLot = query.ref !== undefined || query.lot !== undefined || query.serial !== undefined;
      const lot = wantsLot ? await resolveStored(store, refFrom(query, 'query'), query.item !== undefined) : undefined;
      const item = wantsLot ? undefined : query.gtin !== undefined ? normalizeGtin(query.gtin) : query.item;
      return completeness(store, api.qualityConfig, {
        period: query.period,
        ...(lot ? { lot } : {}),
        ...(item !== undefined ? { item } : {}),
        ...(query.line !== undefined ? { line: query.line } : {}),
        ...(query.from !== undefined ? { fromMs: toMs(query.from, 'from', 0) } : {}),
        ...(query.to !== undefined ? { toMs: toMs(query.to, 'to', 0) } : {}),
      });
    },
  });

  api.route({
    method: 'GET',
    url: '/quality/gaps',
    tag: 'quality',
    summary: 'Run the gap rules now and list what they find (a dry run: nothing is recorded)',
    description: `The rules: ${GAP_RULES.map((r) => `\`${r.id}\` (${r.severity})`).join(', ')}. docs/quality-rules.md explains each.`,
    permission: 'read',
    query: z
      .object({
        rule: z.array(z.enum(GAP_RULE_IDS as [string, ...string[]])).or(z.enum(GAP_RULE_IDS as [string, ...string[]]).transform((r) => [r])).optional().describe('Only these rules (repeat the parameter for several)'),
        since: time('Only findings shown by an event at or after this event time'),
      })
      .strict(),
    responses: { 200: { description: 'The findings, by rule', schema: z.object({ findings: z.array(FindingSchema), ms: z.number() }) }, 400: problem('Unknown rule or bad time (INPUT_INVALID)'), ...COMMON_ERRORS },
    handler: async ({ query }) => {
      const started = Date.now();
      const findings = await runGapRules(store, api.qualityConfig, { ...(query.rule ? { ruleIds: query.rule } : {}), ...(query.since !== undefined ? { sinceMs: toMs(query.since, 'since', 0) } : {}) });
      return { findings, ms: Date.now() - started };
    },
  });

  api.route({
    method: 'GET',
    url: '/quality/config',
    tag: 'quality',
    summary: 'The quality configuration in force: routings, lot-code formats, tolerances, disabled rules, and where it comes from',
    description: 'Read-only: the configuration is the JSON file given to `lotline serve --quality-config FILE` (docs/quality-rules.md), read when the server starts; without it the defaults apply. Change the file and restart the server to change it.',
    permission: 'read',
    responses: { 200: { description: 'The configuration, normalised (GTINs as GTIN-14, locations as URIs)', schema: QualityConfigView }, ...COMMON_ERRORS },
    handler: async () => qualityConfigView(api.qualityConfig),
  });
}

const QualityConfigView = z.object({
  source: z.object({ kind: z.enum(['file', 'defaults']), file: z.string().nullable().describe('The path given to --quality-config, as given') }),
  howToChange: z.string().describe('What to do to change it'),
  rules: z.object({ enabled: z.array(z.string()), disabled: z.array(z.string()) }),
  scheduleMinutes: z.number(),
  graceMinutes: z.number(),
  eventTime: z.object({ futureMinutes: z.number(), pastDays: z.number() }),
  massBalance: z.object({ tolerance: z.number().describe('Share of what came in (0.02 = 2 %)'), absolute: z.number() }),
  yield: z.array(z.object({ item: z.string(), min: z.number(), max: z.number() })),
  routings: z.array(z.object({ item: z.string(), steps: z.array(z.object({ name: z.string(), bizStep: z.string().nullable(), location: z.string().nullable(), withinHours: z.number() })) })),
  lotFormats: z.array(z.object({ item: z.string(), pattern: z.string(), parts: z.array(z.string()), regex: z.string().describe('What the pattern compiles to') })),
  forbidDuplicateLotCodes: z.boolean(),
});

function qualityConfigView(c: QualityConfig): z.infer<typeof QualityConfigView> {
  return {
    source: { kind: c.source !== undefined ? 'file' : 'defaults', file: c.source ?? null },
    howToChange:
      c.source !== undefined
        ? `Edit ${c.source} (JSON, docs/quality-rules.md), check it with \`lotline gaps --dry-run --quality-config ${c.source}\`, then restart \`lotline serve --quality-config ${c.source}\`.`
        : 'Write a JSON file (docs/quality-rules.md), check it with `lotline gaps --dry-run --quality-config FILE`, then restart the server with `lotline serve --quality-config FILE`.',
    rules: { enabled: GAP_RULE_IDS.filter((id) => !c.disabled.includes(id)), disabled: [...c.disabled] },
    scheduleMinutes: c.scheduleMs / 60_000,
    graceMinutes: c.graceMs / 60_000,
    eventTime: { futureMinutes: c.futureMs / 60_000, pastDays: c.pastMs / 86_400_000 },
    massBalance: { ...c.massBalance },
    yield: [...c.yieldBounds].map(([item, b]) => ({ item, min: b.min, max: b.max })),
    routings: [...c.routings].map(([item, steps]) => ({ item, steps: steps.map((st) => ({ name: st.name, bizStep: st.bizStep, location: st.location, withinHours: st.withinMs / 3_600_000 })) })),
    lotFormats: [...c.lotFormats].map(([item, f]) => ({ item, pattern: f.pattern, parts: [...f.parts], regex: f.regex })),
    forbidDuplicateLotCodes: c.forbidDuplicateLotCodes,
  };
}
