/** The portable spelling of Unicode-class patterns published in the OpenAPI document. */
import { describe, expect, it } from 'vitest';
import { PERSON_NAME, SAFE_TEXT } from '../../lambdas/core/schemas.js';
import { hasPropertyClass, portablePattern } from '../../lambdas/http/portable-pattern.js';

/** Every BMP character that is a character on its own (no lone surrogates). */
const BMP = Array.from({ length: 0x10000 }, (_, cp) => cp)
  .filter((cp) => cp < 0xd800 || cp > 0xdfff)
  .map((cp) => String.fromCharCode(cp));

describe('portablePattern', () => {
  it.each([
    ['free text', SAFE_TEXT, (c: string) => [c, `a${c}b`]],
    ['person names', PERSON_NAME, (c: string) => [c, `A${c}a`, `Jo${c}`]],
  ])(
    'decides every BMP character in %s as the Unicode rule does, without the u flag',
    (_name, rule, samples) => {
      const portable = new RegExp(portablePattern(rule.source));

      const disagreements = BMP.flatMap(samples).filter((s) => portable.test(s) !== rule.test(s));

      expect(disagreements).toEqual([]);
    },
  );

  it('leaves no Unicode property class behind, so tools without them compile the pattern', () => {
    for (const rule of [SAFE_TEXT, PERSON_NAME]) {
      const portable = portablePattern(rule.source);

      expect(hasPropertyClass(portable)).toBe(false);
      expect(portable).toMatch(/^[\x20-\x7e]+$/);
    }
  });

  it('expands a class outside brackets to a bracketed class and keeps escapes as they are', () => {
    expect(portablePattern('^\\p{Lu}\\.$')).toMatch(/^\^\[\\u0041-\\u005A.*\]\\\.\$$/);
    expect(new RegExp(portablePattern('^\\p{Lu}\\.$')).test('Ä.')).toBe(true);
    expect(new RegExp(portablePattern('^\\p{Lu}\\.$')).test('ä.')).toBe(false);
  });

  it('refuses a negated class inside brackets rather than mistranslate it', () => {
    expect(() => portablePattern('[\\P{L}]')).toThrow(/Cannot translate/);
  });
});
