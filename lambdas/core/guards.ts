/**
 * The type guards the zod-free readers share (core/parse.ts TwoStepRule, ADR 0020), each taking what
 * the zod rule named beside it takes. The text fields' guards are in field-guards.ts: kept apart, so
 * that a reader of objects (isp-http.ts) carries no pattern module for them.
 */

/** An object that is neither null nor an array: what `z.object` takes (zod's `isObject`). */
export const isNonArrayObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** One of `list`'s values (for a list of strings, what `z.enum(list)` takes). */
export const isOneOf = <T>(list: readonly T[], value: unknown): value is T =>
  (list as readonly unknown[]).includes(value);
