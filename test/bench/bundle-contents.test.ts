/**
 * What a function's bundle holds, read from esbuild's metafile of the build CDK deploys
 * (lib/bundling.ts). A module in a bundle is evaluated at every cold start — schemas are built,
 * objects constructed — so a function should not carry the code of other routes: these guard the
 * splits that took it out (docs/benchmarks.md §3).
 */
import { randomUUID } from 'node:crypto';
import { type BuildResult, build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  benchPartnerMessage,
  deployedFunctions,
  FIRST_CALLS,
  stubAwsEndpoint,
  stubItems,
} from '../../bench/cold-start.js';
import { keys } from '../../lambdas/adapters/dynamo/table-schema.js';
import { issuerNamePattern } from '../../lambdas/core/domain.js';
import { SAFE_TEXT } from '../../lambdas/core/fields.js';
import { PERSON_NAME } from '../../lambdas/core/person-fields.js';
import { bundleFunction, esbuildOptionsFor } from '../../lib/bundling.js';
import { freshImport, importedWith } from '../support/fresh-import.js';
import { evidenceFor, httpPartnerIsp } from '../support/isp.js';
import { paperStartBody } from '../support/white-paper.js';

interface Bundle {
  /** esbuild's metafile of index.mjs. */
  metafile: Metafile;
  /** The minified code of the function's asset: index.mjs, then its lazy modules. */
  text: string;
  /** The minified code of index.mjs alone: what every cold start parses. */
  index: string;
  /** Its lazy modules (`lazy/*.mjs`, ADR 0023): each one's source and metafile. */
  lazy: { source: string; metafile: Metafile }[];
}

const builds = new Map<string, Promise<Bundle>>();

const codeOf = (result: BuildResult) => result.outputFiles?.find((f) => f.path.endsWith('.mjs'))?.text ?? '';

/** The function's build as deployed (bundleFunction): metafiles and code (built once per test file, not written). */
function bundleOf(handler: string): Promise<Bundle> {
  let built = builds.get(handler);
  if (!built) {
    built = bundleFunction(`lambdas/handlers/${handler}.ts`, `/nonexistent/${handler}`, {
      metafile: true,
      write: false,
    }).then(({ main, lazy }) => ({
      metafile: main.metafile as Metafile,
      text: [main, ...lazy.map((l) => l.result)].map(codeOf).join('\n'),
      index: codeOf(main),
      lazy: lazy.map((l) => ({ source: l.module.source, metafile: l.result.metafile as Metafile })),
    }));
    builds.set(handler, built);
  }
  return built;
}

/** The function's index.mjs build in esbuild's metafile. */
const metafileOf = async (handler: string) => (await bundleOf(handler)).metafile;

/** The function's index.mjs in esbuild's metafile. */
async function bundle(handler: string) {
  return Object.values((await metafileOf(handler)).outputs).find((o) => o.entryPoint);
}

/** The files (project and node_modules paths) with code in a build's output. */
const filesIn = (metafile: Metafile) =>
  Object.entries(Object.values(metafile.outputs).find((o) => o.entryPoint)?.inputs ?? {})
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path);

/** The files with code in the function's index.mjs: what every cold start parses. */
async function indexFiles(handler: string): Promise<string[]> {
  return filesIn(await metafileOf(handler));
}

/** The sources of the function's lazy modules (`lazy/*.mjs`). */
async function lazySources(handler: string): Promise<string[]> {
  return (await bundleOf(handler)).lazy.map((l) => l.source).sort();
}

/** The files (project and node_modules paths) with code in the function's asset: index.mjs and its lazy modules. */
async function bundledFiles(handler: string): Promise<string[]> {
  const { metafile, lazy } = await bundleOf(handler);
  return [...new Set([metafile, ...lazy.map((l) => l.metafile)].flatMap(filesIn))];
}

/** The project files and packages with code in the function's asset. */
async function bundledModules(handler: string): Promise<string[]> {
  return (await bundledFiles(handler)).map(
    (path) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path,
  );
}

/**
 * The files a function evaluates at cold start: those its entry reaches by static imports. A file
 * reached only through a dynamic `import()` is in the bundle but evaluated when that import runs.
 */
async function staticallyReached(handler: string): Promise<Set<string>> {
  const { inputs } = await metafileOf(handler);
  const reached = new Set([`lambdas/handlers/${handler}.ts`]);
  for (const file of reached)
    for (const i of inputs[file]?.imports ?? [])
      if (i.kind === 'import-statement' && !i.external) reached.add(i.path);
  return reached;
}

/** Records zod's loading (a prelude for importedWith): `evaluated`, `built`, as zodAtImport reads them. */
const ZOD_TRACKER = `const built = []; let evaluated = false;
const config = { postProcessor(i) { const d = i._zod.def; built.push(d.check ? 'check:' + d.check : String(d.type)); } };
Object.defineProperty(globalThis, '__zod_globalConfig', { configurable: true, get() { evaluated = true; return config; }, set() {} });`;

/**
 * What of zod a function's bundle runs at import, in a fresh process with the deployed function's
 * environment: whether zod's modules are evaluated at all (zod's core reads its global config,
 * `globalThis.__zod_globalConfig`, when it loads) and the schemas and checks constructed, by zod
 * type (its hook for a constructed instance, `postProcessor` in that config).
 */
async function zodAtImport(handler: string): Promise<{ evaluated: boolean; built: string[] }> {
  return importedWith(handler, { prelude: ZOD_TRACKER, report: '{ evaluated, built }' });
}

/**
 * `handler`'s answer to `event`, its first call in a fresh process with every AWS call answered by
 * the stub at `endpoint` (bench/cold-start.ts stubAwsEndpoint), and whether zod was evaluated.
 */
async function firstCall(handler: string, event: unknown, endpoint: string) {
  return importedWith<{ evaluated: boolean; statusCode: number; body: string }>(handler, {
    prelude: ZOD_TRACKER,
    after: `const answer = await bundle.handler(JSON.parse(process.env.FIRST_EVENT), { functionName: ${JSON.stringify(handler)}, awsRequestId: 'first-call', getRemainingTimeInMillis: () => 30000 });`,
    report: '{ evaluated, statusCode: answer.statusCode, body: answer.body }',
    env: { AWS_ENDPOINT_URL: endpoint, FIRST_EVENT: JSON.stringify(event) },
  });
}

/**
 * A first call the zod-free reader leaves (ADR 0020): the schema is loaded, so zod is evaluated, to
 * answer 400 with `errors`.
 */
async function expectSchemaRefusal(handler: string, event: unknown, endpoint: string, errors: unknown[]) {
  const refused = await firstCall(handler, event, endpoint);
  expect(refused).toMatchObject({ evaluated: true, statusCode: 400 });
  expect(JSON.parse(refused.body).errors).toEqual(errors);
}

