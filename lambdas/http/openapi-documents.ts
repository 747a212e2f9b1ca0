/**
 * The OpenAPI document as the api-docs function serves it: generated from the route table and the
 * schemas before the function runs, never inside it. `npm run openapi` writes the documents into
 * docs/ (scripts/openapi-document.ts, the committed API contract); the bundling hook copies them
 * into the function's asset (lib/bundling.ts) and refuses to when they differ from what the schemas
 * generate, as test/unit/openapi-document.test.ts does. The function reads its stage's document on
 * the first request for it and adds the addresses of the API that serves it; it bundles no schema
 * and no generator (docs/benchmarks.md §3). Locally the same files are read from docs/.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PRODUCTION_STAGE } from '../core/stage.js';
import { deploysTestStageRoutes, SCOPE_DESCRIPTIONS } from '../routes.js';
import { assetDirOr, fs } from './asset-files.js';

/**
 * The generated documents, in docs/: each lists the routes of the stages that deploy the same
 * routes as `stage` (routesOfStage), for the example addresses below.
 */
export const OPENAPI_DOCUMENTS = [
  { file: 'openapi.json', stage: 'test' },
  { file: 'openapi.prod.json', stage: PRODUCTION_STAGE },
] as const;

/** Where the documents are generated to (from the project root), and their folder in the asset. */
export const OPENAPI_SOURCE_DIR = 'docs';
export const OPENAPI_ASSET_DIR = 'openapi';

/** The addresses the committed documents name; a served document names its API's own. */
export const EXAMPLE_SERVER = 'https://api.example.com';
export const EXAMPLE_TOKEN_URL = 'https://auth.example.com/oauth2/token';

/** The document's shape as far as its addresses go: the rest is carried as it is. */
export interface OpenApiDocument {
  openapi: string;
  info: unknown;
  servers?: unknown;
  paths: unknown;
  components: { schemas: unknown; securitySchemes?: unknown };
}

/**
 * The document with the addresses it is served under: its server and the token endpoint (the OAuth
 * flow and the bearer scheme's description). The one place they enter the document, for the
 * generator and for the function; keys in the order the document has always had.
 */
export function withAddresses(
  document: OpenApiDocument,
  serverUrl: string,
  tokenUrl: string,
): OpenApiDocument {
  return {
    openapi: document.openapi,
    info: document.info,
    servers: [{ url: serverUrl }],
    paths: document.paths,
    components: {
      schemas: document.components.schemas,
      securitySchemes: {
        oauth2: {
          type: 'oauth2',
          description:
            'OAuth 2.0 client credentials (RFC 6749 §4.4) with the client id and secret of your SP.',
          flows: { clientCredentials: { tokenUrl, scopes: SCOPE_DESCRIPTIONS } },
        },
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: `An access token you already have (from ${tokenUrl}); the route's scopes apply.`,
        },
      },
    },
  };
}

/** The file of the document that lists `stage`'s routes. */
function openApiFileOf(stage: string): string {
  const withTestStageRoutes = deploysTestStageRoutes(stage);
  // The two documents cover both answers: one lists the test stages' routes, one does not.
  return (
    OPENAPI_DOCUMENTS.find(
      (d) => deploysTestStageRoutes(d.stage) === withTestStageRoutes,
    ) as (typeof OPENAPI_DOCUMENTS)[number]
  ).file;
}

/** Where the documents are: in the asset beside the bundle in AWS, docs/ in the project locally. */
const documentDir = () =>
  assetDirOr(OPENAPI_ASSET_DIR, () =>
    fileURLToPath(new URL(`../../${OPENAPI_SOURCE_DIR}/`, import.meta.url)),
  );

const generated = new Map<string, OpenApiDocument>();

/** `stage`'s generated document (read once per container), with the addresses it is served under. */
export function servedOpenApi(stage: string, serverUrl: string, tokenUrl: string): OpenApiDocument {
  const file = openApiFileOf(stage);
  let document = generated.get(file);
  if (document === undefined) {
    document = JSON.parse(fs().readFileSync(join(documentDir(), file), 'utf8')) as OpenApiDocument;
    generated.set(file, document);
  }
  return withAddresses(document, serverUrl, tokenUrl);
}
