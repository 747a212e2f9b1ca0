/**
 * How every Lambda function is bundled: the one definition read by the CDK stack (NodejsFunction's
 * `bundling` props) and by the benchmark's cold-start figures (esbuild run directly with the same
 * options), so that what is measured is what is deployed.
 *
 * NodejsFunction runs, from the project root:
 *   esbuild --bundle <entry> --target=node24 --platform=node --format=esm --outfile=<out>/index.mjs
 *     --minify --sourcemap --sources-content=false --log-level=warning
 *     --banner:js=<banner> --main-fields=module,main
 * with `--external` only for the credential providers Lambda never reaches (see externalModules):
 * the rest of the AWS SDK is inside every bundle (bundleAwsSDK).
 * `esbuildOptionsFor` is that command as esbuild's JavaScript API options. The deployed asset is then
 * written by `bundleFunction` (the bundling hook runs it over the command's output): the same options
 * and the function's lazy modules beside `index.mjs` (ADR 0023), with two Node built-ins read
 * without their module facades (`BUILTINS_WITHOUT_FACADE`).
 */
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, type BuildResult, build, type Plugin } from 'esbuild';
import { SWAGGER_UI_ASSET_DIR, SWAGGER_UI_FILES, SWAGGER_UI_PACKAGE } from '../lambdas/http/api-reference.js';
import {
  OPENAPI_ASSET_DIR,
  OPENAPI_DOCUMENTS,
  OPENAPI_SOURCE_DIR,
} from '../lambdas/http/openapi-documents.js';

const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Some CommonJS dependencies call require() inside the ESM bundle. */
const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * The bundling settings. The names follow NodejsFunction's `BundlingOptions` where it has them
 * (`format: OutputFormat.ESM` is `'esm'`, `logLevel: LogLevel.WARNING` is `'warning'`).
 */
export const HANDLER_BUNDLING = {
  format: 'esm',
  target: 'node24',
  platform: 'node',
  minify: true,
  /**
   * `index.mjs.map` beside the bundle, read only when a stack with a frame of the bundle is written
   * (lambdas/http/stack-frames.ts; no --enable-source-maps: ADR 0021).
   */
  sourceMap: true,
  sourcesContent: false,
  /** Bundle the AWS SDK v3 into each function rather than use the runtime's copy. */
  bundleAwsSDK: true,
  /**
   * The default credential chain reaches these only when no environment credentials are set, and
   * Lambda always sets them (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). They are
   * loaded by dynamic import(), so leaving them out of the bundle removes about a third of each
   * function's SDK weight without changing what runs in Lambda. Outside Lambda without environment
   * credentials a bundle fails with "Cannot find package" instead of a credentials error.
   */
  externalModules: [
    '@aws-sdk/credential-provider-ini',
    '@aws-sdk/credential-provider-sso',
    '@aws-sdk/credential-provider-process',
    '@aws-sdk/credential-provider-web-identity',
    '@aws-sdk/nested-clients',
    '@aws-sdk/token-providers',
    // The container and instance metadata providers (ECS, EC2), also reached only without
    // environment credentials, also by dynamic import().
    '@aws-sdk/credential-provider-http',
    '@smithy/credential-provider-imds',
  ] as string[],
  mainFields: ['module', 'main'],
  logLevel: 'warning',
  banner: ESM_REQUIRE_BANNER,
  /** NodejsFunction names the ESM output `index.mjs`. */
  outFile: 'index.mjs',
} as const;

/** The esbuild options equal to what NodejsFunction runs for `entry`, writing into `outdir`. */
export function esbuildOptionsFor(
  entry: string,
  outdir: string,
  extra: Pick<BuildOptions, 'metafile' | 'write' | 'minify'> = {},
): BuildOptions {
  return {
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [entry],
    bundle: true,
    outfile: join(outdir, HANDLER_BUNDLING.outFile),
    format: HANDLER_BUNDLING.format,
    target: HANDLER_BUNDLING.target,
    platform: HANDLER_BUNDLING.platform,
    minify: HANDLER_BUNDLING.minify,
    sourcemap: HANDLER_BUNDLING.sourceMap,
    sourcesContent: HANDLER_BUNDLING.sourcesContent,
    external: [...HANDLER_BUNDLING.externalModules],
    mainFields: [...HANDLER_BUNDLING.mainFields],
    logLevel: HANDLER_BUNDLING.logLevel,
    banner: { js: HANDLER_BUNDLING.banner },
    ...extra,
  };
}

