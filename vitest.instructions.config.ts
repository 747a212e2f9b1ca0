import { defineConfig } from 'vitest/config';

/**
 * `npm run bench:instructions` under valgrind's callgrind (`npm run test:instructions`): needs
 * Debian's valgrind, which `.ci/run` installs; a few minutes, one bundle after another.
 */
export default defineConfig({
  test: {
    include: ['test/instructions/**/*.cachegrind.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 900_000,
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: '.reports/instructions.json' }]]
      : ['default'],
  },
});
