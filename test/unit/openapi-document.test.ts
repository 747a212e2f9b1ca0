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

    /**
     * The bodies the bundled handler answers to GET /openapi.json on a stage, one request per host
     * in turn, in one fresh process (one container: the document is built once and kept).
     */
    async function servedDocuments(stage: string, hosts: string[]): Promise<string[]> {
      bundled ??= build(esbuildOptionsFor('lambdas/handlers/api-docs.ts', outdir));
      await bundled;
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
      const script = `
        const { handler } = await import(${JSON.stringify(pathToFileURL(join(outdir, 'index.mjs')).href)});
        const context = { functionName: 'api-docs', awsRequestId: 'openapi-snapshot', getRemainingTimeInMillis: () => 10000 };
        const answers = [];
        for (const event of ${JSON.stringify(hosts.map(eventFor))}) answers.push(await handler(event, context));
        process.stdout.write(JSON.stringify(answers));`;
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        env: { PATH: process.env.PATH, STAGE: stage, TOKEN_URL: EXAMPLE_TOKEN_URL, LOG_LEVEL: 'ERROR' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.stderr).toBe('');
      const answers = JSON.parse(run.stdout) as { statusCode: number; body: string }[];
      expect(answers.map((res) => res.statusCode)).toEqual(hosts.map(() => 200));
      return answers.map((res) => openApiText(JSON.parse(res.body)));
    }

    const exampleHost = new URL(EXAMPLE_SERVER).host;

    it.each(OPENAPI_SNAPSHOTS)(
      'on stage $stage is $file',
      async ({ file, stage }) => {
        const [served] = await servedDocuments(stage, [exampleHost]);
        expect(served, CHANGED).toBe(committedOpenApi(file));
      },
      120_000,
    );

    it('names the server each request came to, also after another domain’s request was served', async () => {
      const { file, stage } = OPENAPI_SNAPSHOTS[0] as (typeof OPENAPI_SNAPSHOTS)[number];
      const committed = committedOpenApi(file);
      const other = 'srs.custom-domain.example';

      const served = await servedDocuments(stage, [exampleHost, other, exampleHost, other]);

      const forOther = committed.replace(`"url": "${EXAMPLE_SERVER}"`, `"url": "https://${other}"`);
      expect(forOther).not.toBe(committed);
      expect(served).toEqual([committed, forOther, committed, forOther]);
    }, 120_000);
  });
});
