/** The white paper's examples (lambdas/http/white-paper.ts, shared with the API docs) and test helpers around them. */
import { PAPER_START_BODY } from '../../lambdas/http/white-paper.js';

export {
  PAPER_START_BODY,
  PAPER_START_RESPONSE,
  PAPER_STATUS_RESPONSE,
  PAPER_TEST_ISP_ENTRY,
  PAPER_VERIFY_BODY,
} from '../../lambdas/http/white-paper.js';

/** The paper's start body plus the issuer and method chosen from the catalogue. */
export function paperStartBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...PAPER_START_BODY, issuer: 'Test-ISP', method: 'test', ...overrides };
}

/** "List the available methods": the paper's example query (answered by PAPER_TEST_ISP_ENTRY). */
export const PAPER_PROVIDERS_QUERY =
  '/api/providers?issuer=Test-ISP&jurisdiction=EIDAS&loa=3&offline=true&realtimeMethod=test&webflow=true';

/** "Test Environment": the fields of the simulator's "Define Identity" form, as the paper shows them. */
export const DEFINE_IDENTITY_FIELDS = [
  'FirstName',
  'LastName',
  'Email Address',
  'Mobile phone number',
  'Date of birth',
  'Place of birth',
  'Nationality',
  'ID card number',
  'Valid until',
  'Status of identity',
] as const;
