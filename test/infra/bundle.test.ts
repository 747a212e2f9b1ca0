/**
 * The one infra test that bundles for real (esbuild, locally, no Docker): every function's asset
 * is a minified ESM bundle with the AWS SDK inside and its lazy modules beside it, and cdk-nag passes on the full synth, as
 * `npm run synth` does it. A missing handler module fails here with the route or task that needs it.
 */

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import {
  SWAGGER_UI_ASSET_DIR,
  SWAGGER_UI_FILES,
  SWAGGER_UI_PACKAGE,
} from '../../lambdas/http/api-reference.js';
import {
  OPENAPI_ASSET_DIR,
  OPENAPI_DOCUMENTS,
  OPENAPI_SOURCE_DIR,
} from '../../lambdas/http/openapi-documents.js';
import { buildStacks } from '../../lib/app.js';
import { HANDLER_BUNDLING } from '../../lib/bundling.js';
import { permissionsOf } from '../../lib/function-permissions.js';
import { defaultHandlerEntry } from '../../lib/stateless-stack.js';

const outdir = mkdtempSync(join(tmpdir(), 'srs-cdk-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('bundling', () => {
  it('a missing handler module fails the synth and names who needs it', () => {
    expect(() =>
      defaultHandlerEntry('no-such-handler', {
        routes: [
          {
            method: 'GET',
            path: '/nowhere',
            handler: 'no-such-handler',
            auth: { type: 'none' },
            summary: 'x',
          },
        ],
        tasks: [{ machine: 'identification', stateName: 'Somewhere' }],
      }),
    ).toThrow(
      /Handler "no-such-handler" has no module lambdas\/handlers\/no-such-handler\.ts \(needed by route GET \/nowhere, task "Somewhere" of statemachines\/identification\.asl\.json\)/,
    );
  });

  it('the test stage synthesises with real bundles and passes cdk-nag', () => {
    const app = new App({ outdir, context: { stage: 'test' } });
    const { stateless } = buildStacks(app);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    app.synth();

    const template = JSON.parse(readFileSync(join(outdir, `${stateless.artifactId}.template.json`), 'utf8'));
    const resources = template.Resources as Record<string, { Properties: { Code: { S3Key: string } } }>;
    for (const [handler, fn] of stateless.functions) {
      const resource = resources[stateless.getLogicalId(fn.node.defaultChild as CfnFunction)];
      const assetDir = join(outdir, `asset.${resource?.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
      expect(readdirSync(assetDir), handler).toContain('index.mjs');
      const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
      // Minified (template literals keep their newlines, so look at the average line: an unminified
      // bundle's is under 50 characters; demo-portal's pages, with zod gone, bring its to ~870).
      expect(code.length / code.split('\n').length, handler).toBeGreaterThan(400);
      // The SDK is inside, not imported from the runtime's copy.
      if (permissionsOf(handler).table) expect(code, handler).toContain('aws-sdk-js');
      expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
      // Only the credential providers Lambda never reaches are left to a dynamic import.
      const dynamic = [...code.matchAll(/import\(["'](@aws-sdk\/[\w-]+)["']\)/g)].map((m) => m[1]);
      for (const name of dynamic) expect(HANDLER_BUNDLING.externalModules, handler).toContain(name);
      // (An SDK error message quotes `[require("@aws-sdk/signature-v4-crt");]`.)
      expect(code).not.toMatch(/[^[]require\(["']@aws-sdk\//);
      expect(existsSync(join(assetDir, 'index.mjs.map')), handler).toBe(true);
      // Each import() of a project module is a lazy module beside the bundle (ADR 0023), in the
      // asset; no cold start parses zod (the start call's schemas are one such module).
      const lazy = [...code.matchAll(/import\("\.\/(lazy\/[\w/-]+\.mjs)"\)/g)].map((m) => m[1] as string);
      for (const file of lazy) expect(existsSync(join(assetDir, file)), `${handler}: ${file}`).toBe(true);
      if (handler === 'identification-start')
        expect(lazy).toContain('lazy/core/identification-request-schema.mjs');
      expect(code, handler).not.toContain('__zod_globalConfig');
      // The budget: no function's JavaScript grows past 400 KB (static files stay outside it).
      expect(statSync(join(assetDir, 'index.mjs')).size, handler).toBeLessThan(400 * 1024);
      if (handler === 'api-docs') {
        // The API reference's renderer (1.4 MB) is copied beside the bundle, byte for byte, not
        // bundled (the size budget above would catch it).
        for (const file of SWAGGER_UI_FILES) {
          expect(readFileSync(join(assetDir, SWAGGER_UI_ASSET_DIR, file))).toEqual(
            readFileSync(join('node_modules', SWAGGER_UI_PACKAGE, file)),
          );
        }
        // The OpenAPI documents, generated from the schemas before the function runs (the hook
        // checked them against the generator first), beside the bundle as committed.
        for (const { file } of OPENAPI_DOCUMENTS) {
          expect(readFileSync(join(assetDir, OPENAPI_ASSET_DIR, file), 'utf8')).toBe(
            readFileSync(join(OPENAPI_SOURCE_DIR, file), 'utf8'),
          );
        }
      } else {
        expect(existsSync(join(assetDir, SWAGGER_UI_ASSET_DIR)), handler).toBe(false);
        expect(existsSync(join(assetDir, OPENAPI_ASSET_DIR)), handler).toBe(false);
      }
    }
    expect([...stateless.functions.keys()]).toContain('api-docs');
  }, 300_000);
});
