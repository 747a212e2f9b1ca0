/**
 * The words of a field error whose rule has none of its own (core/field-messages.ts, zod's error
 * map for every schema): each kind of issue said as a rule, a missing field as Required and what it
 * must be — never zod's own English.
 */
import { describe, expect, it } from 'vitest';
import { mustBe } from '../../lambdas/core/field-messages.js';
import { toFieldErrors } from '../../lambdas/core/parse.js';
import * as z from '../../lambdas/core/zod.js';

/** The field errors a schema gives an input (none if it accepts it). */
function errorsOf(schema: z.ZodMiniType, input: unknown): string[] {
  const result = schema.safeParse(input);
  return result.success ? [] : toFieldErrors(result.error).map((e) => `${e.field}: ${e.message}`);
}

describe('a field left out', () => {
  it.each([
    [
      'a string with bounds',
      z.string().check(z.minLength(1), z.maxLength(64)),
      'Required: a string of 1 to 64 characters.',
    ],
    [
      'a string with a maximum',
      z.string().check(z.maxLength(10)),
      'Required: a string of up to 10 characters.',
    ],
    ['a non-empty string', z.string().check(z.minLength(1)), 'Required: a non-empty string.'],
    [
      'a string with a rule of its own',
      z.string().check(z.regex(/^\d+$/, { error: 'Must be digits only.' })),
      'Required: a string. Must be digits only.',
    ],
    [
      'a whole number in a range',
      z.number().check(z.int(), z.minimum(1), z.maximum(100)),
      'Required: a whole number from 1 to 100.',
    ],
    ['a boolean', z.boolean(), 'Required: true or false.'],
    ['an object', z.object({}), 'Required: an object.'],
    ['a record', z.record(z.string(), z.string()), 'Required: an object.'],
    ['a tuple', z.tuple([z.string(), z.number()]), 'Required: an array of 2 items.'],
    [
      'an array with bounds',
      z.array(z.string()).check(z.minLength(1), z.maxLength(2)),
      'Required: an array of 1 to 2 items.',
    ],
    ['an enum', z.enum(['a', 'b', 'c']), 'Required: one of "a", "b" or "c".'],
    ['a literal', z.literal('x'), 'Required: "x".'],
    ['a union of literals', z.union([z.literal(3), z.literal(4)]), 'Required: 3 or 4.'],
    ['an email', z.email(), 'Required: an email address.'],
    ['a UUID', z.uuid(), 'Required: a UUID.'],
    [
      'a rule that says what it must be',
      z.union([z.literal(3), z.literal(4)], mustBe('the number 3 or 4')),
      'Required: the number 3 or 4.',
    ],
  ])('%s: says Required and what it must be', (_label, schema, message) => {
    expect(errorsOf(z.strictObject({ f: schema }), {})).toEqual([`f: ${message}`]);
  });
});

describe('a field given wrong', () => {
  it.each([
    ['null for a string', z.string(), null, 'Must be a string, not null.'],
    ['a number for a string', z.string(), 41, 'Must be a string, not the number 41.'],
    ['a string for a number', z.number(), '3', 'Must be a number, not a string.'],
    ['an array for an object', z.object({}), [], 'Must be an object, not an array.'],
    ['a number for a record', z.record(z.string(), z.string()), 5, 'Must be an object, not the number 5.'],
    ['a string for a tuple', z.tuple([z.string()]), 'x', 'Must be an array of 1 item, not a string.'],
    // zod's length checks also run on a value of another type that has a length (their `when`):
    // the wrong type is all there is to say, not that an array given for a string is empty.
    [
      'an empty array for a string with bounds',
      z.string().check(z.minLength(1), z.maxLength(5)),
      [],
      'Must be a string of 1 to 5 characters, not an array.',
    ],
    [
      'an empty string for an array with bounds',
      z.array(z.string()).check(z.minLength(1)),
      '',
      'Must be an array of at least 1 item, not a string.',
    ],
    ['true for a string', z.string(), true, 'Must be a string, not true.'],
    [
      'a fraction for a whole number',
      z.number().check(z.int()),
      1.5,
      'Must be a whole number, not the number 1.5.',
    ],
    ['an empty string', z.string().check(z.minLength(1)), '', 'Must not be empty.'],
    ['a string too short', z.string().check(z.minLength(3)), 'ab', 'Must be at least 3 characters long.'],
    ['a string too long', z.string().check(z.maxLength(3)), 'abcd', 'Must be at most 3 characters long.'],
    [
      'a string of another length',
      z.string().check(z.length(2)),
      'abc',
      'Must be exactly 2 characters long.',
    ],
    ['an empty array', z.array(z.string()).check(z.minLength(1)), [], 'Must hold at least one item.'],
    ['an array too long', z.array(z.string()).check(z.maxLength(1)), ['a', 'b'], 'Must hold at most 1 item.'],
    ['a number too small', z.number().check(z.minimum(1)), 0, 'Must be at least 1.'],
    ['a number too big', z.number().check(z.lt(10)), 10, 'Must be less than 10.'],
    ['another enum value', z.enum(['a', 'b']), 'c', 'Must be one of "a" or "b".'],
    ['another literal', z.literal('x'), 'y', 'Must be "x".'],
    ['no email', z.email(), 'x', 'Must be an email address.'],
    ['no date', z.iso.date(), '2026-13-01', 'Must be a date, YYYY-MM-DD.'],
    ['a pattern not matched', z.string().check(z.regex(/^a+$/)), 'b', 'Must match the pattern /^a+$/.'],
    ['a value a rule refuses', z.string().check(z.refine(() => false)), 'x', 'Invalid value.'],
    [
      'a rule that says what it must be',
      z.union([z.literal(3), z.literal(4)], mustBe('the number 3 or 4')),
      '3',
      'Must be the number 3 or 4.',
    ],
  ])('%s: says the rule', (_label, schema, input, message) => {
    expect(errorsOf(z.strictObject({ f: schema }), { f: input })).toEqual([`f: ${message}`]);
  });

  it('names a discriminated union’s tag and its values', () => {
    const shape = z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('a') }),
      z.object({ kind: z.literal('b') }),
    ]);

    expect(errorsOf(shape, { kind: 'c' })).toEqual(['kind: Must be one of "a" or "b".']);
    expect(errorsOf(shape, {})).toEqual(['kind: Required: one of "a" or "b".']);
  });

  it('names each unknown key of a strict object where the configuration lists issues whole', () => {
    const result = z.strictObject({}).safeParse({ x: 1, y: 2 });

    expect(result.error?.issues.map((i) => i.message)).toEqual(['Unknown fields: x, y.']);
  });
});
