/**
 * The `{refId}` path parameter of the identification routes through a two-step rule (core/parse.ts,
 * docs/decisions/0020) that needs no schema at all: a UUID is read without zod, and anything else is
 * refused with the field errors `RefIdParam` gives (`refIdParamRefusal`, held to the schema by
 * test/unit/two-step-rules.test.ts). The status read and the SMS resend, which validate nothing else
 * with zod, carry none (docs/benchmarks.md §3).
 */
import type { SelfRefusingRule } from '../core/parse.js';
import { refIdParamRefusal, wellFormedUuidParam } from '../core/ref-id-format.js';

export const refIdPath: SelfRefusingRule<{ refId: string }> = {
  wellFormed: wellFormedUuidParam('refId'),
  refusal: refIdParamRefusal,
};