/**
 * How many RegExps with `source` importing `handler`'s bundle constructs (a `new RegExp` esbuild wrote
 * for a `\p{…}` literal); with `firstCall`, its import and that first call together.
 */
async function regExpsBuiltAtImport(
  handler: string,
  source: string,
  firstCall?: { event: unknown; endpoint: string },
): Promise<number> {
  return importedWith(handler, {
    prelude: `let built = 0; const source = ${JSON.stringify(source)};
globalThis.RegExp = new Proxy(RegExp, { construct(target, args) { if (String(args[0]) === source) built += 1; return Reflect.construct(target, args); } });`,
    ...(firstCall
      ? {
          after: `await bundle.handler(JSON.parse(process.env.FIRST_EVENT), { functionName: ${JSON.stringify(handler)}, awsRequestId: 'first-call', getRemainingTimeInMillis: () => 30000 });`,
          env: { AWS_ENDPOINT_URL: firstCall.endpoint, FIRST_EVENT: JSON.stringify(firstCall.event) },
        }
      : {}),
    report: 'built',
  });
}

/** For each project file, the deployed functions whose bundle has code of it. */
async function holdersOf(files: string[]): Promise<Record<string, string[]>> {
  const found: Record<string, string[]> = Object.fromEntries(files.map((f) => [f, []]));
  for (const handler of deployedFunctions()) {
    const modules = await bundledModules(handler);
    for (const file of files) if (modules.includes(file)) found[file]?.push(handler);
  }
  return found;
}

describe('the verify bundle', () => {
  let modules: string[];
  beforeAll(async () => {
    modules = await bundledModules('verify');
  }, 60_000);

  it('carries its own request schema and the shared field rules (loaded for a body the reader leaves), no other route’s schemas', () => {
    expect(modules).toContain('lambdas/core/verify-schemas.ts');
    expect(modules).toContain('lambdas/core/fields.ts');
    for (const other of [
      'lambdas/core/identification-schemas.ts',
      'lambdas/core/catalogue-schemas.ts',
      'lambdas/core/terms-form.ts',
      'lambdas/core/terms-of-use.ts',
      'lambdas/core/ref-id.ts',
      'lambdas/core/service-config.ts',
      // usage pricing: verify only counts its calls (usecases/verify-call-counter.ts)
      'lambdas/core/statement.ts',
      'lambdas/usecases/usage.ts',
    ])
      expect(modules).not.toContain(other);
  });

  it('carries only the item operations it runs: the registration and claimed identity reads and the counter write', async () => {
    const { index } = await bundleOf('verify');
    // The usage records' batch write, the configuration's writers and listings: other functions'.
    expect(await indexFiles('verify')).not.toContain(
      'node_modules/@aws-sdk/lib-dynamodb/dist-es/commands/BatchWriteCommand.js',
    );
    // Nor the table's put and delete (table-writes.ts): ~0.5 M instructions of import each.
    const sdkWrites = (await indexFiles('verify')).filter((f) =>
      /\/(lib-dynamodb\/dist-es\/commands\/(Put|Delete)Command|client-dynamodb\/dist-es\/commands\/(Put|Delete)ItemCommand)\.js$/.test(
        f,
      ),
    );
    expect(sdkWrites).toEqual([]);
    expect(await indexFiles('verify')).toContain(
      'node_modules/@aws-sdk/lib-dynamodb/dist-es/commands/UpdateCommand.js',
    );
    for (const elsewhere of [
      'Usage records not written', // usageItems.putUsageRecords
      'is already published with another text', // configItems.publishTermsOfUse
      'attribute_not_exists(GSI1PK)', // configItems.listClaimedIdentities
    ])
      expect(index).not.toContain(elsewhere);
    // What it does run.
    expect(index).toContain('ADD calls :calls, positive :pos, negative :neg');
  });

  it('carries the document client, Powertools Logger and Metrics and middy (the edge issue 12 asks for)', () => {
    for (const pkg of [
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/lib-dynamodb',
      '@aws-lambda-powertools/logger',
      '@aws-lambda-powertools/metrics',
      '@middy/core',
    ])
      expect(modules).toContain(pkg);
  });
});

describe('route schemas', () => {
  /**
   * Each route's schema module, and the functions that may build it (api-docs serves a document
   * generated from them before it runs: none; webhook-api.ts describes answers only the document has).
   */
  const owners: Record<string, string[]> = {
    'lambdas/core/verify-schemas.ts': ['verify'],
    'lambdas/core/catalogue-schemas.ts': ['providers-list'],
    'lambdas/core/identification-schemas.ts': ['identification-start'],
    'lambdas/core/terms-form.ts': ['terms-page'],
    // usage-get refuses a query without it since the sixth round (usageQueryRefusal).
    'lambdas/core/usage-report-schemas.ts': [],
    'lambdas/core/webhook-requests.ts': ['webhooks'],
    'lambdas/core/webhook-api.ts': [],
    // The price sheet and statements: only the usage route prices (the lifecycle only records usage).
    'lambdas/core/statement.ts': ['usage-get'],
  };

  it('are built only by the functions of their routes', async () => {
    expect(await holdersOf(Object.keys(owners))).toEqual(owners);
  }, 180_000);
});

describe('zod schemas built at cold start', () => {
  /**
   * The schemas with an OpenAPI id (metadata `{ id }`) each function's bundle holds: the request it
   * validates, never an answer's schema — those only the document needs (generated before api-docs
   * runs, by the OpenAPI builder). A schema module
   * imported for one export builds only that one because every module-level schema is a call marked
   * pure (`z.define`, core/zod.ts): remove the mark and the module's other schemas come back here.
   */
  const idsOf: Record<string, string[]> = {
    'identification-start': ['StartIdentificationRequest'],
    'oauth-introspect': ['IntrospectionRequest'],
    'providers-list': ['ProvidersQuery'],
    verify: ['VerifyRequest'],
    webhooks: ['CreateWebhookRequest'],
  };
  /** Functions that validate no input with zod: none of zod's schema code, no schema built. */
  const withoutSchemas = [
    'api-docs',
    'isp-jwks',
    // Its form is one radio button, checked by hand; the http adapter reads its settings without zod.
    'method-choice-page',
    'task-await-callback',
    'task-expire-order',
    'task-record-failure',
    'task-register-person',
    'task-send-terms-sms',
    'webhook-deliver',
    'webhook-fanout',
  ];
  const schemaIds = (text: string) =>
    [...new Set([...text.matchAll(/\bid:"([A-Z]\w*)"/g)].map((m) => m[1] as string))].sort();

  it('each function holds the schemas of the requests it validates, no answer’s schema', async () => {
    // Every schema the document is generated from: the ids in the OpenAPI builder, bundled alone.
    const builder = await build(
      esbuildOptionsFor('lambdas/http/openapi.ts', '/nonexistent/openapi-builder', { write: false }),
    );
    const documented = schemaIds(builder.outputFiles?.find((f) => f.path.endsWith('.mjs'))?.text ?? '');
    expect(documented).toEqual(
      expect.arrayContaining(['VerifyRequest', 'VerifyResponse', 'UsageReport', 'Problem']),
    );
    const found: Record<string, string[]> = {};
    for (const handler of deployedFunctions()) {
      const ids = schemaIds((await bundleOf(handler)).text).filter((id) => documented.includes(id));
      if (ids.length) found[handler] = ids;
    }
    expect(found).toEqual(idsOf);
  }, 180_000);

  it.each(withoutSchemas)(
    '%s carries no zod schema code',
    async (handler) => {
      const zodFiles = (await bundledFiles(handler)).filter((f) => f.includes('node_modules/zod/'));
      expect(zodFiles).not.toContain('node_modules/zod/v4/core/schemas.js');
      expect(zodFiles).not.toContain('node_modules/zod/v4/mini/schemas.js');
    },
    60_000,
  );
});

