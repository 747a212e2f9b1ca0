/**
 * Validation against a schema, with every invalid field of a refused input listed in the 400
 * problem. Holds no schema itself, so importing it builds none.
 */
import { type FieldError, problems } from './problems.js';
import type * as z from './zod.js';

export function toFieldErrors(error: z.core.$ZodError): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({ field: [...issue.path, k].join('.'), message: 'Unknown field.' }));
    }
    return [{ field: issue.path.join('.') || '(body)', message: issue.message }];
  });
}

/** Parses or throws a 400 problem listing every invalid field. */
export function parseOrThrow<S extends z.ZodMiniType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw problems.validation(toFieldErrors(result.error));
  return result.data;
}
