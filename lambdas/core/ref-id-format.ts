/**
 * UUIDs as patterns, apart from the zod schemas that check them (`RefIdParam`, ref-id.ts, and the
 * webhook routes' `{id}`, both `z.uuid()`): a page that only looks an order up and validates nothing
 * else (the Test-ISP simulator's form) checks a refId without loading zod, and the two-step rules'
 * readers (core/parse.ts TwoStepRule) check theirs. It is the pattern `z.uuid()` checks by default
 * (RFC 9562: any version, and the nil and max UUIDs); a test keeps the two equal.
 */
import { UNKNOWN_FIELD } from './parse.js';
import type { FieldError } from './problems.js';

export const UUID_PATTERN =
  /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;

/** Any UUID `z.uuid()` accepts: a webhook's id, an order token's jti. */
export const isUuid = (value: unknown): value is string =>
  typeof value === 'string' && UUID_PATTERN.test(value);

/**
 * A UUID as the service mints and stores it, in lower case. UUIDs are case-insensitive on input
 * (RFC 9562 §4) and the patterns take either case, but a table key matches one spelling: an SP
 * whose database prints them in capitals (SQL Server's uniqueidentifier does) would read that its
 * own identification or webhook endpoint does not exist.
 */
export const canonicalUuid = (uuid: string): string => uuid.toLowerCase();

/** An order's refId, as `RefIdParam` reads it: a UUID (the service mints version 4). */
export const isRefId: (value: unknown) => value is string = isUuid;

/**
 * Path parameters of exactly one UUID, `{ [name]: <UUID> }`, read as `z.strictObject({ [name]:
 * z.uuid() })` reads them, without zod: the first step of a two-step rule (core/parse.ts
 * TwoStepRule) — anything else (another key, a missing or malformed UUID) is left to the schema.
 */
export function wellFormedUuidParam<K extends string>(
  name: K,
): (input: Readonly<Record<string, unknown>>) => Record<K, string> | undefined {
  return (input) => {
    const keys = Object.keys(input);
    const value = input[name];
    if (keys.length !== 1 || keys[0] !== name || !isUuid(value)) return undefined;
    return { [name]: value } as Record<K, string>;
  };
}

/** `RefIdParam`'s error for a refId that is missing, not a string or no UUID. */
export const REF_ID_INVALID = 'Must be a UUID.';

/**
 * The field errors `RefIdParam` (`z.strictObject({ refId: z.uuid({ error: REF_ID_INVALID }) })`)
 * gives path parameters, without zod: the refId's unless it is a UUID, then one `Unknown field.`
 * per other key, in the parameters' order; none for what the schema accepts. The second step of
 * the `{refId}` routes' rule (http/ref-id-path.ts), so that their functions carry no zod for it.
 */
export function refIdParamRefusal(input: Readonly<Record<string, unknown>>): FieldError[] {
  return [
    ...(isRefId(input.refId) ? [] : [{ field: 'refId', message: REF_ID_INVALID }]),
    ...Object.keys(input)
      .filter((key) => key !== 'refId')
      .map((field) => ({ field, message: UNKNOWN_FIELD })),
  ];
}
