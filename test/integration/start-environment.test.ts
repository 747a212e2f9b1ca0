/**
 * `npm start` with an environment or a configuration the stack cannot run with: what is wrong, in
 * its own words, exit 2, no stack trace (the stack's modules read LOG_LEVEL as they load).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/admin.js';
import { spawnEntryPoint } from '../support/npm-start.js';
import { waitFor } from '../support/stack.js';

/** npm start's entry point with `env` to its exit: its exit code and the lines it wrote on stderr. */
async function refusedStart(env: Record<string, string>) {
  const { child, stderr } = spawnEntryPoint(ROOT, env);
  try {
    await waitFor(
      async () => child.exitCode,
      (code) => code !== null,
      { timeoutMs: 60_000 },
    );
    return { exitCode: child.exitCode, lines: stderr().trim().split('\n') };
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
}

describe('npm start refusing to run', () => {
  it('says in one line what LOG_LEVEL must be and exits 2', async () => {
    expect(await refusedStart({ LOG_LEVEL: 'verbose' })).toEqual({
      exitCode: 2,
      lines: ['Environment variable LOG_LEVEL must be a log level (DEBUG, INFO, WARN, ERROR, SILENT)'],
    });
  }, 90_000);

  it('names the file, the key and what is wrong with a partner key given with its private part, and exits 2', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'srs-config-'));
    try {
      const config = JSON.parse(readFileSync(join(ROOT, 'config/local.json'), 'utf8'));
      config.isps[0].keys = [
        {
          kty: 'EC',
          crv: 'P-256',
          kid: 'leaked-1',
          x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
          y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
          d: 'jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI',
        },
      ];
      const path = join(folder, 'config.json');
      writeFileSync(path, JSON.stringify(config));

      expect(await refusedStart({ SRS_CONFIG: path })).toEqual({
        exitCode: 2,
        lines: [
          `Invalid configuration in ${path}:`,
          '  isps.0.keys.0.d: Key leaked-1: A private or secret key member (d) must never be registered: give the public key only.',
        ],
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 90_000);
});
