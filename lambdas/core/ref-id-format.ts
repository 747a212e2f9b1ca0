/**
 * The refId (an order's UUID) as a pattern, apart from the zod schema of the path parameter
 * (`RefIdParam`, ref-id.ts, `z.uuid()`): a page that only looks an order up and
 * validates nothing else (the Test-ISP simulator's form) checks it without loading zod. It is the
 * pattern `z.uuid()` checks by default (RFC 9562: any version, and the nil and max UUIDs); a test
 * keeps the two equal.
 */
export const REF_ID_PATTERN =
  /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;

export const isRefId = (value: unknown): value is string =>
  typeof value === 'string' && REF_ID_PATTERN.test(value);

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
    if (keys.length !== 1 || keys[0] !== name || !isRefId(value)) return undefined;
    return { [name]: value } as Record<K, string>;
  };
}
