/**
 * What each route answers, for the OpenAPI document: its request, query and path parameters, every
 * status code its handler can answer with the schema and examples, and the links between operations.
 * One module per route group in operations/ (their schemas only the edge validates beside them);
 * operations/spec.ts says what an operation's description is.
 */
import { DOCS_OPERATIONS } from './operations/docs.js';
import { PARTNER_OPERATIONS } from './operations/partners.js';
import { PERSON_PAGE_OPERATIONS } from './operations/person-pages.js';
import { SP_API_OPERATIONS } from './operations/sp-api.js';
import type { Operation } from './operations/spec.js';
import { TEST_STAGE_OPERATIONS } from './operations/test-stage.js';
import { WEBHOOK_OPERATIONS } from './operations/webhooks.js';

export {
  type LinkSpec,
  type Operation,
  Problem,
  problem,
  RETRY_AFTER,
  type ResponseSpec,
} from './operations/spec.js';

/** What each route takes and answers, beyond what the route table and the shared layers say. */
export const OPERATIONS: Record<string, Operation> = {
  ...SP_API_OPERATIONS,
  ...WEBHOOK_OPERATIONS,
  ...PARTNER_OPERATIONS,
  ...PERSON_PAGE_OPERATIONS,
  ...TEST_STAGE_OPERATIONS,
  ...DOCS_OPERATIONS,
};
