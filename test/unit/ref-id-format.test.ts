/**
 * The UUID and refId checks without zod (core/ref-id-format.ts) must accept exactly what the path
 * parameters' schemas (RefIdParam, WebhookIdParam: `z.uuid()`) accept.
 */
import { describe, expect, it } from 'vitest';
import { RefIdParam } from '../../lambdas/core/ref-id.js';
import { isRefId, isUuid, UUID_PATTERN } from '../../lambdas/core/ref-id-format.js';
import { WebhookIdParam } from '../../lambdas/core/webhook-requests.js';
import * as z from '../../lambdas/core/zod.js';

describe('isUuid and isRefId', () => {
  it('is the pattern z.uuid() checks', () => {
    expect(UUID_PATTERN.source).toBe(z.regexes.uuid().source);
    expect(UUID_PATTERN.flags).toBe(z.regexes.uuid().flags);
  });

  it.each([
    ['a version 4 UUID', '6213d8b0-173b-4889-a194-dd5db02c67d9', true],
    ['upper case', '6213D8B0-173B-4889-A194-DD5DB02C67D9', true],
    ['version 7', '01890a5d-ac96-774b-bcce-b302099a8057', true],
    ['the nil UUID', '00000000-0000-0000-0000-000000000000', true],
    ['the max UUID', 'ffffffff-ffff-ffff-ffff-ffffffffffff', true],
    ['version 0', '6213d8b0-173b-0889-a194-dd5db02c67d9', false],
    ['variant 0 (c)', '6213d8b0-173b-4889-c194-dd5db02c67d9', false],
    ['without hyphens', '6213d8b0173b4889a194dd5db02c67d9', false],
    ['in braces', '{6213d8b0-173b-4889-a194-dd5db02c67d9}', false],
    ['with a trailing newline', '6213d8b0-173b-4889-a194-dd5db02c67d9\n', false],
    ['empty', '', false],
  ])('%s: %j → %s, as RefIdParam and WebhookIdParam decide', (_, value, accepted) => {
    expect(isUuid(value)).toBe(accepted);
    expect(isRefId(value)).toBe(accepted);
    expect(RefIdParam.safeParse({ refId: value }).success).toBe(accepted);
    expect(WebhookIdParam.safeParse({ id: value }).success).toBe(accepted);
  });

  it('refuses what is not a string', () => {
    for (const value of [undefined, null, 42, {}]) {
      expect(isUuid(value)).toBe(false);
      expect(isRefId(value)).toBe(false);
    }
  });
});
