/**
 * `npm start` with an environment the stack cannot run with: one line naming the variable and what
 * it must be, exit 2, no stack trace (the stack's modules read LOG_LEVEL as they load).
 */
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/admin.js';
import { spawnEntryPoint } from '../support/npm-start.js';
import { waitFor } from '../support/stack.js';

describe('npm start with LOG_LEVEL=verbose', () => {
  it('says in one line what LOG_LEVEL must be and exits 2', async () => {
    const { child, stderr } = spawnEntryPoint(ROOT, { LOG_LEVEL: 'verbose' });
    try {
      await waitFor(
        async () => child.exitCode,
        (code) => code !== null,
        { timeoutMs: 60_000 },
      );
      expect(child.exitCode).toBe(2);
      expect(stderr().trim().split('\n')).toEqual([
        'Environment variable LOG_LEVEL must be a log level (DEBUG, INFO, WARN, ERROR, SILENT)',
      ]);
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
    }
  }, 90_000);
});