describe('zod loaded by a dynamic import, by the requests that need it', () => {
  /**
   * Functions that evaluate no zod module at cold start (docs/benchmarks.md §3): the two-step rules
   * (core/parse.ts TwoStepRule) read a good request (or demo-portal's journey cookie) without zod and
   * load the schema for any other (oauth-introspect also the verified order token's claims); the
   * simulator, the terms page and demo-portal load their body schemas when a body comes (the form's
   * GET, the page the SMS link opens, a portal page validate no body). Each schema module below is
   * reached by dynamic imports only. Built at import before: providers-list 26 zod schemas and
   * checks, usage-get 5, test-isp-simulator 117, terms-page 11, demo-portal 59, and for the refId
   * path parameter (http/ref-id-path.ts) identification-get and identification-resend-sms 3,
   * identification-data 4 (since the sixth round they carry no zod at all: below), webhooks 28 (its four request schemas; a registration's body loads them,
   * and any parameter the readers leave), identification-start 65 (its body and Idempotency-Key),
   * isp-callback 5 (e164 and its two messages' lazy schemas; a message its readers leave loads them).
   */
  const loadedWhenNeeded: Record<string, string[]> = {
    // The start call's body and Idempotency-Key.
    'identification-start': ['lambdas/core/identification-request-schema.ts'],
    'oauth-introspect': [
      'lambdas/core/introspection-request-schema.ts',
      'lambdas/core/order-token-claims-schema.ts',
    ],
    'providers-list': ['lambdas/core/providers-query-schema.ts'],
    webhooks: ['lambdas/core/webhook-requests.ts'],
    verify: ['lambdas/core/verify-request-schema.ts'],
    'test-isp-simulator': ['lambdas/core/test-isp-schemas.ts'],
    'terms-page': ['lambdas/core/terms-form.ts'],
    'demo-portal': ['lambdas/core/demo-portal-forms.ts'],
    // A partner's event or evidence that the zod-free readers leave (core/isp-messages.ts).
    'isp-callback': ['lambdas/core/isp-message-schemas.ts'],
  };

  it.each(Object.entries(loadedWhenNeeded))(
    '%s evaluates no zod module at cold start',
    async (handler, schemaModules) => {
      const reached = [...(await staticallyReached(handler))];
      expect(reached.filter((f) => f.includes('node_modules/zod/') || f === 'lambdas/core/zod.ts')).toEqual(
        [],
      );
      // The schema modules are lazy modules of their own (ADR 0023): index.mjs holds none of their
      // code, nor zod's, so no cold start parses it.
      expect(await lazySources(handler)).toEqual(expect.arrayContaining(schemaModules));
      const index = await indexFiles(handler);
      expect(index.filter((f) => schemaModules.includes(f) || f.includes('node_modules/zod/'))).toEqual([]);
      // …and, imported in a fresh process, the bundle runs none of zod's code.
      expect(await zodAtImport(handler)).toEqual({ evaluated: false, built: [] });
    },
    60_000,
  );
});

describe('self-refusing rules (core/parse.ts SelfRefusingRule)', () => {
  it.each(['identification-get', 'identification-resend-sms', 'identification-data'])(
    '%s carries no zod: its one parameter is read and refused without a schema (http/ref-id-path.ts)',
    async (handler) => {
      const modules = await bundledModules(handler);
      expect(modules).not.toContain('zod');
      expect(modules).not.toContain('lambdas/core/ref-id.ts');
      expect(modules).toContain('lambdas/http/ref-id-path.ts');
    },
    60_000,
  );

  it('usage-get carries no zod: its query is read and refused without a schema (usageQueryRefusal)', async () => {
    const modules = await bundledModules('usage-get');
    expect(modules).not.toContain('zod');
    expect(modules).not.toContain('lambdas/core/usage-report-schemas.ts');
    expect(modules).toContain('lambdas/core/usage-report.ts');
  }, 60_000);
});

describe('verify’s first call', () => {
  it('with a well-formed body (the bench’s, FIRST_CALLS) evaluates no zod; a refused body loads the schema to answer', async () => {
    const stub = await stubAwsEndpoint();
    try {
      const wellFormed = FIRST_CALLS.verify as { body: string };
      // The stub endpoint finds no registration: the negative answer, after the reads and the count.
      expect(await firstCall('verify', wellFormed, stub.url)).toMatchObject({
        evaluated: false,
        statusCode: 404,
      });

      const asText = { ...JSON.parse(wellFormed.body), assuranceLevel: '3' };
      await expectSchemaRefusal('verify', { ...wellFormed, body: JSON.stringify(asText) }, stub.url, [
        { field: 'assuranceLevel', message: expect.any(String) },
      ]);
    } finally {
      stub.server.close();
    }
  }, 60_000);
});

/**
 * An API Gateway proxy event as the gateway hands a caller's request to a function: the caller's
 * client id as the authorizer gives it.
 */
const apiEvent = (
  method: 'GET' | 'POST',
  path: string,
  resource: string,
  request: { headers?: Record<string, string>; pathParameters?: Record<string, string>; body?: string },
) => ({
  httpMethod: method,
  path,
  resource,
  headers: { host: 'srs.example.com', ...request.headers },
  pathParameters: request.pathParameters ?? null,
  queryStringParameters: null,
  requestContext: { requestId: 'first-call', authorizer: { claims: { client_id: 'bench-client' } } },
  isBase64Encoded: false,
  body: request.body ?? null,
});

