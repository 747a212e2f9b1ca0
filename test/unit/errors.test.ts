/** `succeeded`: a conditional write as a yes/no, any error but a failed condition passed on. */
import { describe, expect, it } from 'vitest';
import { ConditionFailed, succeeded } from '../../lambdas/core/errors.js';

describe('succeeded', () => {
  it('is true for a write that went through', async () => {
    expect(await succeeded(Promise.resolve(undefined))).toBe(true);
  });

  it('is false for a write whose condition failed', async () => {
    expect(await succeeded(Promise.reject(new ConditionFailed('Delivery d-1 exists')))).toBe(false);
  });

  it('passes any other error on unchanged', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ProvisionedThroughputExceededException',
    });
    await expect(succeeded(Promise.reject(throttled))).rejects.toBe(throttled);
  });
});
