/**
 * Lambda's event filtering, as an event source mapping applies its filter pattern to a record
 * (Lambda developer guide: invocation-eventfiltering, with-ddb-filtering): every field the pattern
 * names must match — a nested pattern the record's object at that field, a list of rules its value,
 * one rule sufficing. Only the rules `lambdas/event-sources.ts` can write are known here: a value
 * the field equals, and `exists` (true: the field is there with a value that is no object nor list,
 * as `exists` looks at leaves only; false: it is not there, its parent missing too). A pattern with
 * any other rule is refused when it is read, so that no filter is silently evaluated otherwise.
 */
import type { FilterPattern, FilterRule } from '../lambdas/event-sources.js';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isLeaf = (value: unknown) => value !== undefined && value !== null && typeof value !== 'object';

function meets(value: unknown, rule: FilterRule): boolean {
  if (typeof rule === 'string') return value === rule;
  return rule.exists ? isLeaf(value) : value === undefined;
}

/** Whether Lambda hands the record (a stream record, as the function gets it) to the function. */
export function matchesFilter(pattern: FilterPattern, record: unknown): boolean {
  return Object.entries(pattern).every(([field, expected]) => {
    const value = isObject(record) ? record[field] : undefined;
    if (Array.isArray(expected))
      return (expected as readonly FilterRule[]).some((rule) => meets(value, rule));
    return matchesFilter(expected as FilterPattern, value);
  });
}

/** Refuses a pattern with a rule this evaluation does not know (see above), naming where it is. */
export function checkFilter(pattern: FilterPattern, path = ''): void {
  for (const [field, expected] of Object.entries(pattern)) {
    const at = `${path}${path ? '.' : ''}${field}`;
    if (!Array.isArray(expected)) {
      if (!isObject(expected))
        throw new Error(`Event filter: ${at} is neither a pattern nor a list of rules`);
      checkFilter(expected as FilterPattern, at);
      continue;
    }
    if (expected.length === 0) throw new Error(`Event filter: ${at} has no rule`);
    for (const rule of expected as unknown[]) {
      const known =
        typeof rule === 'string' ||
        (isObject(rule) && Object.keys(rule).join() === 'exists' && typeof rule.exists === 'boolean');
      if (!known)
        throw new Error(
          `Event filter: ${at} has a rule the embedded stack does not evaluate: ${JSON.stringify(rule)}`,
        );
    }
  }
}
