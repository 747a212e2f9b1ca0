/**
 * The deployment's guard against a stale OpenAPI document: api-docs' bundling hook runs
 * `scripts/openapi-document.ts --check` before it copies the committed documents into the asset,
 * and the check fails, naming the file, when a document is not what the schemas generate.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { afterBundlingCommands, bundleFunctionCommand } from '../../lib/bundling.js';
import { committedOpenApi, OPENAPI_SNAPSHOTS, staleOpenApiWarning } from '../../scripts/openapi-document.js';

const run = promisify(execFile);
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the committed documents in a folder of its own. */
function copyOfTheDocuments(): string {
  const dir = mkdtempSync(join(tmpdir(), 'srs-openapi-'));
  dirs.push(dir);
  for (const { file } of OPENAPI_SNAPSHOTS) copyFileSync(file, join(dir, basename(file)));
  return dir;
}

const check = (dir: string) =>
  run('npx', ['--no-install', 'tsx', 'scripts/openapi-document.ts', '--check', dir], { encoding: 'utf8' });

describe('the OpenAPI check of the bundling', () => {
  it('runs before api-docs’ files are copied, from the project root, and for no other function', () => {
    const commands = afterBundlingCommands('api-docs', '/project', '/asset');

    expect(commands[0]).toBe("(cd '/project' && npx --no-install tsx scripts/openapi-document.ts --check)");
    // Then the function's bundle (ADR 0023), then the copies.
    expect(commands[1]).toBe(bundleFunctionCommand('lambdas/handlers/api-docs.ts', '/project', '/asset'));
    expect(commands.slice(2).every((c) => c.startsWith('mkdir -p ') || c.startsWith('cp '))).toBe(true);
    expect(afterBundlingCommands('verify', '/project', '/asset')).toEqual([
      bundleFunctionCommand('lambdas/handlers/verify.ts', '/project', '/asset'),
    ]);
  });

  it('passes the committed documents as they are', async () => {
    await expect(check(copyOfTheDocuments())).resolves.toMatchObject({ stderr: '' });
  }, 60_000);

  it('fails on a document changed by one character, naming it', async () => {
    const dir = copyOfTheDocuments();
    const { file } = OPENAPI_SNAPSHOTS[0] as (typeof OPENAPI_SNAPSHOTS)[number];
    writeFileSync(join(dir, basename(file)), committedOpenApi(file).replace('"openapi"', '"openAPI"'));

    await expect(check(dir)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`${file}: not what the schemas and the route table generate`),
    });
  }, 60_000);
});

describe('the warning npm start prints for a stale document (local/main.ts)', () => {
  it('is none for the committed documents', () => {
    expect(staleOpenApiWarning(copyOfTheDocuments())).toBeUndefined();
  });

  it('names each stale document in one line, with the command that brings them up to date', () => {
    const dir = copyOfTheDocuments();
    for (const { file } of OPENAPI_SNAPSHOTS)
      writeFileSync(join(dir, basename(file)), committedOpenApi(file).replace('"openapi"', '"openAPI"'));

    expect(staleOpenApiWarning(dir)).toBe(
      'Warning: docs/openapi.json and docs/openapi.prod.json are not what the schemas and the route table generate: /openapi.json and /docs serve the old contract until you run `npm run openapi`.',
    );
  });
});
