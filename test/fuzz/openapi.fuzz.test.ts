/**
 * The OpenAPI fuzzer against the embedded stack: schemathesis generates requests from
 * `/openapi.json` — the examples, the coverage of every documented boundary, random valid and
 * invalid data, and stateful sequences along the document's links — and runs every check on each
 * answer. One run (fuzz/schemathesis.toml: fixed seed, deterministic, a fixed number of examples per
 * operation) feeds the tests below, one per kind of finding, each naming the failed requests.
 */
import { rmSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FuzzClient, type FuzzRun, runSchemathesis } from '../../scripts/fuzz/schemathesis.js';
import { staleOpenApiWarning } from '../../scripts/openapi-document.js';
import { useStack } from '../support/stack.js';

const REPORT_DIR = '.reports/fuzz-schemathesis';

let run: FuzzRun;

// Rate limits off: every generated request reaches its function (a 429 would only hide it).
const stack = useStack({ rateLimits: false });
beforeAll(async () => {
  rmSync(REPORT_DIR, { recursive: true, force: true });
  // The stack serves the committed document: a stale one would be fuzzed as the contract, and pass.
  const stale = staleOpenApiWarning();
  if (stale) throw new Error(`Not fuzzed. ${stale}`);
  const [sp, otherSp] = stack().config.serviceProviders.map(
    (c): FuzzClient => ({ clientId: c.clientId, clientSecret: c.clientSecret as string }),
  );
  run = await runSchemathesis({
    baseUrl: stack().baseUrl,
    clients: [sp as FuzzClient, otherSp as FuzzClient],
    // Kept for reading after the run (CI's .reports): the JSON and JUnit reports, the console output.
    reportDir: REPORT_DIR,
  });
  const r = run.report;
  console.log(
    `schemathesis ${r.schemathesis_version} (deterministic): ${r.operations.tested}/${r.operations.total} operations, ${r.test_cases.generated} test cases, ${r.test_cases.with_failures} with failures, ${Math.round(r.running_time)} s`,
  );
});

/** The failures of these kinds, each with the requests that showed it (from the JUnit report). */
function findings(types: string[] | ((type: string) => boolean)): string[] {
  const wanted = typeof types === 'function' ? types : (t: string) => types.includes(t);
  return run.report.failures
    .filter((f) => wanted(f.type))
    .flatMap((f) =>
      f.operations.map((operation) => {
        // Stateful and method findings may be filed under another operation's test case.
        const own = (run.details.get(operation) ?? []).filter((t) => t.includes(`- ${f.code} `));
        const path = operation.slice(operation.indexOf(' ') + 1).replace(/\{[^}]+\}/g, '');
        const texts = own.length
          ? own
          : [...run.details.values()].flat().filter((t) => t.includes(`- ${f.code} `) && t.includes(path));
        return `${f.code} ${f.title} — ${operation}\n${texts.join('\n') || '(no details in the JUnit report)'}`;
      }),
    );
}

const SERVER_ERRORS = ['ServerError', 'ContentTypeServerError'];
const SCHEMA_VIOLATIONS = ['JsonSchemaError', 'MalformedJson', 'ContentDeserializationError'];
const UNDOCUMENTED_STATUS = ['UndefinedStatusCode'];

describe('schemathesis against /openapi.json, every check, the stateful phase included', () => {
  it('tests every operation of the document, in every phase, without errors of its own', () => {
    expect(run.report.complete, run.output.slice(-4000)).toBe(true);
    expect(run.report.operations.tested).toBe(run.report.operations.total);
    expect(run.report.operations.total).toBeGreaterThan(20);
    expect(run.report.errors, 'schemathesis could not build or send some requests').toEqual([]);
    for (const phase of ['examples', 'coverage', 'fuzzing', 'stateful']) {
      expect(run.report.phases[phase]?.skip_reason ?? null, `phase ${phase}`).toBeNull();
    }
  });

  it('finds no server error (5xx) on any route', () => {
    expect(findings(SERVER_ERRORS)).toEqual([]);
  });

  it('finds no answer that violates its documented schema', () => {
    expect(findings(SCHEMA_VIOLATIONS)).toEqual([]);
  });

  it('finds no undocumented status code', () => {
    expect(findings(UNDOCUMENTED_STATUS)).toEqual([]);
  });

  it('finds nothing else either: content types, headers, accepted invalid input, refused valid input, methods, authentication, another SP’s objects', () => {
    const known = [...SERVER_ERRORS, ...SCHEMA_VIOLATIONS, ...UNDOCUMENTED_STATUS];
    expect(findings((type) => !known.includes(type))).toEqual([]);
  });
});
