/**
 * The local gateway's integration timeout (local/api-gateway.ts `withinIntegrationTimeout`): an
 * invocation that outlasts API Gateway's 29 s is answered INTEGRATION_TIMEOUT (504), and one that
 * answers or fails in time passes its answer or its error on and leaves no timer behind, so a
 * busy gateway holds no 29-second timers for calls long answered.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { INTEGRATION_TIMEOUT_MS, withinIntegrationTimeout } from '../../local/api-gateway.js';

describe('the local gateway’s integration timeout', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers INTEGRATION_TIMEOUT when the function has not answered after 29 s, not before', async () => {
    const outcome = withinIntegrationTimeout(new Promise<never>(() => undefined)).then(
      () => 'answered',
      (err: unknown) => err,
    );
    await vi.advanceTimersByTimeAsync(INTEGRATION_TIMEOUT_MS - 1);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toMatchObject({ responseType: 'INTEGRATION_TIMEOUT' });
  });

  it('passes an answer given in time on and clears its timer', async () => {
    const answer = { statusCode: 200 };
    const outcome = withinIntegrationTimeout(Promise.resolve(answer));
    expect(await outcome).toBe(answer);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('passes a failure in time on as it is and clears its timer', async () => {
    const failure = new TypeError('handler failed');
    await expect(withinIntegrationTimeout(Promise.reject(failure))).rejects.toBe(failure);
    expect(vi.getTimerCount()).toBe(0);
  });
});