describe('the start call’s first call', () => {
  /** The start call's event with an Idempotency-Key. */
  const startEvent = (body: unknown) =>
    apiEvent('POST', '/api/identifications', '/api/identifications', {
      headers: { 'content-type': 'application/json', 'idempotency-key': 'first-call-1' },
      body: JSON.stringify(body),
    });

  it('with the white paper’s body evaluates no zod; a refused redirect URL loads the schema to answer 400 with its field error', async () => {
    const stub = await stubAwsEndpoint();
    try {
      // Read without zod; the stub endpoint then finds no SP setup for the caller: 403.
      const wellFormed = await firstCall('identification-start', startEvent(paperStartBody()), stub.url);
      expect(wellFormed).toMatchObject({ evaluated: false, statusCode: 403 });

      await expectSchemaRefusal(
        'identification-start',
        startEvent(paperStartBody({ redirectUrl: 'http://localhost:x@evil.example/' })),
        stub.url,
        [
          {
            field: 'redirectUrl',
            message: 'Must use https (http is allowed for localhost, 127.0.0.1 or [::1] only).',
          },
        ],
      );
    } finally {
      stub.server.close();
    }
  }, 60_000);

  it('reads the paper’s Latin names without building the person name pattern; a name in another script builds it once', async () => {
    const stub = await stubAwsEndpoint();
    try {
      const builtBy = (firstName: string) =>
        regExpsBuiltAtImport('identification-start', PERSON_NAME.source, {
          event: startEvent(paperStartBody({ firstName })),
          endpoint: stub.url,
        });
      expect(await builtBy('Hans')).toBe(0);
      expect(await builtBy('Łukasz')).toBe(1);
    } finally {
      stub.server.close();
    }
  }, 60_000);

  it('loads the partner API’s rules (lazy/core/isp-http.mjs) only to open an order with an http partner; one whose answer it cannot read is a 502', async () => {
    // The http adapter's rules are no part of index.mjs, of the start's or of the method choice's.
    for (const handler of ['identification-start', 'method-choice-page']) {
      expect(await indexFiles(handler), handler).not.toContain('lambdas/core/isp-http.ts');
      expect(await lazySources(handler), handler).toContain('lambdas/core/isp-http.ts');
    }
    // The bench SP may also start with an http partner, whose orders go to the stub's endpoint
    // (it answers `{}`); the catalogue is read by a Query, which reads the items when it comes.
    const items = stubItems().map((item) =>
      item.clientId === 'bench-sp' && item.SK === keys.spSetup('bench-sp').SK
        ? {
            ...item,
            methods: { ...(item.methods as object), 'Bench-HTTP': '*' },
            jurisdictions: ['ZERTES', 'EIDAS'],
            loas: [3, 4],
          }
        : item,
    );
    const withPartner = await stubAwsEndpoint(items);
    const partner = httpPartnerIsp('Bench-HTTP', {
      ordersUrl: `${withPartner.url}/orders`,
      auth: { type: 'bearer', tokenEnv: 'BENCH_HTTP_TOKEN' },
      timeoutMs: 5000,
      retries: 0,
    });
    items.push({ ...keys.isp(partner.issuer), ...partner });
    try {
      const start = (issuer: string, method: string) => {
        const event = structuredClone(FIRST_CALLS['identification-start']) as {
          body: string;
          headers: object;
        };
        event.body = JSON.stringify({ ...JSON.parse(event.body), issuer, method });
        event.headers = { ...event.headers, 'idempotency-key': `first-call-${issuer}` };
        return freshImport<{ statusCode: number; body: string; lazy: string[] }>('identification-start', {
          prelude: `import { registerHooks } from 'node:module';
const loaded = [];
registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });`,
          after: `const answer = await bundle.handler(JSON.parse(process.env.FIRST_EVENT), { functionName: 'identification-start', awsRequestId: 'first-call', getRemainingTimeInMillis: () => 30000 });`,
          report: `{ statusCode: answer.statusCode, body: answer.body, lazy: loaded.filter((u) => u.includes('/lazy/')).map((u) => u.slice(u.indexOf('/lazy/') + 1)) }`,
          env: {
            AWS_ENDPOINT_URL: withPartner.url,
            FIRST_EVENT: JSON.stringify(event),
            BENCH_HTTP_TOKEN: 'bench-http-token',
          },
          environment: { partnerSecrets: ['BENCH_HTTP_TOKEN'] },
          logsErrors: true,
        });
      };
      // The bench partner (test-isp adapter): nothing loaded.
      const bench = await start('Bench-ISP', 'video');
      expect(bench.report).toMatchObject({ statusCode: 201, lazy: [] });
      // The http partner: the rules loaded, its `{}` read as an answer without an order id.
      const http = await start('Bench-HTTP', 'bank');
      expect(http.report.lazy).toEqual(['lazy/core/isp-http.mjs']);
      expect(http.report.statusCode).toBe(502);
      expect(JSON.parse(http.report.body)).toMatchObject({ status: 502 });
      expect(http.logLines.some((l) => l.includes('partner answer incomplete'))).toBe(true);
    } finally {
      withPartner.server.close();
    }
  }, 60_000);

  it('checks its keys (client id, refId, the key’s hash, the partner) without building the key part’s Unicode pattern', async () => {
    const stub = await stubAwsEndpoint();
    try {
      // The bench's start (FIRST_CALLS): the key locked, the SP's setup and the catalogue read, the
      // order written, its usage recorded, the key completed.
      const event = FIRST_CALLS['identification-start'];
      const started = await firstCall('identification-start', event, stub.url);
      expect(started.statusCode).toBe(201);
      // table-schema.ts: `^[^#\p{C}]+$`, built only for a key part that is not printable ASCII.
      expect(
        await regExpsBuiltAtImport('identification-start', '^[^#\\p{C}]+$', { event, endpoint: stub.url }),
      ).toBe(0);
    } finally {
      stub.server.close();
    }
  }, 60_000);
});

describe('identification-data’s first call', () => {
  const dataEvent = (refId: string) =>
    apiEvent(
      'GET',
      `/api/identifications/${refId}/identification-data`,
      '/api/identifications/{refId}/identification-data',
      { pathParameters: { refId } },
    );

  it('with a well-formed {refId} evaluates no zod, nor with a malformed one: its 400 and field error are RefIdParam’s, without the schema', async () => {
    const stub = await stubAwsEndpoint();
    try {
      // Read by refIdPath's reader; the stub endpoint then finds no order: 404.
      const wellFormed = await firstCall('identification-data', dataEvent(randomUUID()), stub.url);
      expect(wellFormed).toMatchObject({ evaluated: false, statusCode: 404 });

      const refused = await firstCall('identification-data', dataEvent('not-a-ref-id'), stub.url);
      expect(refused).toMatchObject({ evaluated: false, statusCode: 400 });
      expect(JSON.parse(refused.body)).toMatchObject({
        title: 'Invalid request',
        errors: [{ field: 'refId', message: 'Must be a UUID.' }],
      });
    } finally {
      stub.server.close();
    }
  }, 60_000);
});

