/**
 * The OpenAPI documents the docs function serves, generated before it runs and committed so that a
 * change to them is seen: `npm run openapi` writes docs/openapi.json (every route, the test stages'
 * simulator included, for the example server https://api.example.com) and docs/openapi.prod.json
 * (production's routes). The bundling hook copies them into the function's asset
 * (lib/bundling.ts) after `--check`, which fails, as test/unit/openapi-document.test.ts does, when
 * the schemas, the route table or the generator produce a different document; when the change is
 * meant, run `npm run openapi` and commit the files with it (the diff is the change to the API
 * contract).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOpenApi } from '../lambdas/http/openapi.js';
import {
  EXAMPLE_SERVER,
  EXAMPLE_TOKEN_URL,
  OPENAPI_DOCUMENTS,
  OPENAPI_SOURCE_DIR,
} from '../lambdas/http/openapi-documents.js';
import { routesOfStage } from '../lambdas/routes.js';

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

export { EXAMPLE_SERVER, EXAMPLE_TOKEN_URL };

/** Each committed document (a path from the project root) and the stage whose routes it lists. */
export const OPENAPI_SNAPSHOTS = OPENAPI_DOCUMENTS.map(({ file, stage }) => ({
  file: `${OPENAPI_SOURCE_DIR}/${file}`,
  stage,
}));

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

/**
 * The committed documents that differ from what the generator produces now; `dir` reads them from
 * another folder instead of docs/ (`--check <dir>`: the test of this check runs it on a copy).
 */
export function staleOpenApiDocuments(dir?: string): string[] {
  const read = (file: string) =>
    dir === undefined ? committedOpenApi(file) : readFileSync(join(dir, basename(file)), 'utf8');
  return OPENAPI_SNAPSHOTS.filter(({ file, stage }) => read(file) !== generateOpenApi(stage)).map(
    ({ file }) => file,
  );
}

/**
 * The one line `npm start` prints (and `npm run fuzz` on its own stack) when a committed document is
 * stale: the local stack serves the committed file, so the developer mid-change sees which contract
 * /openapi.json and /docs show and how to bring it up to date. Undefined when every one is current.
 */
export function staleOpenApiWarning(dir?: string): string | undefined {
  const stale = staleOpenApiDocuments(dir);
  if (stale.length === 0) return undefined;
  const files = stale.join(' and ');
  return `Warning: ${files} ${stale.length > 1 ? 'are' : 'is'} not what the schemas and the route table generate: /openapi.json and /docs serve the old contract until you run \`npm run openapi\`.`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.indexOf('--check');
  if (check >= 0) {
    const stale = staleOpenApiDocuments(process.argv[check + 1]);
    if (stale.length) {
      console.error(
        `${stale.join(', ')}: not what the schemas and the route table generate. If the change to the API is meant, run \`npm run openapi\` and commit the documents.`,
      );
      process.exit(1);
    }
  } else {
    for (const { file, stage } of OPENAPI_SNAPSHOTS) {
      writeFileSync(root(file), generateOpenApi(stage));
      console.log(`wrote ${file}`);
    }
  }
}
