import { defineConfig } from 'vitest/config';

/** Browser tests (`npm run test:browser`): they need Debian's chromium, which `.ci/run` installs. */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.browser.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.reports/browser.json' }]] : ['default'],
  },
});
