import { defineConfig } from 'vitest/config';

/**
 * The fault-run smoke test (`npm run test:faults`): 20 identifications under 20 % injected faults
 * and a SIGKILL of the stack. Out of `npm test` until the duplicated order it sometimes finds after
 * the SIGKILL is fixed (issue 11): a known defect must not block every other landing.
 */
export default defineConfig({
  test: {
    include: ['test/bench/fault-run.test.ts'],
    pool: 'forks',
    testTimeout: 300_000,
    hookTimeout: 60_000,
  },
});
