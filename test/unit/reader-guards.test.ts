/**
 * The checks the zod-free readers share (ADR 0020), each once in the core: an object and one of a
 * list (guards.ts); free text of a bounded length, an issuer name and a person's name
 * (field-guards.ts). Each is held at its edges to the zod rule it stands for: a reader that
 * accepted what its rule refuses would let a request past its schema.
 */
import { describe, expect, it } from 'vitest';
import { issuerName } from '../../lambdas/core/catalogue-fields.js';
import { ISSUER_MAX, JURISDICTIONS } from '../../lambdas/core/domain.js';
import { isIssuerName, isPersonName, isSafeText } from '../../lambdas/core/field-guards.js';
import { safeText } from '../../lambdas/core/fields.js';
import { isNonArrayObject, isOneOf } from '../../lambdas/core/guards.js';
import { personName } from '../../lambdas/core/person-fields.js';
import { PERSON_NAME_MAX } from '../../lambdas/core/person-patterns.js';
import * as z from '../../lambdas/core/zod.js';

/** Values no string rule takes. */
const NOT_STRINGS: [unknown, false][] = [undefined, null, 3, true, ['Hans'], { name: 'Hans' }].map((v) => [
  v,
  false,
]);

/** The guard takes each value as the table says, and so does the zod rule it stands for. */
function expectHeldToRule(
  guard: (value: unknown) => boolean,
  rule: { safeParse(value: unknown): { success: boolean } },
  table: [unknown, boolean][],
) {
  for (const [value, taken] of table) {
    expect(guard(value), `guard, ${JSON.stringify(value)}`).toBe(taken);
    expect(rule.safeParse(value).success, `rule, ${JSON.stringify(value)}`).toBe(taken);
  }
}

describe('isNonArrayObject', () => {
  it('takes what z.object takes: an object, but not null and not an array', () => {
    expectHeldToRule(isNonArrayObject, z.looseObject({}), [
      [{}, true],
      [{ a: 1 }, true],
      [Object.create(null), true],
      [null, false],
      [[], false],
      [[1], false],
      ['x', false],
      [3, false],
      [undefined, false],
    ]);
  });
});

describe('isOneOf', () => {
  it('takes exactly the list’s values, as z.enum does', () => {
    expectHeldToRule((v) => isOneOf(JURISDICTIONS, v), z.enum(JURISDICTIONS), [
      ['ZERTES', true],
      ['EIDAS', true],
      ['eidas', false],
      ['ZERTES,EIDAS', false],
      ['', false],
      [['EIDAS'], false],
      [null, false],
      [undefined, false],
    ]);
  });
});

describe('isSafeText', () => {
  it('takes 1 to max code points with no control or format character, as safeText(max) does', () => {
    // Astral characters are two UTF-16 units and one code point, which is what the rule counts.
    expectHeldToRule((v) => isSafeText(v, 10), safeText(10), [
      ['', false],
      ['x', true],
      ['a'.repeat(10), true],
      ['a'.repeat(11), false],
      ['😀'.repeat(10), true],
      ['😀'.repeat(11), false],
      ['order 42 ✓', true],
      ['a\u202e', false],
      ['a\n', false],
      ['a\u00ad', false],
      ['\u2028', false],
      ...NOT_STRINGS,
    ]);
  });
});

describe('isIssuerName', () => {
  it('takes what the catalogue’s issuerName takes: free text of 1 to 100 code points by the name pattern', () => {
    expectHeldToRule(isIssuerName, issuerName, [
      ['Test-ISP', true],
      ['Bank 1.0', true],
      ['Zürich_ID', true],
      ['身份', true],
      ['', false],
      ['-ISP', false],
      [' ISP', false],
      ['ISP\u00ad', false],
      ['I'.repeat(ISSUER_MAX), true],
      ['I'.repeat(ISSUER_MAX + 1), false],
      ...NOT_STRINGS,
    ]);
  });
});

describe('isPersonName', () => {
  it('takes what personName takes: 1 to 100 code points by the name pattern, no white space at either end', () => {
    expectHeldToRule(isPersonName, personName, [
      ['Hans', true],
      ["O'Brien", true],
      ['Jean-Luc.', true],
      ['李', true],
      ['', false],
      [' Hans', false],
      ['Hans ', false],
      ['Hans×', false],
      ['A'.repeat(PERSON_NAME_MAX), true],
      ['A'.repeat(PERSON_NAME_MAX + 1), false],
      ['𝒜'.repeat(PERSON_NAME_MAX), true],
      ['𝒜'.repeat(PERSON_NAME_MAX + 1), false],
      ...NOT_STRINGS,
    ]);
  });
});
