/**
 * Retention of records: how long each record type must be kept, and under which regulation.
 * The policy is a controlled document (a JSON file under change control, like the quality
 * configuration); its rules only ever allow a purge. Without a policy, or without a rule for a
 * record type, records are kept forever: the default never loses anything.
 */
import type { Issue } from './errors.js';
import { LotlineError } from './errors.js';

/** The record types a policy can name. Only `events` can be purged in this version; the others are kept whatever the policy says. */
export const RETENTION_RECORD_TYPES = ['events', 'audit-trail', 'signatures', 'exceptions', 'master-data'] as const;
export type RetentionRecordType = (typeof RETENTION_RECORD_TYPES)[number];

/** A retention period: a number of years, months or days after the record was made, or for ever. */
export type RetentionPeriod = { readonly years: number; readonly months: number; readonly days: number } | 'forever';

export interface RetentionRule {
  readonly recordType: RetentionRecordType;
  /** The regulation or predicate rule that asks for the period, as an auditor would cite it. */
  readonly regulation: string;
  readonly keep: RetentionPeriod;
  /** As written in the policy (`2y`, `forever`), for messages and the purge record. */
  readonly keepText: string;
}

export interface RetentionPolicy {
  /** The policy's own identification (document number, revision), recorded with each purge. */
  readonly version: string;
  readonly rules: readonly RetentionRule[];
}

/** The rule that applies when a policy has none for a record type (or there is no policy). */
export function defaultRule(recordType: RetentionRecordType): RetentionRule {
  return { recordType, regulation: 'default: keep forever (no retention rule for this record type)', keep: 'forever', keepText: 'forever' };
}

/** The empty policy: every record kept forever. */
export const KEEP_EVERYTHING: RetentionPolicy = { version: 'none (default: keep every record forever)', rules: [] };

const PERIOD = /^(\d{1,4})\s*(y|m|d)$/;

function parsePeriod(text: string): RetentionPeriod | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'forever') return 'forever';
  const m = PERIOD.exec(t);
  if (!m) return undefined;
  const n = Number(m[1]);
  return { years: m[2] === 'y' ? n : 0, months: m[2] === 'm' ? n : 0, days: m[2] === 'd' ? n : 0 };
}

/** Reads a policy document; every problem is reported with its JSON path (RETENTION_POLICY_INVALID). */
export function parseRetentionPolicy(doc: unknown, file: string): RetentionPolicy {
  const issues: Issue[] = [];
  const bad = (path: string, reason: string): void => {
    issues.push({ path, reason, file });
  };
  let version = '';
  const rules: RetentionRule[] = [];
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    bad('$', 'the policy must be a JSON object with "version" and "rules"');
  } else {
    const o = doc as Record<string, unknown>;
    for (const k of Object.keys(o)) if (k !== 'version' && k !== 'rules') bad(`$.${k}`, `unknown field; a policy has "version" and "rules"`);
    if (typeof o['version'] !== 'string' || o['version'].trim() === '') bad('$.version', 'must name the policy and its revision (for example "SOP-QA-017 rev 3"): every purge records it');
    else version = o['version'];
    if (!Array.isArray(o['rules'])) bad('$.rules', 'must be a list of rules {"recordType", "regulation", "keep"}');
    else {
      o['rules'].forEach((r: unknown, i: number) => {
        const at = `$.rules[${i}]`;
        if (typeof r !== 'object' || r === null || Array.isArray(r)) return bad(at, 'must be an object {"recordType", "regulation", "keep"}');
        const rr = r as Record<string, unknown>;
        for (const k of Object.keys(rr)) if (!['recordType', 'regulation', 'keep', 'note'].includes(k)) bad(`${at}.${k}`, 'unknown field; a rule has "recordType", "regulation", "keep" and an optional "note"');
        const type = rr['recordType'];
        if (type === 'purge-records') bad(`${at}.recordType`, 'the purge records are never purged: they prove what was removed, when, by whom and under which rule');
        else if (typeof type !== 'string' || !(RETENTION_RECORD_TYPES as readonly string[]).includes(type)) bad(`${at}.recordType`, `must be one of ${RETENTION_RECORD_TYPES.join(', ')}`);
        if (typeof rr['regulation'] !== 'string' || rr['regulation'].trim() === '') bad(`${at}.regulation`, 'must cite the regulation or predicate rule that sets the period (for example "FSMA 204, 21 CFR 1.1455(c)")');
        const keep = typeof rr['keep'] === 'string' ? parsePeriod(rr['keep']) : undefined;
        if (keep === undefined) bad(`${at}.keep`, 'must be a period such as "2y", "24m" or "730d", or "forever"');
        if (issues.length === 0 && keep !== undefined) {
          rules.push({ recordType: type as RetentionRecordType, regulation: (rr['regulation'] as string).trim(), keep, keepText: (rr['keep'] as string).trim() });
        }
      });
    }
  }
  if (issues.length > 0) {
    const first = issues[0]!;
    throw new LotlineError('RETENTION_POLICY_INVALID', `the retention policy ${file} is not valid: ${first.path}: ${first.reason}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`, { issues });
  }
  return { version, rules };
}

