import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Browser tests need chromium: `npm run test:browser`; the MiniStack deployment: `npm run test:deploy`;
    // the OpenAPI fuzzer (Python's schemathesis): `npm run test:fuzz`; bench:instructions under
    // valgrind: `npm run test:instructions`.
    exclude: [
      ...configDefaults.exclude,
      'test/browser/**',
      'test/deploy/**',
      'test/fuzz/**',
      'test/instructions/**',
    ],
    // Each file in its own process: a local stack sets process-wide environment for its handlers.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.reports/unit.json' }]] : ['default'],
  },
});