describe('oauth-introspect’s first call', () => {
  const introspectEvent = (form: string) =>
    apiEvent('POST', '/oauth2/introspect', '/oauth2/introspect', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });

  it('with a well-formed form evaluates no zod; a form the reader leaves loads the schema to answer invalid_request with its field error', async () => {
    const stub = await stubAwsEndpoint();
    try {
      // Read by the form's reader; a token that is no JWT is inactive without a key fetch.
      const wellFormed = await firstCall(
        'oauth-introspect',
        introspectEvent('token=not-a-jwt&token_type_hint=access_token'),
        stub.url,
      );
      expect(wellFormed).toMatchObject({ evaluated: false, statusCode: 200 });
      expect(JSON.parse(wellFormed.body)).toEqual({ active: false });

      const refused = await firstCall('oauth-introspect', introspectEvent('token='), stub.url);
      expect(refused).toMatchObject({ evaluated: true, statusCode: 400 });
      expect(JSON.parse(refused.body)).toMatchObject({
        error: 'invalid_request',
        errors: [{ field: 'token', message: expect.any(String) }],
      });
    } finally {
      stub.server.close();
    }
  }, 60_000);
});

describe('Node built-in modules', () => {
  it('no function imports node:http statically (its ESM namespace loads undici, which none uses)', async () => {
    const importing: string[] = [];
    for (const handler of deployedFunctions()) {
      const imports = (await bundle(handler))?.imports ?? [];
      if (imports.some((i) => /^(node:)?http$/.test(i.path) && i.kind === 'import-statement'))
        importing.push(handler);
    }
    expect(importing).toEqual([]);
  }, 180_000);

  it('no function carries jose: order tokens are signed with node:crypto, partner messages and tokens verified on WebCrypto (compact-jws.ts, jwt-verify.ts)', async () => {
    const withJose: string[] = [];
    for (const handler of deployedFunctions())
      if ((await bundledModules(handler)).includes('jose')) withJose.push(handler);
    expect(withJose).toEqual([]);
    for (const handler of ['isp-callback', 'test-isp-simulator'])
      expect(await bundledModules(handler), handler).toContain('lambdas/adapters/compact-jws.ts');
    // oauth-introspect verifies order tokens and access tokens, each as jose's jwtVerify did.
    expect(await bundledModules('oauth-introspect')).toContain('lambdas/adapters/jwt-verify.ts');
  }, 180_000);

  /** The floor file (bench/floors/) of a function with these AWS SDK packages; the edge reference without. */
  const FLOOR_OF_CLIENTS: Record<string, string> = {
    '': 'edge',
    '@aws-sdk/client-dynamodb,@aws-sdk/lib-dynamodb': 'dynamodb',
    '@aws-sdk/client-dynamodb,@aws-sdk/client-sfn,@aws-sdk/lib-dynamodb': 'dynamodb-sfn',
    '@aws-sdk/client-dynamodb,@aws-sdk/client-sns,@aws-sdk/lib-dynamodb': 'dynamodb-sns',
    '@aws-sdk/client-dynamodb,@aws-sdk/client-sqs,@aws-sdk/lib-dynamodb': 'dynamodb-sqs',
  };
  /**
   * What a function with clients may load beyond its floor: Powertools Logger's `console` and
   * middy's `timers/promises` (the edge, which the floors leave out). Not `node:dns`, not even the
   * webhook delivery, which resolves receivers' names: Node loads it for the first name any socket
   * connects to (the first AWS call's endpoint too), so the floor has it after its first call as
   * well; loaded at import it was a cost the floor pays later, charged to the function's init.
   */
  const EDGE = ['console', 'timers/promises'];
  const allowedBeyondFloor = (floor: string) => (floor === 'edge' ? [] : EDGE);

  it('no function loads a Node built-in at import that its floor does not, but the edge’s (undici, fs/promises, http2 …)', async () => {
    const loadedBy = async (name: string, entry: string) =>
      (await importedWith<string[]>(name, { report: 'process.moduleLoadList', entry })).map((m) =>
        m.replace(/^(NativeModule|Internal Binding) /, ''),
      );
    const floors = new Map<string, string[]>();
    for (const floor of Object.values(FLOOR_OF_CLIENTS))
      floors.set(floor, await loadedBy(`floor-${floor}`, `bench/floors/${floor}.ts`));
    const beyond: Record<string, string[]> = {};
    for (const handler of deployedFunctions()) {
      const clients = (await bundledModules(handler)).filter((m) => /^@aws-sdk\/(client|lib)-/.test(m));
      const floor = FLOOR_OF_CLIENTS[[...new Set(clients)].sort().join()] as string;
      const base = new Set(floors.get(floor));
      const extra = (await loadedBy(handler, `lambdas/handlers/${handler}.ts`)).filter(
        (m) => !base.has(m) && !allowedBeyondFloor(floor).includes(m),
      );
      if (extra.length) beyond[handler] = extra;
    }
    expect(beyond).toEqual({});
  }, 300_000);

  it('no function imports node:console or node:timers: the edge reads them with process.getBuiltinModule, without their ES module facades (about 0.7 M instructions of each import, §3 ninth round)', async () => {
    const importing: string[] = [];
    for (const handler of deployedFunctions()) {
      const imports = (await bundle(handler))?.imports ?? [];
      for (const i of imports)
        if (/^(node:)?(console|timers)$/.test(i.path) && i.kind === 'import-statement')
          importing.push(`${handler} ${i.path}`);
      // Its lazy modules too (isp-callback's metrics: Powertools Metrics builds a Console).
      for (const { source, metafile } of (await bundleOf(handler)).lazy)
        for (const output of Object.values(metafile.outputs))
          for (const i of output.imports)
            if (/^(node:)?(console|timers)$/.test(i.path) && i.kind === 'import-statement')
              importing.push(`${handler} ${source} ${i.path}`);
    }
    expect(importing).toEqual([]);
    // Not vacuous: Powertools Logger still builds its Console, middy still has its timers.
    const verify = (await bundleOf('verify')).index;
    expect(verify).toContain('process.getBuiltinModule("node:console")');
    expect(verify).toContain('process.getBuiltinModule("node:timers")');
  }, 180_000);

  it('no function imports node:dns statically (~3 ms of CPU; only some webhook routes resolve names)', async () => {
    const importing: string[] = [];
    for (const handler of deployedFunctions()) {
      const imports = (await bundle(handler))?.imports ?? [];
      if (imports.some((i) => /^(node:)?dns(\/promises)?$/.test(i.path) && i.kind === 'import-statement'))
        importing.push(handler);
    }
    expect(importing).toEqual([]);
  }, 180_000);
});

