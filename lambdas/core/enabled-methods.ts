/**
 * The SP setup's dated methods (`enabledMethods`, ADR 0028): which (issuer, method) the SP had
 * enabled in which months, what its monthly fees are charged for. Their schema (configuration,
 * checked when it is seeded) apart from statement.ts, which reads them without zod.
 */
import { ISSUER_MAX, METHOD_NAME, matchesIssuerName } from './domain.js';
import { MONTH } from './usage.js';
import * as z from './zod.js';

/**
 * One method enabled for the SP from the month `from` to the month `until`, both included (UTC),
 * or on while `until` is absent. A month is charged when the method was enabled on any day of it:
 * `from` is the month it was enabled in, `until` the month it was withdrawn in — or, the current
 * month or a later one, the month with whose end it is withdrawn: the catalogue offers it through
 * that month (setup-in-effect.ts, ADR 0030).
 */
export interface EnabledMethod {
  issuer: string;
  method: string;
  from: string;
  until?: string | undefined;
}

const MONTH_INVALID = 'Must be a month YYYY-MM between 2000-01 and 2099-12.';
const isMonth = (value: unknown): value is string => typeof value === 'string' && MONTH.test(value);

/** Whether two entries' months share one (either may be open-ended); both well formed. */
function overlap(a: EnabledMethod, b: EnabledMethod): boolean {
  // YYYY-MM strings compare in calendar order.
  return a.from <= (b.until ?? '9999-99') && b.from <= (a.until ?? '9999-99');
}

/**
 * The dated methods of one SP. Each (issuer, method) may be listed more than once — withdrawn and
 * enabled again — but its entries may not share a month: two entries for one month would say twice
 * what one does, and the second is more likely a mistyped month than a meant one.
 */
export const EnabledMethodsSchema = /* @__PURE__ */ z.define(() =>
  z
    .array(
      z.strictObject({
        issuer: z
          .string()
          .check(
            z.maxLength(ISSUER_MAX),
            z.refine(matchesIssuerName, { error: 'Must be an issuer name of the catalogue.' }),
          ),
        method: z.string().check(z.regex(METHOD_NAME, { error: 'Must be a method name like video.' })),
        from: z.string().check(z.regex(MONTH, { error: MONTH_INVALID })),
        until: z.optional(z.string().check(z.regex(MONTH, { error: MONTH_INVALID }))),
      }),
    )
    .check(
      z.superRefine((entries, ctx) => {
        // Runs on entries that failed their own schema too: a malformed month has its own issue.
        const wellFormed: { entry: EnabledMethod; i: number }[] = [];
        entries.forEach((entry, i) => {
          if (typeof entry !== 'object' || entry === null) return;
          if (!isMonth(entry.from) || (entry.until !== undefined && !isMonth(entry.until))) return;
          if (entry.until !== undefined && entry.until < entry.from) {
            ctx.addIssue({
              code: 'custom',
              path: [i, 'until'],
              message: `Must be ${entry.from} (its from) or later: the last month the method was enabled in.`,
            });
            return;
          }
          const earlier = wellFormed.find(
            ({ entry: other }) =>
              other.issuer === entry.issuer && other.method === entry.method && overlap(other, entry),
          );
          if (earlier)
            ctx.addIssue({
              code: 'custom',
              path: [i],
              message: `${entry.issuer} ${entry.method} is enabled in a month of entry ${earlier.i} too (from ${earlier.entry.from}${earlier.entry.until ? ` until ${earlier.entry.until}` : ''}): an entry per time it was enabled, their months apart.`,
            });
          else wellFormed.push({ entry, i });
        });
      }),
    ),
);
