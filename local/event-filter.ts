/**
 * Lambda's event filtering, as an event source mapping applies its filter pattern to a record
 * (Lambda developer guide: invocation-eventfiltering, with-ddb-filtering; the matching is AWS's
 * Event Ruler's): every field the pattern names must match — a nested pattern the record's object
 * at that field, a list of rules its value, one rule sufficing. The record is read as its leaves, by
 * path: a list is read as its items (a value equals a rule if one item does; a nested pattern reaches
 * into the objects of a list, as with-ddb-filtering's `L` example), and a field whose value is an
 * object or a list of objects holds no leaf. Only the rules `lambdas/event-sources.ts` can write are
 * known here: a value the field equals, and `exists` (true: the field holds a leaf that is not null;
 * false: it holds none — absent, below a missing parent, or an object, as `exists` looks at leaves
 * only). A pattern with any other rule is refused when it is read, so that no filter is silently
 * evaluated otherwise. Not reproduced: Event Ruler's requirement that fields matched inside a list
 * come from one item (no pattern here reaches into a list).
 */
import { isNonArrayObject } from '../lambdas/core/guards.js';
import type { FilterPattern, FilterRule } from '../lambdas/event-sources.js';

/** The values a field holds, a list read as its items (a list of lists too). */
const itemsOf = (value: unknown): unknown[] =>
  Array.isArray(value) ? value.flatMap(itemsOf) : value === undefined ? [] : [value];

/** The record's values at `field` of each of `values` (the objects among them; a list's items). */
const valuesAt = (values: readonly unknown[], field: string): unknown[] =>
  values.flatMap((value) => (isNonArrayObject(value) ? itemsOf(value[field]) : []));

function meets(leaves: readonly unknown[], rule: FilterRule): boolean {
  if (typeof rule === 'string') return leaves.includes(rule);
  // A JSON null counts for neither `exists` (as before; DynamoDB's records carry none: NULL is {"NULL": true}).
  return rule.exists ? leaves.some((leaf) => leaf !== null) : leaves.length === 0;
}

function matchesAt(pattern: FilterPattern, values: readonly unknown[]): boolean {
  return Object.entries(pattern).every(([field, expected]) => {
    const found = valuesAt(values, field);
    if (!Array.isArray(expected)) return matchesAt(expected as FilterPattern, found);
    const leaves = found.filter((value) => typeof value !== 'object' || value === null);
    return (expected as readonly FilterRule[]).some((rule) => meets(leaves, rule));
  });
}

/** Whether Lambda hands the record (a stream record, as the function gets it) to the function. */
export function matchesFilter(pattern: FilterPattern, record: unknown): boolean {
  return matchesAt(pattern, [record]);
}

/** Refuses a pattern with a rule this evaluation does not know (see above), naming where it is. */
export function checkFilter(pattern: FilterPattern, path = ''): void {
  for (const [field, expected] of Object.entries(pattern)) {
    const at = `${path}${path ? '.' : ''}${field}`;
    if (!Array.isArray(expected)) {
      if (!isNonArrayObject(expected))
        throw new Error(`Event filter: ${at} is neither a pattern nor a list of rules`);
      checkFilter(expected as FilterPattern, at);
      continue;
    }
    if (expected.length === 0) throw new Error(`Event filter: ${at} has no rule`);
    for (const rule of expected as unknown[]) {
      const known =
        typeof rule === 'string' ||
        (isNonArrayObject(rule) && Object.keys(rule).join() === 'exists' && typeof rule.exists === 'boolean');
      if (!known)
        throw new Error(
          `Event filter: ${at} has a rule the embedded stack does not evaluate: ${JSON.stringify(rule)}`,
        );
    }
  }
}