describe('what every function imports', () => {
  /** adapters/env.ts's partner secret rule, which esbuild writes as `new RegExp(…)` (a `\\P{Cc}` class). */
  const PARTNER_SECRET_SOURCE = '^\\P{Cc}*\\S\\P{Cc}*$';

  it('no function builds the partner secret pattern at import (0.2–0.3 ms each; it was built by all of them)', async () => {
    // The source is still the rule's: the bundles that read partner secrets carry it.
    expect((await bundleOf('identification-start')).text).toContain(JSON.stringify(PARTNER_SECRET_SOURCE));
    const building: string[] = [];
    for (const handler of deployedFunctions())
      if ((await regExpsBuiltAtImport(handler, PARTNER_SECRET_SOURCE)) > 0) building.push(handler);
    expect(building).toEqual([]);
  }, 300_000);

  it('no function’s index.mjs holds a RegExp literal with a Unicode property class: V8 builds its class when it parses the bundle', async () => {
    // `\p{…}` in a literal is one backslash in the code; in a string (unicodeRegExp, new RegExp) two.
    const literalClass = /(?<!\\)\\[pP]\{[^}]*\}/g;
    const found: string[] = [];
    for (const handler of deployedFunctions())
      for (const [match] of (await bundleOf(handler)).index.matchAll(literalClass))
        found.push(`${handler} ${match}`);
    expect(found).toEqual([]);
    // The check finds a literal's class in code, and not a string's.
    expect('a=/^[^#\\p{C}]+$/u;'.match(literalClass)).toEqual(['\\p{C}']);
    expect('a=u("^[^#\\\\p{C}]+$");'.match(literalClass)).toBeNull();
  }, 300_000);

  it('no function parses zod at import: it is in lazy modules beside index.mjs (ADR 0023), loaded by the requests that need a schema', async () => {
    const parsing: string[] = [];
    const lazy: string[] = [];
    for (const handler of deployedFunctions()) {
      if ((await indexFiles(handler)).some((f) => f.includes('node_modules/zod/'))) parsing.push(handler);
      if ((await lazySources(handler)).length) lazy.push(handler);
    }
    expect(parsing).toEqual([]);
    // Not vacuous: the functions that validate with zod load it from a lazy module (the test above
    // lists their schema modules).
    expect(lazy).toEqual(
      expect.arrayContaining(['verify', 'identification-start', 'webhooks', 'isp-callback']),
    );
  }, 300_000);

  it('the edge every HTTP function shares is middy, Powertools Logger and these modules of ours: nothing else creeps into every cold start', async () => {
    // bench/floors/edge.ts: an empty handler in the chain (lambdas/http/handler.ts).
    const { main, lazy } = await bundleFunction('bench/floors/edge.ts', '/nonexistent/edge', {
      metafile: true,
      write: false,
    });
    expect(lazy).toEqual([]);
    const modules = filesIn(main.metafile as Metafile).map(
      (path) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path,
    );
    expect([...new Set(modules)].sort()).toEqual([
      '@aws-lambda-powertools/commons',
      '@aws-lambda-powertools/logger',
      '@aws/lambda-invoke-store',
      '@middy/core',
      'bench/floors/edge.ts',
      // Logger's Console and middy's setTimeout, read without their module facades (lib/bundling.ts).
      'builtin-without-facade:node:console',
      'builtin-without-facade:node:timers',
      'lambdas/adapters/aws-errors.ts',
      'lambdas/adapters/env.ts',
      'lambdas/adapters/logger.ts',
      // The service's name, apart so that metrics loaded on demand name it without the logger.
      'lambdas/adapters/service-name.ts',
      'lambdas/core/env-name.ts',
      'lambdas/core/problems.ts',
      'lambdas/core/retention.ts',
      // The stages STAGE may name (adapters/env.ts's rule for it): a few constants.
      'lambdas/core/stage.ts',
      'lambdas/http/handler.ts',
      'lambdas/http/middlewares.ts',
      'lambdas/http/request.ts',
      'lambdas/http/responses.ts',
      'lambdas/http/stack-frames.ts',
    ]);
  }, 60_000);

  it('the floors have no lazy modules: bundled as the functions are, they are what they were', async () => {
    for (const floor of ['empty', 'dynamodb', 'dynamodb-sfn', 'dynamodb-sns', 'dynamodb-sqs']) {
      const { lazy } = await bundleFunction(`bench/floors/${floor}.ts`, `/nonexistent/${floor}`, {
        write: false,
      });
      expect(lazy, floor).toEqual([]);
    }
  }, 120_000);
});

describe('the state machine tasks', () => {
  const tasks = ['task-await-callback', 'task-expire-order', 'task-record-failure', 'task-register-person'];

  it.each(tasks)(
    '%s carries no zod and builds no schema (its input is the state machine’s own)',
    async (task) => {
      const modules = await bundledModules(task);
      expect(modules).not.toContain('zod');
      expect(modules).not.toContain('lambdas/core/evidence.ts');
    },
    60_000,
  );

  it('only the task that completes callbacks carries the Step Functions client', async () => {
    const withSfn: string[] = [];
    for (const task of tasks)
      if ((await bundledModules(task)).includes('@aws-sdk/client-sfn')) withSfn.push(task);
    expect(withSfn).toEqual(['task-await-callback']);
  }, 60_000);

  it('only the tasks that change an order’s status carry Powertools Metrics', async () => {
    const withMetrics: string[] = [];
    for (const task of tasks)
      if ((await bundledModules(task)).includes('@aws-lambda-powertools/metrics')) withMetrics.push(task);
    expect(withMetrics).toEqual(['task-expire-order', 'task-record-failure', 'task-register-person']);
  }, 60_000);
});

