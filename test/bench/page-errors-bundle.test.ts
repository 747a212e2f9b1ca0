/**
 * The error pages as deployed: the bundled page functions load them by import() on their first
 * refusal (esbuild keeps them in the one file, not run at init), and that answers the HTML page —
 * in a fresh process with the function's environment, as Lambda runs the bundle.
 */
import { describe, expect, it } from 'vitest';
import { importedWith } from '../support/fresh-import.js';

/** A form post refused at the edge (text/plain), its first call in a fresh process: status, type and page. */
function refusedFirstCall(handler: string, resource: string, path: string) {
  const event = {
    httpMethod: 'POST',
    path,
    resource,
    headers: { host: 'srs.example.com', 'content-type': 'text/plain', 'accept-language': 'it-CH' },
    pathParameters: null,
    queryStringParameters: null,
    requestContext: { requestId: 'first-call' },
    isBase64Encoded: false,
    body: 'accept=yes',
  };
  return importedWith<{ statusCode: number; type: string; body: string }>(handler, {
    after: `const answer = await bundle.handler(JSON.parse(process.env.FIRST_EVENT), { functionName: ${JSON.stringify(handler)}, awsRequestId: 'first-call', getRemainingTimeInMillis: () => 30000 });`,
    report: "{ statusCode: answer.statusCode, type: answer.headers['Content-Type'], body: answer.body }",
    env: { FIRST_EVENT: JSON.stringify(event) },
  });
}

describe('a bundled page function’s first refusal', () => {
  it.each([
    ['demo-portal', '/demo-portal', '/demo-portal'],
    // Refused before the link is looked up: no AWS call.
    ['terms-page', '/terms/{token}', '/terms/not-a-link'],
  ])(
    '%s answers a text/plain form with the 415 HTML page',
    async (handler, resource, path) => {
      const answer = await refusedFirstCall(handler, resource, path);

      expect(answer.statusCode).toBe(415);
      expect(answer.type).toBe('text/html; charset=utf-8');
      expect(answer.body).toContain('<html lang="it">');
      expect(answer.body).toContain('<h1>Non è stato possibile leggere il modulo</h1>');
    },
    60_000,
  );
});
