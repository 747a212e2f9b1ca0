/**
 * The cold-start benchmark imports each function's bundle in a fresh process with the environment
 * a deployed function has. A function whose variables the benchmark does not set fails its cold
 * start (lambdas/adapters/env.ts), so its figures would be missing from `npm run bench`.
 */
import { describe, expect, it } from 'vitest';
import { measureColdStarts } from '../../bench/cold-start.js';

describe('cold-start benchmark environment', () => {
  it('imports the webhook functions, which need the delivery queue variables', async () => {
    const figures = await measureColdStarts({
      functions: ['webhook-fanout', 'webhook-deliver'],
      samples: 1,
      deadline: Date.now() + 300_000,
    });
    expect(figures.functions.map((f) => [f.name, f.error])).toEqual([
      ['webhook-fanout', undefined],
      ['webhook-deliver', undefined],
    ]);
    for (const f of figures.functions) expect(f.importMs).toBeGreaterThan(0);
  }, 300_000);
});