describe('work a function does only where it is needed', () => {
  it('only the page functions carry the error pages, reached by import() on a refusal, not at cold start', async () => {
    const pageFunctions = ['demo-portal', 'method-choice-page', 'terms-page', 'test-isp-simulator'];
    const holders = await holdersOf(['lambdas/http/page-errors.ts', 'lambdas/core/page-errors.ts']);

    // An API function's errors stay problem+json: it carries no HTML error page and no texts.
    expect(holders['lambdas/http/page-errors.ts']?.sort()).toEqual(pageFunctions);
    expect(holders['lambdas/core/page-errors.ts']?.sort()).toEqual(pageFunctions);
    for (const handler of pageFunctions) {
      const reached = await staticallyReached(handler);
      // The texts in four languages and the route table (~16 KB) do not run at init.
      for (const lazy of ['lambdas/http/page-errors.ts', 'lambdas/core/page-errors.ts', 'lambdas/routes.ts'])
        expect(reached.has(lazy), `${handler} ${lazy}`).toBe(false);
    }
  }, 120_000);

  it('no lazy module carries its own Problem class: a refusal it made would not be instanceof the wrapper’s (a 500)', async () => {
    const withProblems: string[] = [];
    let lazyModules = 0;
    for (const handler of deployedFunctions())
      for (const { source, metafile } of (await bundleOf(handler)).lazy) {
        lazyModules += 1;
        if (filesIn(metafile).includes('lambdas/core/problems.ts')) withProblems.push(`${handler} ${source}`);
      }

    expect(lazyModules).toBeGreaterThan(0);
    expect(withProblems).toEqual([]);
  }, 180_000);

  it('isp-jwks, which validates nothing, carries no zod', async () => {
    expect(await bundledModules('isp-jwks')).not.toContain('zod');
  });

  it('the functions that sign order tokens build no claim schema (only introspection checks tokens)', async () => {
    for (const handler of ['identification-start', 'method-choice-page'])
      expect(await bundledModules(handler), handler).not.toContain('lambdas/core/introspection-schemas.ts');
    expect(await bundledModules('oauth-introspect')).toContain('lambdas/core/introspection-schemas.ts');
  }, 60_000);

  it('no function carries the configuration’s schemas: the http adapter reads its settings without zod (core/isp-http.ts), a partner’s keys are checked when registered (core/partner-keys.ts), not per message', async () => {
    expect(
      await holdersOf([
        'lambdas/core/isp-http-settings.ts',
        'lambdas/core/partner-keys.ts',
        'lambdas/core/service-config.ts',
      ]),
    ).toEqual({
      'lambdas/core/isp-http-settings.ts': [],
      'lambdas/core/partner-keys.ts': [],
      'lambdas/core/service-config.ts': [],
    });
    expect(await bundledModules('method-choice-page')).not.toContain('zod');
    for (const handler of ['method-choice-page', 'identification-start'])
      expect(await bundledModules(handler), handler).toContain('lambdas/adapters/isp/http-adapter.ts');
  }, 180_000);

  it('api-docs carries no OpenAPI builder, no schema and no zod: it serves a document generated before it runs', async () => {
    const modules = await bundledModules('api-docs');
    expect(modules).toContain('lambdas/http/openapi-documents.ts');
    for (const builder of ['lambdas/http/openapi.ts', 'lambdas/http/openapi-json-schema.ts', 'zod'])
      expect(modules).not.toContain(builder);
    expect(modules.filter((m) => /^lambdas\/(core\/.*-schemas|http\/operations\/)/.test(m))).toEqual([]);
  });
});

describe('table item modules', () => {
  /** The functions composed from only the item modules they use (adapters/aws-clients.ts). */
  const itemModulesOf: Record<string, string[]> = {
    verify: ['config-items', 'registration-items', 'usage-items'],
    'providers-list': ['config-items'],
    'usage-get': ['config-items', 'usage-items'],
    'identification-get': ['order-items'],
    'identification-resend-sms': ['order-items'],
    'task-send-terms-sms': ['order-items'],
    'oauth-introspect': ['config-items', 'order-items'],
    'task-await-callback': ['order-items', 'usage-items'],
    'task-expire-order': ['order-items', 'usage-items'],
    'task-record-failure': ['order-items', 'usage-items'],
    'task-register-person': ['order-items', 'registration-items', 'usage-items'],
    webhooks: ['webhook-items'],
    'webhook-deliver': ['webhook-items'],
    'webhook-fanout': ['webhook-items'],
    'terms-acceptance-relay': ['order-items'],
    'identification-start': ['config-items', 'order-items', 'request-guards', 'usage-items'],
    'isp-callback': ['config-items', 'order-items', 'request-guards', 'usage-items'],
    'method-choice-page': ['config-items', 'order-items', 'usage-items'],
    'terms-page': ['config-items', 'order-items'],
    'identification-data': ['aml-access-items', 'config-items', 'order-items'],
    'test-isp-simulator': ['order-items'],
  };

  it.each(Object.entries(itemModulesOf))(
    '%s holds those it reads and writes, no other',
    async (handler, expected) => {
      const itemModules = (await bundledModules(handler))
        .map((m) => /^lambdas\/adapters\/dynamo\/(.*-items|request-guards)\.ts$/.exec(m)?.[1])
        .filter((m) => m !== undefined)
        .sort();
      expect(itemModules).toEqual(expected);
    },
    60_000,
  );
});

describe('partner messages', () => {
  /**
   * Reading a partner's message (its JWS, the event and evidence schemas): the callback and the
   * simulator that signs them.
   */
  const owners: Record<string, string[]> = {
    'lambdas/core/evidence.ts': ['isp-callback'],
    'lambdas/adapters/isp-message.ts': ['isp-callback', 'test-isp-simulator'],
  };

  it('only the functions that read or sign them carry their parsers (the start call, the method choice and the data route do not)', async () => {
    expect(await holdersOf(Object.keys(owners))).toEqual(owners);
  }, 180_000);

  it('isp-callback carries no partner adapter (it reads messages, opens no order)', async () => {
    const modules = await bundledModules('isp-callback');
    const adapterCode = ['registry.ts', 'http-adapter.ts', 'test-isp-adapter.ts'].map(
      (f) => `lambdas/adapters/isp/${f}`,
    );
    expect([...adapterCode, 'lambdas/core/isp-http.ts'].filter((f) => modules.includes(f))).toEqual([]);
  }, 60_000);

  // The evidence's names are person names, so isp-callback carries the pattern too; its Unicode
  // classes (~0.4 ms to parse) are built only for a name the Latin check cannot decide, never at
  // import (the next test).
  it('the functions that validate person names carry the person name pattern, the others not', async () => {
    const pattern = JSON.stringify(PERSON_NAME.source).slice(1, -1);
    const carries = async (handler: string) => (await bundleOf(handler)).text.includes(pattern);
    expect(await carries('identification-start'), 'identification-start (validates names)').toBe(true);
    expect(await carries('isp-callback'), 'isp-callback (validates the evidence’s names)').toBe(true);
    expect(await carries('verify'), 'verify').toBe(false);
  }, 60_000);

  it('no function builds a Unicode pattern of the readers at import (person names, free text, issuer names: unicode-pattern.ts)', async () => {
    const sources = [PERSON_NAME, SAFE_TEXT, issuerNamePattern()].map((p) => p.source);
    const building: string[] = [];
    for (const handler of deployedFunctions()) {
      const built = await importedWith<string[]>(handler, {
        prelude: `const built = []; const sources = ${JSON.stringify(sources)};
globalThis.RegExp = new Proxy(RegExp, { construct(target, args) { if (sources.includes(String(args[0]))) built.push(String(args[0])); return Reflect.construct(target, args); } });`,
        report: 'built',
      });
      building.push(...built.map((source) => `${handler} ${source}`));
    }
    expect(building).toEqual([]);
  }, 180_000);

  it('isp-callback evaluates no zod at import: a partner’s message is read by the zod-free readers, the schemas loaded only for one they leave (ADR 0020)', async () => {
    expect(await zodAtImport('isp-callback')).toEqual({ evaluated: false, built: [] });
    const reached = await staticallyReached('isp-callback');
    expect(
      [...reached].filter((f) => /\/(evidence|isp-message-schemas|fields|person-fields)\.ts$/.test(f)),
    ).toEqual([]);
  }, 60_000);

  it('isp-callback’s first partner message (the bench’s, FIRST_CALLS) evaluates no zod, nor good evidence; a refused one loads the schema to answer 400 with its field error', async () => {
    const stub = await stubAwsEndpoint();
    try {
      // The event is applied to the order the stub answers: initialized → waiting-for-doc.
      const event = await firstCall('isp-callback', FIRST_CALLS['isp-callback'], stub.url);
      expect(event).toMatchObject({ evaluated: false, statusCode: 200 });
      expect(JSON.parse(event.body)).toMatchObject({ outcome: 'applied', status: 'waiting-for-doc' });

      // Good evidence is read without zod too, and imported for the order.
      const evidence = await firstCall(
        'isp-callback',
        benchPartnerMessage('evidence', {
          evidence: evidenceFor({ mobile: '+41791234567', method: 'video', jurisdictions: ['ZERTES'] }),
        }),
        stub.url,
      );
      expect(evidence).toMatchObject({ evaluated: false, statusCode: 200 });
      expect(JSON.parse(evidence.body)).toMatchObject({ outcome: 'applied', evidenceId: expect.any(String) });

      await expectSchemaRefusal(
        'isp-callback',
        benchPartnerMessage('event', { event: 'cancelled' }),
        stub.url,
        [{ field: 'kind', message: 'kind is required for cancelled and allowed only there.' }],
      );
    } finally {
      stub.server.close();
    }
  }, 60_000);
});

