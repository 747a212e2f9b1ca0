/**
 * The `{refId}` path parameter of the identification routes through a two-step rule (core/parse.ts,
 * docs/decisions/0020) that needs no schema at all: a UUID is read without zod, and anything else is
 * refused with the field errors `RefIdParam` gives (`refIdParamRefusal`, held to the schema by
 * test/unit/two-step-rules.test.ts). The status read and the SMS resend, which validate nothing else
 * with zod, carry none (docs/benchmarks.md §3).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { SelfRefusingRule } from '../core/parse.js';
import { canonicalUuid, refIdParamRefusal, wellFormedUuidParam } from '../core/ref-id-format.js';
import { pathParamsTwoStep } from './request.js';

export const refIdPath: SelfRefusingRule<{ refId: string }> = {
  wellFormed: wellFormedUuidParam('refId'),
  refusal: refIdParamRefusal,
};

/** The route's refId, refused unless it is a UUID, in the lower case the orders are stored under. */
export async function refIdOf(event: APIGatewayProxyEvent): Promise<string> {
  return canonicalUuid((await pathParamsTwoStep(event, refIdPath)).refId);
}
