/**
 * Validation against a schema, with every invalid field of a refused input listed in the 400
 * problem. Holds no schema itself, so importing it builds none (nor loads zod: its imports of zod
 * are types).
 */
import { type FieldError, problems } from './problems.js';
import type * as z from './zod.js';

/** The field error of a key a strict object does not know. */
export const UNKNOWN_FIELD = 'Unknown field.';

/**
 * A refusal's issues, a field of the wrong type told that alone: zod's length checks run on any
 * value with a length (their `when`), whatever the schema's type, so a string field sent as [] would
 * also read "Must hold at least one item." beside "Must be a string".
 */
function issuesToTell(error: z.core.$ZodError): z.core.$ZodIssue[] {
  const wrongType = new Set(
    error.issues.filter((issue) => issue.code === 'invalid_type').map((issue) => issue.path.join('.')),
  );
  return error.issues.filter(
    (issue) =>
      !((issue.code === 'too_small' || issue.code === 'too_big') && wrongType.has(issue.path.join('.'))),
  );
}

export function toFieldErrors(error: z.core.$ZodError): FieldError[] {
  return issuesToTell(error).flatMap((issue): FieldError[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({ field: [...issue.path, k].join('.'), message: UNKNOWN_FIELD }));
    }
    return [{ field: issue.path.join('.') || '(body)', message: issue.message }];
  });
}

/**
 * A refused file's issues as `path: message` lines, as the admin CLI's seed and npm start print a
 * configuration's (a strict object's unknown keys in one line).
 */
export function issueLines(error: z.core.$ZodError): string[] {
  return issuesToTell(error).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

/** Parses or throws a 400 problem listing every invalid field. */
export function parseOrThrow<S extends z.ZodMiniType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw problems.validation(toFieldErrors(result.error));
  return result.data;
}

/**
 * A request's rule in two steps, for a function that should not build its zod schema at every cold
 * start (docs/benchmarks.md §3): `wellFormed`, without zod, reads an input it can vouch for and
 * returns exactly what the schema would; it answers undefined for anything else. Only then is
 * `schema` loaded (by a dynamic import, so that its module and zod are not evaluated at cold start):
 * it accepts what `wellFormed` left or refuses it with every invalid field listed, so that the
 * answers stay the schema's. test/unit/two-step-rules.test.ts holds each `wellFormed` to its schema.
 */
export interface TwoStepRule<T, I = Readonly<Record<string, unknown>>> {
  wellFormed(input: I): T | undefined;
  schema(): Promise<z.ZodMiniType<T>>;
}

/** What a two-step rule made of an input: its value, or the schema's refusal (as zod's safeParse answers). */
type TwoStepResult<T> = { success: true; data: T } | { success: false; error: z.core.$ZodError };

/**
 * An input through a two-step rule, without throwing: the value `wellFormed` read, else the schema's
 * verdict (the schema loaded only then) — for callers whose refusal is their own (an OAuth error, an
 * invalid token, a page without a journey).
 */
export async function safeParseTwoStep<T, I>(rule: TwoStepRule<T, I>, input: I): Promise<TwoStepResult<T>> {
  const read = rule.wellFormed(input);
  if (read !== undefined) return { success: true, data: read };
  return (await rule.schema()).safeParse(input);
}

/**
 * A two-step rule whose schema is so small that its every refusal is known without it (a lone path
 * parameter): `refusal` gives, for an input `wellFormed` leaves, the field errors the schema gives,
 * so the function never loads the schema and its bundle carries no zod for it.
 * test/unit/two-step-rules.test.ts holds `refusal` to the schema as it holds `wellFormed`.
 */
export interface SelfRefusingRule<T, I = Readonly<Record<string, unknown>>> {
  wellFormed(input: I): T | undefined;
  refusal(input: I): FieldError[];
}

/** `parseOrThrow` through a two-step rule: the schema is loaded only for an input `wellFormed` leaves. */
export async function parseTwoStepOrThrow<T>(
  rule: TwoStepRule<T> | SelfRefusingRule<T>,
  input: Readonly<Record<string, unknown>>,
): Promise<T> {
  if ('refusal' in rule) {
    const read = rule.wellFormed(input);
    if (read !== undefined) return read;
    throw problems.validation(rule.refusal(input));
  }
  const result = await safeParseTwoStep(rule, input);
  if (!result.success) throw problems.validation(toFieldErrors(result.error));
  return result.data;
}
