/**
 * `npm start` serves the committed OpenAPI documents: when one is stale (a schema or a route changed
 * without `npm run openapi`), its entry point says so in one line naming the file and the command,
 * and runs on. Run from a copy of the project whose docs/openapi.json has another title. When the
 * documents cannot be generated at all (here: a copy without the generator, scripts/), it says that
 * in one line with the reason, and runs on with the committed ones.
 */
import type { ChildProcess } from 'node:child_process';
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
function projectCopy(prefix: string, parts: readonly string[] = PROJECT_PARTS): string {
  const copy = mkdtempSync(join(tmpdir(), prefix));
  for (const part of parts) cpSync(join(ROOT, part), join(copy, part), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  return copy;
}

/** The base URL the banner names. */
const baseUrlOf = (stdout: string) => /API docs\s+(http:\/\/127\.0\.0\.1:\d+)\/docs/.exec(stdout)?.[1];

describe('npm start with a stale docs/openapi.json', () => {
  let copy: string;
  let child: ChildProcess;
  let stdout = () => '';
  let stderr = () => '';

  beforeAll(async () => {
    copy = projectCopy('srs-stale-openapi-');
    const document = join(copy, 'docs/openapi.json');
    const committed = readFileSync(document, 'utf8');
    if (!committed.includes(TITLE)) throw new Error(`docs/openapi.json has no ${TITLE} to change`);
    writeFileSync(document, committed.replace(TITLE, STALE_TITLE));
    ({ child, stdout, stderr } = spawnEntryPoint(copy, { TMPDIR: copy, LOG_LEVEL: 'ERROR' }));
    await waitFor(
      async () => stderr(),
      (e) => e.includes('npm run openapi') || child.exitCode !== null,
      { timeoutMs: 60_000 },
    );
  }, 90_000);

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGTERM');
    rmSync(copy, { recursive: true, force: true });
  });

  it('prints one warning line naming the stale file and the command that brings it up to date', () => {
    expect(stderr().trim().split('\n')).toEqual([
      'Warning: docs/openapi.json is not what the schemas and the route table generate: /openapi.json and /docs serve the old contract until you run `npm run openapi`.',
    ]);
  });

  it('runs on and serves the committed document', async () => {
    expect(child.exitCode).toBeNull();
    const served = await fetch(`${baseUrlOf(stdout())}/openapi.json`);

    expect(served.status).toBe(200);
    expect(await served.json()).toMatchObject({
      info: { title: 'Smart Registration Service, as committed' },
    });
  });
});

describe('npm start where the OpenAPI documents cannot be generated (no scripts/ folder)', () => {
  let copy: string;
  let child: ChildProcess;
  let stdout = () => '';
  let stderr = () => '';

  beforeAll(async () => {
    copy = projectCopy(
      'srs-no-generator-',
      PROJECT_PARTS.filter((part) => part !== 'scripts'),
    );
    // Marked, so the test can tell the committed document from one made anew.
    const document = join(copy, 'docs/openapi.json');
    writeFileSync(document, readFileSync(document, 'utf8').replace(TITLE, STALE_TITLE));
    ({ child, stdout, stderr } = spawnEntryPoint(copy, { TMPDIR: copy, LOG_LEVEL: 'ERROR' }));
    await waitFor(
      async () => stderr(),
      (e) => e.includes('could not be generated') || child.exitCode !== null,
      { timeoutMs: 60_000 },
    );
  }, 90_000);

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGTERM');
    rmSync(copy, { recursive: true, force: true });
  });

  it('prints one warning line with the reason, after the banner, and says the committed documents are served', () => {
    expect(stdout()).toContain('local stack ready');
    const lines = stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Warning: the OpenAPI documents could not be generated to compare with docs\/ \(Cannot find module '[^']*scripts\/openapi-document\.js'.*\): \/openapi\.json and \/docs serve the committed ones\.$/,
    );
  });

  it('runs on and serves the committed document', async () => {
    expect(child.exitCode).toBeNull();
    const served = await fetch(`${baseUrlOf(stdout())}/openapi.json`);

    expect(served.status).toBe(200);
    expect(await served.json()).toMatchObject({
      info: { title: 'Smart Registration Service, as committed' },
    });
  });
});