describe('isp-callback’s metrics, loaded by its first count', () => {
  /** The business metrics' names in a process's log lines (EMF: one metric per line). */
  const metricNames = (lines: string[]) =>
    lines
      .filter((l) => l.startsWith('{') && l.includes('"_aws"'))
      .map((l) => JSON.parse(l)._aws.CloudWatchMetrics[0].Metrics[0].Name as string);

  /**
   * isp-callback's first call in a fresh process: its answer, the EMF lines it wrote with their
   * dimensions, and the lazy modules it loaded (Node's module hooks see each file loaded).
   */
  async function firstMessage(event: unknown, endpoint: string) {
    const run = await freshImport<{ statusCode: number; lazy: string[] }>('isp-callback', {
      prelude: `import { registerHooks } from 'node:module';
const loaded = [];
registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });`,
      after: `const answer = await bundle.handler(JSON.parse(process.env.FIRST_EVENT), { functionName: 'isp-callback', awsRequestId: 'first-call', getRemainingTimeInMillis: () => 30000 });`,
      report: `{ statusCode: answer.statusCode, lazy: loaded.filter((u) => u.includes('/lazy/')).map((u) => u.slice(u.indexOf('/lazy/') + 1)) }`,
      env: { AWS_ENDPOINT_URL: endpoint, FIRST_EVENT: JSON.stringify(event) },
    });
    const emf = run.logLines
      .filter((l) => l.startsWith('{') && l.includes('"_aws"'))
      .map((l) => JSON.parse(l));
    return { ...run.report, metrics: metricNames(run.logLines), emf };
  }

  it('its cold start parses no Powertools Metrics: a lazy module beside index.mjs holds them (ADR 0023)', async () => {
    const index = await indexFiles('isp-callback');
    expect(index.filter((f) => /powertools\/metrics|adapters\/metrics\.ts/.test(f))).toEqual([]);
    expect(await lazySources('isp-callback')).toContain('lambdas/adapters/metrics.ts');
    // The lazy module builds the function's only Metrics instance and no second Logger.
    const lazy = (await bundleOf('isp-callback')).lazy.find(
      (l) => l.source === 'lambdas/adapters/metrics.ts',
    );
    const inLazy = filesIn(lazy?.metafile as Metafile);
    expect(inLazy.some((f) => f.includes('@aws-lambda-powertools/metrics'))).toBe(true);
    expect(
      inLazy.filter((f) => /powertools\/logger|adapters\/logger\.ts|core\/problems\.ts/.test(f)),
    ).toEqual([]);
  }, 60_000);

  it('the usual status event loads nothing and counts nothing; a refused message and a cancellation load the metrics and write their lines', async () => {
    const stub = await stubAwsEndpoint();
    try {
      const usual = await firstMessage(FIRST_CALLS['isp-callback'], stub.url);
      expect(usual).toMatchObject({ statusCode: 200, lazy: [], metrics: [] });

      // Refused (a cancellation without its kind): counted with the problem's slug.
      const refused = await firstMessage(benchPartnerMessage('event', { event: 'cancelled' }), stub.url);
      expect(refused).toMatchObject({ statusCode: 400, metrics: ['PartnerMessagesRefused'] });
      expect(refused.lazy).toContain('lazy/adapters/metrics.mjs');
      expect(refused.emf[0]).toMatchObject({
        kind: 'event',
        reason: 'validation',
        PartnerMessagesRefused: 1,
      });

      // The partner cancels the order the stub answers: counted per partner and kind.
      const cancelled = await firstMessage(
        benchPartnerMessage('event', { event: 'cancelled', kind: 'unsuccessful' }),
        stub.url,
      );
      expect(cancelled).toMatchObject({ statusCode: 200, metrics: ['IdentificationsCancelled'] });
      expect(cancelled.lazy).toEqual(['lazy/adapters/metrics.mjs']);
      expect(cancelled.emf[0]).toMatchObject({
        issuer: 'Bench-ISP',
        kind: 'unsuccessful',
        IdentificationsCancelled: 1,
      });
    } finally {
      stub.server.close();
    }
  }, 60_000);
});

describe('the method choice page’s first call', () => {
  it('the page the person opens (the bench’s GET, FIRST_CALLS) offers the SP’s methods of the stub’s catalogue, loading nothing', async () => {
    const stub = await stubAwsEndpoint();
    try {
      const page = await firstCall('method-choice-page', FIRST_CALLS['method-choice-page'], stub.url);
      expect(page).toMatchObject({ evaluated: false, statusCode: 200 });
      expect(page.body).toContain('value="video@Bench-ISP"');
      expect(page.body).toContain('value="eid@Bench-ISP"');
    } finally {
      stub.server.close();
    }
  }, 60_000);
});

describe('the person pages', () => {
  it('the terms page carries no Powertools Metrics (accepting changes no status; the registration task counts)', async () => {
    const modules = await bundledModules('terms-page');
    expect(modules).not.toContain('@aws-lambda-powertools/metrics');
    expect(modules).toContain('@aws-lambda-powertools/logger');
  }, 60_000);
});
