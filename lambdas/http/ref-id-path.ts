/**
 * The `{refId}` path parameter of the identification routes through a two-step rule (core/parse.ts
 * TwoStepRule, docs/decisions/0020): a UUID is read without zod, and `RefIdParam` is loaded only to
 * refuse anything else, with its usual field error. A function that validates nothing else with
 * zod (the status read, the SMS resend) then evaluates no zod at cold start (docs/benchmarks.md §3).
 */
import type { TwoStepRule } from '../core/parse.js';
import { wellFormedUuidParam } from '../core/ref-id-format.js';

export const refIdPath: TwoStepRule<{ refId: string }> = {
  wellFormed: wellFormedUuidParam('refId'),
  schema: async () => (await import('../core/ref-id.js')).RefIdParam,
};
