/** Every gap rule, in the order they are documented (docs/quality-rules.md). */
import type { GapRule } from '../gap-rule.js';
import { batchYield } from './batch-yield.rule.js';
import { classOnlyInput } from './class-only-input.rule.js';
import { duplicateLotCode } from './duplicate-lot-code.rule.js';
import { eventBeforePredecessor } from './event-before-predecessor.rule.js';
import { eventTimeImplausible } from './event-time-implausible.rule.js';
import { inputWithoutOrigin } from './input-without-origin.rule.js';
import { lotCodeFormat } from './lot-code-format.rule.js';
import { massBalance } from './mass-balance.rule.js';
import { producedWithoutInputs } from './produced-without-inputs.rule.js';
import { routingStepMissing } from './routing-step-missing.rule.js';
import { shippedWithoutOrigin } from './shipped-without-origin.rule.js';

export const GAP_RULES: readonly GapRule[] = [
  producedWithoutInputs,
  inputWithoutOrigin,
  shippedWithoutOrigin,
  classOnlyInput,
  routingStepMissing,
  massBalance,
  batchYield,
  eventBeforePredecessor,
  eventTimeImplausible,
  lotCodeFormat,
  duplicateLotCode,
];

export const GAP_RULE_IDS: readonly string[] = GAP_RULES.map((r) => r.id);
