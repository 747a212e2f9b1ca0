/**
 * The OpenAPI document is the API contract SPs and partners build against: a change to it must be
 * meant. The committed documents (docs/openapi.json, docs/openapi.prod.json) are what the generator
 * produces now, and the api-docs function's bundle, built as it is deployed, serves exactly them —
 * so a change to the schemas' construction (which ones a bundle builds, how their metadata is
 * registered) cannot change the document unnoticed. A change that is meant: `npm run openapi`, and
 * commit the documents with it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { esbuildOptionsFor } from '../../lib/bundling.js';
import {
  committedOpenApi,
  EXAMPLE_SERVER,
  EXAMPLE_TOKEN_URL,
  generateOpenApi,
  OPENAPI_SNAPSHOTS,
  openApiText,
} from '../../scripts/openapi-document.js';

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
    const outdir = mkdtempSync(join(tmpdir(), 'openapi-bundle-'));
    afterAll(() => rmSync(outdir, { recursive: true, force: true }));

    let bundled: Promise<unknown> | undefined;

    /** The body the bundled handler answers to GET /openapi.json on a stage, in a fresh process. */
    async function servedDocument(stage: string): Promise<string> {
      bundled ??= build(esbuildOptionsFor('lambdas/handlers/api-docs.ts', outdir));
      await bundled;
      const event = {
        resource: '/openapi.json',
        path: '/openapi.json',
        httpMethod: 'GET',
        headers: { Host: new URL(EXAMPLE_SERVER).host, 'X-Forwarded-Proto': 'https' },
        multiValueHeaders: {},
        queryStringParameters: null,
        pathParameters: null,
        body: null,
        isBase64Encoded: false,
        requestContext: { requestId: 'openapi-snapshot' },
      };
      const script = `
        const { handler } = await import(${JSON.stringify(pathToFileURL(join(outdir, 'index.mjs')).href)});
        const context = { functionName: 'api-docs', awsRequestId: 'openapi-snapshot', getRemainingTimeInMillis: () => 10000 };
        const res = await handler(${JSON.stringify(event)}, context);
        process.stdout.write(JSON.stringify(res));`;
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        env: { PATH: process.env.PATH, STAGE: stage, TOKEN_URL: EXAMPLE_TOKEN_URL, LOG_LEVEL: 'ERROR' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.stderr).toBe('');
      const res = JSON.parse(run.stdout) as { statusCode: number; body: string };
      expect(res.statusCode).toBe(200);
      return openApiText(JSON.parse(res.body));
    }

    it.each(OPENAPI_SNAPSHOTS)(
      'on stage $stage is $file',
      async ({ file, stage }) => {
        expect(await servedDocument(stage), CHANGED).toBe(committedOpenApi(file));
      },
      120_000,
    );
  });
});