/** `instant` plus a period, in UTC calendar terms (2 years after 2024-02-29 is 2026-03-01). */
export function addPeriod(instantMs: number, p: Exclude<RetentionPeriod, 'forever'>): number {
  const d = new Date(instantMs);
  d.setUTCFullYear(d.getUTCFullYear() + p.years, d.getUTCMonth() + p.months, d.getUTCDate() + p.days);
  return d.getTime();
}

/** The rule that keeps records of this type longest: the one a purge must satisfy. */
export function bindingRule(policy: RetentionPolicy, recordType: RetentionRecordType, atMs: number): RetentionRule {
  const rules = policy.rules.filter((r) => r.recordType === recordType);
  if (rules.length === 0) return defaultRule(recordType);
  // the longest period wins: compare where each one ends for the same record time
  let longest = rules[0]!;
  for (const r of rules.slice(1)) {
    if (longest.keep === 'forever') break;
    if (r.keep === 'forever' || addPeriod(atMs, r.keep) > addPeriod(atMs, longest.keep)) longest = r;
  }
  return longest;
}

/**
 * Refuses a purge of `recordType` records made before `beforeMs` unless every rule's period has
 * ended for all of them at `nowMs`: RETENTION_NOT_ENDED names the type, the rule and the date.
 */
export function checkPurgeAllowed(policy: RetentionPolicy, recordType: RetentionRecordType, beforeMs: number, nowMs: number): RetentionRule {
  const rule = bindingRule(policy, recordType, beforeMs);
  const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  if (rule.keep === 'forever') {
    throw new LotlineError('RETENTION_NOT_ENDED', `${recordType} recorded before ${new Date(beforeMs).toISOString()} cannot be purged: the rule "${rule.regulation}" keeps them forever; nothing was purged`);
  }
  // a record made just before --before is kept until then plus the period
  const endsMs = addPeriod(beforeMs, rule.keep);
  if (endsMs > nowMs) {
    throw new LotlineError(
      'RETENTION_NOT_ENDED',
      `${recordType} recorded before ${new Date(beforeMs).toISOString()} cannot be purged yet: the rule "${rule.regulation}" keeps them ${rule.keepText}, which ends on ${day(endsMs)} for the last of them; today only records made before ${new Date(latestPurgeableBefore(rule.keep, nowMs)).toISOString()} may be purged. Nothing was purged`,
    );
  }
  return rule;
}

/** The latest `--before` the period allows at `nowMs`. */
function latestPurgeableBefore(p: Exclude<RetentionPeriod, 'forever'>, nowMs: number): number {
  const d = new Date(nowMs);
  d.setUTCFullYear(d.getUTCFullYear() - p.years, d.getUTCMonth() - p.months, d.getUTCDate() - p.days);
  return d.getTime();
}
