/**
 * The interactive API reference at /docs: Swagger UI (npm `swagger-ui-dist`) rendering
 * /openapi.json, its static files served by the docs function from files next to its bundle — in
 * AWS they are copied into the function's asset at bundling (lib/bundling.ts), so they never enter
 * a JavaScript bundle; locally they are read from node_modules. No CDN: nothing leaves the origin
 * but the token request to the authorization server.
 */
// Aliased: every bundle's banner declares `createRequire` at its top (lib/bundling.ts).
import { createRequire as requireAt } from 'node:module';
import { dirname, join } from 'node:path';
import { assetDirOr, fs } from './asset-files.js';
import { escapeHtml } from './html.js';

/** The package whose files are served, and which of them. */
export const SWAGGER_UI_PACKAGE = 'swagger-ui-dist';
export const SWAGGER_UI_FILES = ['swagger-ui-bundle.js', 'swagger-ui.css'] as const;
/** The folder of the docs function's asset that holds them. */
export const SWAGGER_UI_ASSET_DIR = 'swagger-ui';

/** Our own start-up script (a file, not inline, so the page's CSP can forbid inline scripts). */
export const INIT_SCRIPT = 'init.js';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Where the files are: beside the bundle in AWS, the package's folder locally. */
const assetDir = () =>
  assetDirOr(SWAGGER_UI_ASSET_DIR, () =>
    // Not `require`: esbuild would try to bundle the package.
    dirname(requireAt(import.meta.url).resolve(`${SWAGGER_UI_PACKAGE}/package.json`)),
  );

const cache = new Map<string, string>();

export interface StaticFile {
  body: string;
  contentType: string;
}

/** One of the reference's static files, or undefined for any other name. */
export function referenceFile(name: string): StaticFile | undefined {
  if (name === INIT_SCRIPT) return { body: INIT_SCRIPT_BODY, contentType: CONTENT_TYPES['.js'] as string };
  if (!(SWAGGER_UI_FILES as readonly string[]).includes(name)) return undefined;
  let body = cache.get(name);
  if (body === undefined) {
    body = fs().readFileSync(join(assetDir(), name), 'utf8');
    cache.set(name, body);
  }
  return { body, contentType: CONTENT_TYPES[name.slice(name.lastIndexOf('.'))] as string };
}

/** Swagger UI on /openapi.json (relative to the page, so a stage prefix in the path is kept). */
const INIT_SCRIPT_BODY = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: 'openapi.json',
    dom_id: '#reference',
    deepLinking: true,
    displayRequestDuration: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout'
  });
});
`;

/** The page: the renderer's files and ours, nothing inline but styles Swagger UI sets itself. */
export function referencePage(title: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — API reference</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="docs/swagger-ui.css">
</head><body>
<main id="reference"><p>The interactive reference needs JavaScript. The API description itself: <a href="openapi.json">openapi.json</a> (OpenAPI 3.1).</p></main>
<script src="docs/swagger-ui-bundle.js"></script>
<script src="docs/${INIT_SCRIPT}"></script>
</body></html>`;
}

/**
 * A CSP that lets Swagger UI work and nothing else: scripts and styles from this origin (Swagger UI
 * sets style attributes, hence 'unsafe-inline' for styles only), calls to this API and to the token
 * endpoint, images as data: URLs (its icons).
 */
export function referenceCsp(tokenUrl: string): string {
  let tokenOrigin = '';
  try {
    tokenOrigin = new URL(tokenUrl).origin;
  } catch {
    // A relative or missing token URL is on this origin.
  }
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self'${tokenOrigin ? ` ${tokenOrigin}` : ''}`,
    "font-src 'self' data:",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
