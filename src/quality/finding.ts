/**
 * A finding of the genealogy's quality control: one gap rule (or a hold violation) found one
 * problem in one place. Rules produce findings; the exceptions workflow turns each into an
 * exception with an owner, a state and a due time. Pure types: no I/O.
 */

/** How bad a finding is, mildest first. `critical` findings alert at once (held lot consumed or shipped). */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What a finding is about. */
export const SUBJECT_KINDS = ['lot', 'unit', 'event', 'item', 'line'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

export interface Finding {
  /** The rule that found it, e.g. `produced-without-inputs`, `held-lot-used`. */
  readonly ruleId: string;
  readonly severity: Severity;
  /** The thing that is wrong: a lot or unit by its URN, an event by its eventID, an item, a line. */
  readonly subject: Readonly<{ kind: SubjectKind; ref: string }>;
  /**
   * Stable identity of the problem: the same problem found again (a rule re-run, a redelivered
   * event) has the same key and stays one exception. Built from the rule id and the facts that
   * make the problem, never from a time.
   */
  readonly key: string;
  /** What is wrong and what to do, in the words a quality manager uses. */
  readonly explanation: string;
  /** The events that show it (eventIDs), oldest first; may be empty (a scan that never came). */
  readonly eventIds: readonly string[];
  /** Where, when known: the site and line of the events involved. */
  readonly site: string | null;
  readonly line: string | null;
  /** When the rule found it (ISO 8601 with zone). */
  readonly detectedAt: string;
}

/** Where findings go: the exceptions workflow (or a list, in `lotline gaps --dry-run` and tests). */
export interface FindingSink {
  /** Records the findings; a finding whose key is already known is not recorded twice. */
  report(findings: readonly Finding[]): Promise<void>;
}
