import { defineConfig } from 'vitest/config';

/**
 * The OpenAPI fuzzer (`npm run test:fuzz`): schemathesis against the embedded stack. Needs Python
 * 3.10+ with venv; the pinned schemathesis comes from fuzz/requirements.txt into .fuzz/venv.
 */
export default defineConfig({
  test: {
    include: ['test/fuzz/**/*.fuzz.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    // One schemathesis run for the whole file, in beforeAll (bounded by fuzz/schemathesis.toml).
    hookTimeout: 900_000,
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.reports/fuzz.json' }]] : ['default'],
  },
});
