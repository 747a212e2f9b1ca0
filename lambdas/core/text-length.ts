/**
 * Whether a string is at most `max` long counted as zod 4 counts it, in code points (a lone
 * surrogate is one; $ZodCheckMaxLength): a string of at most `max` UTF-16 units always is, so only a
 * longer one is counted. The zod-free readers (ADR 0020) measure with it what the schemas measure.
 */
export const fitsLength = (value: string, max: number): boolean =>
  value.length <= max || [...value].length <= max;