/**
 * Where a function's lazy modules go in its asset, beside `index.mjs` (ADR 0023). A module the
 * project loads by `import()` — a request schema for what a zod-free reader leaves (ADR 0020), the
 * body schema of one route — is bundled into a file of its own, `lazy/<its path under lambdas/>.mjs`
 * (`lazy/core/verify-request-schema.mjs`), that the bundle
 * imports when that request comes. Inlined (esbuild's default for a single output file) its code
 * and zod's, 19–31 KB, would be parsed by every cold start although no call may ever run it.
 */
export const LAZY_MODULE_DIR = 'lazy';

/** A lazy module of a function: its source (from the project root) and its file in the asset. */
export interface LazyModule {
  source: string;
  /** `lazy/<path under lambdas/>.mjs`, from the asset's root. */
  file: string;
}

/**
 * The esbuild plugin that leaves each `import()` of a project module (`./…`, `../…` from `lambdas/`)
 * out of the bundle as an import of its file in `lazy/`, recording the module in `found`. The
 * SDK's own `import()`s are not touched (the floors have them too: they stay inlined).
 */
function lazyModulesPlugin(found: Map<string, LazyModule>, builtFile: string): Plugin {
  const projectCode = join(PROJECT_ROOT, 'lambdas');
  return {
    name: 'lazy-modules',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (args.kind !== 'dynamic-import' || !args.importer.startsWith(projectCode)) return undefined;
        const source = relative(PROJECT_ROOT, resolve(args.resolveDir, args.path)).replace(/\.js$/, '.ts');
        // Its path under lambdas/: `lazy/core/verify-request-schema.mjs`, one file per module.
        const file = `${LAZY_MODULE_DIR}/${relative('lambdas', source).replace(/\.ts$/, '.mjs')}`;
        found.set(file, { source, file });
        // Relative to the file being built (index.mjs, or a lazy module with lazy modules of its own).
        const specifier = relative(dirname(builtFile), file);
        return { path: specifier.startsWith('.') ? specifier : `./${specifier}`, external: true };
      });
    },
  };
}

/**
 * Node built-ins the edge imports that no floor does, read with `process.getBuiltinModule` instead
 * of an `import` (issue 12 item 5, the ninth round in docs/benchmarks.md §3). An `import` of a
 * built-in makes Node build an ES module facade of all its exports at load; `node:console`'s
 * (Powertools Logger's and Metrics' `Console`) and `node:timers`' (middy's `setTimeout`) cost about
 * 0.7 M instructions of every function's import; the objects read are the same. A module importing
 * another name of them fails the build (no such export), so none is silently undefined.
 */
const BUILTINS_WITHOUT_FACADE: Readonly<Record<string, readonly string[]>> = {
  'node:console': ['Console'],
  'node:timers': ['setTimeout', 'clearTimeout'],
};

function builtinsWithoutFacadePlugin(): Plugin {
  return {
    name: 'builtins-without-facade',
    setup(b) {
      const names = Object.keys(BUILTINS_WITHOUT_FACADE).map((name) => name.replace(/[^\w]/g, '\\$&'));
      b.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => ({
        path: args.path,
        namespace: 'builtin-without-facade',
      }));
      b.onLoad({ filter: /.*/, namespace: 'builtin-without-facade' }, (args) => ({
        contents: [
          `const builtin = process.getBuiltinModule(${JSON.stringify(args.path)});`,
          'export default builtin;',
          `export const { ${(BUILTINS_WITHOUT_FACADE[args.path] ?? []).join(', ')} } = builtin;`,
        ].join('\n'),
        loader: 'js',
      }));
    },
  };
}

/** What `bundleFunction` built: the bundle (`index.mjs`) and each lazy module's build. */
export interface FunctionBuild {
  main: BuildResult;
  lazy: { module: LazyModule; result: BuildResult }[];
}

/**
 * Bundles a function as it is deployed: `index.mjs` from `entry` (the options of `esbuildOptionsFor`)
 * and its lazy modules, each with the same options, into `outdir`. A lazy module's own `import()`s
 * are lazy modules too.
 */
