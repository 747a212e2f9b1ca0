import { defineConfig } from 'vitest/config';

/**
 * The deployed stage on MiniStack (`npm run test:deploy`): needs Python 3.10+ with venv, which
 * `.ci/run` installs; MiniStack itself comes from deploy/ministack-requirements.txt.
 */
export default defineConfig({
  test: {
    include: ['test/deploy/**/*.deploy.test.ts'],
    pool: 'forks',
    // One deployment for the whole file; the tests run in order against it.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 600_000,
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.reports/deploy.json' }]] : ['default'],
  },
});
