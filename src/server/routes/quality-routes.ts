/** Genealogy quality: the completeness figure, and the gap rules run on demand (a dry run: findings are listed, not recorded). */
import { z } from 'zod';
import { normalizeGtin } from '../../domain/identifiers/gtin.js';
import { toMs } from '../../genealogy/trace.js';
import { completeness, PERIODS } from '../../quality/completeness.js';
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
}
