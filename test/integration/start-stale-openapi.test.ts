/**
 * `npm start` serves the committed OpenAPI documents: when one is stale (a schema or a route changed
 * without `npm run openapi`), its entry point says so in one line naming the file and the command,
 * and runs on. Run from a copy of the project whose docs/openapi.json has another title. When the
 * documents cannot be generated at all (here: a copy without the generator, scripts/), it says that
 * in one line with the reason, and runs on with the committed ones.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/admin.js';
import { spawnEntryPoint } from '../support/npm-start.js';
import { waitFor } from '../support/stack.js';

/** What `npm start` reads: the code, the configuration, the state machine, the documents. */
const PROJECT_PARTS = [
  'lambdas',
  'local',
  'lib',
  'scripts',
  'config',
  'statemachines',
  'docs',
  'package.json',
  'tsconfig.json',
];

const TITLE = '"title": "Smart Registration Service"';
const STALE_TITLE = '"title": "Smart Registration Service, as committed"';

/** A copy of what `npm start` reads, in a fresh temporary folder, with the project's node_modules. */
function projectCopy(prefix: string, parts: readonly string[]): string {
  const copy = mkdtempSync(join(tmpdir(), prefix));
  for (const part of parts) cpSync(join(ROOT, part), join(copy, part), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  return copy;
}

/** The base URL the banner names. */
const baseUrlOf = (stdout: string) => /API docs\s+(http:\/\/127\.0\.0\.1:\d+)\/docs/.exec(stdout)?.[1];

/**
 * `npm start` from a copy of `parts` whose docs/openapi.json is marked (its title: STALE_TITLE, so a
 * test can tell the committed document from one made anew), until stderr says `until`.
 */
function startedFromCopy(prefix: string, parts: readonly string[], until: string) {
  let copy: string;
  let started: ReturnType<typeof spawnEntryPoint> | undefined;
  beforeAll(async () => {
    copy = projectCopy(prefix, parts);
    const document = join(copy, 'docs/openapi.json');
    const committed = readFileSync(document, 'utf8');
    if (!committed.includes(TITLE)) throw new Error(`docs/openapi.json has no ${TITLE} to change`);
    writeFileSync(document, committed.replace(TITLE, STALE_TITLE));
    const entryPoint = spawnEntryPoint(copy, { TMPDIR: copy, LOG_LEVEL: 'ERROR' });
    started = entryPoint;
    await waitFor(
      async () => entryPoint.stderr(),
      (e) => e.includes(until) || entryPoint.child.exitCode !== null,
      { timeoutMs: 60_000 },
    );
  }, 90_000);
  afterAll(() => {
    if (started?.child.exitCode === null) started.child.kill('SIGTERM');
    rmSync(copy, { recursive: true, force: true });
  });
  return {
    stdout: () => started?.stdout() ?? '',
    stderr: () => started?.stderr() ?? '',
    exitCode: () => started?.child.exitCode,
  };
}

/** It runs on and serves the committed (marked) document. */
async function expectServesCommittedDocument(started: ReturnType<typeof startedFromCopy>) {
  expect(started.exitCode()).toBeNull();
  const served = await fetch(`${baseUrlOf(started.stdout())}/openapi.json`);

  expect(served.status).toBe(200);
  expect(await served.json()).toMatchObject({
    info: { title: 'Smart Registration Service, as committed' },
  });
}

describe('npm start with a stale docs/openapi.json', () => {
  const started = startedFromCopy('srs-stale-openapi-', PROJECT_PARTS, 'npm run openapi');

  it('prints one warning line naming the stale file and the command that brings it up to date', () => {
    expect(started.stderr().trim().split('\n')).toEqual([
      'Warning: docs/openapi.json is not what the schemas and the route table generate: /openapi.json and /docs serve the old contract until you run `npm run openapi`.',
    ]);
  });

  it('runs on and serves the committed document', () => expectServesCommittedDocument(started));
});

describe('npm start where the OpenAPI documents cannot be generated (no scripts/ folder)', () => {
  const started = startedFromCopy(
    'srs-no-generator-',
    PROJECT_PARTS.filter((part) => part !== 'scripts'),
    'could not be generated',
  );

  it('prints one warning line with the reason, after the banner, and says the committed documents are served', () => {
    expect(started.stdout()).toContain('local stack ready');
    const lines = started.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Warning: the OpenAPI documents could not be generated to compare with docs\/ \(Cannot find module '[^']*scripts\/openapi-document\.js'.*\): \/openapi\.json and \/docs serve the committed ones\.$/,
    );
  });

  it('runs on and serves the committed document', () => expectServesCommittedDocument(started));
});
