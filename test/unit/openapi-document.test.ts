/**
 * The OpenAPI document is the API contract SPs and partners build against: a change to it must be
 * meant. The committed documents (docs/openapi.json, docs/openapi.prod.json) are what the generator
 * produces now, and the api-docs function's bundle, built and given its asset's files as it is
 * deployed, serves exactly them, with the addresses of the API that serves it put in as the
 * generator puts them — the function bundles no schema: it reads the generated document. A change that is meant: `npm run openapi`, and
 * commit the documents with it.
 */
import { describe, expect, it } from 'vitest';
import { buildOpenApi } from '../../lambdas/http/openapi.js';
import { routesOfStage } from '../../lambdas/routes.js';
import type { StageName } from '../../lib/config.js';
import {
  committedOpenApi,
  EXAMPLE_SERVER,
  EXAMPLE_TOKEN_URL,
  generateOpenApi,
  OPENAPI_SNAPSHOTS,
  openApiText,
} from '../../scripts/openapi-document.js';
import { importedWith } from '../support/fresh-import.js';

const CHANGED =
  'The OpenAPI document changed. If that is meant, run `npm run openapi` and commit docs/openapi*.json';

describe('the OpenAPI document', () => {
  it.each(OPENAPI_SNAPSHOTS)(
    'is committed as $file (stage $stage) exactly as generated',
    ({ file, stage }) => {
      expect(generateOpenApi(stage), CHANGED).toBe(committedOpenApi(file));
    },
  );

  describe('served by the api-docs function as deployed', () => {
    /**
     * The bodies the bundled handler answers to GET /openapi.json on a stage whose links point to
     * `publicBaseUrl` (PUBLIC_BASE_URL), one request per host in turn, in one fresh process (one
     * container: the document is built once and kept).
     */
    async function servedDocuments(
      stage: StageName,
      publicBaseUrl: string,
      hosts: string[],
      tokenUrl = EXAMPLE_TOKEN_URL,
    ): Promise<string[]> {
      const eventFor = (host: string) => ({
        resource: '/openapi.json',
        path: '/openapi.json',
        httpMethod: 'GET',
        headers: { Host: host, 'X-Forwarded-Proto': 'https' },
        multiValueHeaders: {},
        queryStringParameters: null,
        pathParameters: null,
        body: null,
        isBase64Encoded: false,
        requestContext: { requestId: 'openapi-snapshot' },
      });
      const answers = await importedWith<{ statusCode: number; body: string }[]>('api-docs', {
        environment: { stage, tokenUrl, publicBaseUrl },
        report: `await (async () => {
          const context = { functionName: 'api-docs', awsRequestId: 'openapi-snapshot', getRemainingTimeInMillis: () => 10000 };
          const answers = [];
          for (const event of ${JSON.stringify(hosts.map(eventFor))}) answers.push(await bundle.handler(event, context));
          return answers;
        })()`,
      });
      expect(answers.map((res) => res.statusCode)).toEqual(hosts.map(() => 200));
      return answers.map((res) => openApiText(JSON.parse(res.body)));
    }

    const exampleHost = new URL(EXAMPLE_SERVER).host;

    it.each(OPENAPI_SNAPSHOTS)(
      'on stage $stage is $file',
      async ({ file, stage }) => {
        const [served] = await servedDocuments(stage, EXAMPLE_SERVER, [exampleHost]);
        expect(served, CHANGED).toBe(committedOpenApi(file));
      },
      120_000,
    );

    it.each(OPENAPI_SNAPSHOTS)(
      'on stage $stage, for its API’s own addresses, is what the schemas and the route table generate for them',
      async ({ stage }) => {
        const base = 'https://srs.example.org/v1';
        const tokenUrl = 'https://login.example.org/oauth2/token';

        const [served] = await servedDocuments(stage, base, ['srs.example.org'], tokenUrl);

        expect(served).toBe(openApiText(buildOpenApi(base, tokenUrl, routesOfStage(stage))));
      },
      120_000,
    );

    // The server is PUBLIC_BASE_URL, which every deployment sets: never the Host a caller sends.
    it('names the configured server whatever host a request came to', async () => {
      const { file, stage } = OPENAPI_SNAPSHOTS[0] as (typeof OPENAPI_SNAPSHOTS)[number];
      const committed = committedOpenApi(file);
      const other = 'srs.other-domain.example';

      const served = await servedDocuments(stage, EXAMPLE_SERVER, [other, exampleHost, other]);

      expect(served).toEqual([committed, committed, committed]);
    }, 120_000);
  });
});
