/**
 * The OpenAPI document as the docs function serves it, committed so that a change to it is seen:
 * `npm run openapi` writes docs/openapi.json (every route, the test stages' simulator included, for
 * the example server https://api.example.com) and docs/openapi.prod.json (production's routes).
 * test/unit/openapi-document.test.ts fails when the schemas, the route table or the generator
 * produce a different document; when the change is meant, run `npm run openapi` and commit the files
 * with it (the diff is the change to the API contract).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpenApi } from '../lambdas/http/openapi.js';
import { routesOfStage } from '../lambdas/routes.js';

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

export const EXAMPLE_SERVER = 'https://api.example.com';
export const EXAMPLE_TOKEN_URL = 'https://auth.example.com/oauth2/token';

/** Each committed document and the stage whose routes it lists. */
export const OPENAPI_SNAPSHOTS = [
  { file: 'docs/openapi.json', stage: 'test' },
  { file: 'docs/openapi.prod.json', stage: 'prod' },
] as const;

/** The document's text as committed: the docs function's JSON, indented for a readable diff. */
export function openApiText(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function generateOpenApi(stage: string): string {
  return openApiText(buildOpenApi(EXAMPLE_SERVER, EXAMPLE_TOKEN_URL, routesOfStage(stage)));
}

/** A committed document (a path from the project root). */
export function committedOpenApi(file: string): string {
  return readFileSync(root(file), 'utf8');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const { file, stage } of OPENAPI_SNAPSHOTS) {
    writeFileSync(root(file), generateOpenApi(stage));
    console.log(`wrote ${file}`);
  }
}