export async function bundleFunction(
  entry: string,
  outdir: string,
  extra: Pick<BuildOptions, 'metafile' | 'write' | 'minify'> = {},
): Promise<FunctionBuild> {
  const found = new Map<string, LazyModule>();
  const main = await build({
    ...esbuildOptionsFor(entry, outdir, extra),
    plugins: [lazyModulesPlugin(found, HANDLER_BUNDLING.outFile), builtinsWithoutFacadePlugin()],
  });
  const lazy: FunctionBuild['lazy'] = [];
  for (const module of found.values()) {
    // `found` grows while this runs when a lazy module has lazy modules of its own.
    const result = await build({
      ...esbuildOptionsFor(module.source, outdir, extra),
      outfile: join(outdir, module.file),
      plugins: [lazyModulesPlugin(found, module.file), builtinsWithoutFacadePlugin()],
    });
    lazy.push({ module, result });
  }
  return { main, lazy };
}

/** Files a function reads that are no part of its JavaScript bundle, copied into its asset. */
interface StaticFiles {
  /** The folder they are copied from, from the project root. */
  from: string;
  files: readonly string[];
  /** The asset's folder they go to, beside `index.mjs`: the function reads them from there. */
  to: string;
  /** Run from the project root before they are copied: fails when they are not fit to ship. */
  check?: string;
}

/**
 * Static files a function serves, copied into its asset beside `index.mjs` after bundling
 * (NodejsFunction `commandHooks.afterBundling`): they count against the asset, never against the
 * JavaScript bundle and its cold start. api-docs serves Swagger UI's files and the OpenAPI documents
 * generated from the schemas (`npm run openapi`): the bundling fails when the committed documents
 * are not what the schemas generate now, so a deployed document cannot be stale.
 */
export const HANDLER_STATIC_FILES: Readonly<Record<string, readonly StaticFiles[]>> = {
  'api-docs': [
    { from: `node_modules/${SWAGGER_UI_PACKAGE}`, files: SWAGGER_UI_FILES, to: SWAGGER_UI_ASSET_DIR },
    {
      from: OPENAPI_SOURCE_DIR,
      files: OPENAPI_DOCUMENTS.map((d) => d.file),
      to: OPENAPI_ASSET_DIR,
      check: 'npx --no-install tsx scripts/openapi-document.ts --check',
    },
  ],
};

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** The shell commands that copy a function's static files into its asset (none for most). */
export function staticFileCommands(handler: string, inputDir: string, outputDir: string): string[] {
  return (HANDLER_STATIC_FILES[handler] ?? []).flatMap(({ from, files, to }) => {
    const target = join(outputDir, to);
    const sources = files.map((f) => shellQuote(join(inputDir, from, f)));
    return [`mkdir -p ${shellQuote(target)}`, `cp ${sources.join(' ')} ${shellQuote(target)}`];
  });
}

/**
 * The command that bundles a function as `bundleFunction` does, over what NodejsFunction wrote:
 * NodejsFunction runs esbuild's command line, which takes no plugin, so its `index.mjs` still
 * holds the lazy modules; this writes the deployed `index.mjs` (and map) and `lazy/` (ADR 0023).
 */
export function bundleFunctionCommand(entry: string, inputDir: string, outputDir: string): string {
  return `(cd ${shellQuote(inputDir)} && npx --no-install tsx scripts/bundle-function.ts ${shellQuote(entry)} ${shellQuote(outputDir)})`;
}

/**
 * The commands of the bundling hook: each group's check, the function's bundle, then the copies.
 * `entry` is the handler module from the project root.
 */
export function afterBundlingCommands(
  handler: string,
  inputDir: string,
  outputDir: string,
  entry = `lambdas/handlers/${handler}.ts`,
): string[] {
  const checks = (HANDLER_STATIC_FILES[handler] ?? []).flatMap(({ check }) =>
    check ? [`(cd ${shellQuote(inputDir)} && ${check})`] : [],
  );
  return [
    ...checks,
    bundleFunctionCommand(entry, inputDir, outputDir),
    ...staticFileCommands(handler, inputDir, outputDir),
  ];
}
