/**
 * The zod the core validates with: `zod/mini`, whose functional API lets a bundle carry only the
 * validators it uses (classic zod's methods pull in all of it), with zod's English messages.
 *
 * Classic zod sets its English locale itself; `zod/mini` sets none and would answer "Invalid input"
 * to every issue without a message of its own. Ours is not zod's English ("Invalid input: expected
 * string, received undefined") but field-messages.ts, whose words say what the field must be
 * ("Required: a string of 1 to 100 characters."). Importing zod from here instead of from
 * 'zod/mini' is what guarantees it is set before the first parse.
 *
 * Metadata (OpenAPI ids, descriptions, examples) goes into zod's global registry, which only the
 * OpenAPI document reads. On a schema built right there, register it without a copy:
 * `z.strictObject({…}).register(z.globalRegistry, { id: 'X' })`. On a shared field rule (`personName`,
 * `claimedIdentityId`, …) use the check `.check(z.meta({…}))` instead, last: it makes a copy that
 * carries the metadata and leaves the shared rule without it (a copy is a whole second construction
 * at cold start, hence not by default). A schema derived from one by a further `.check()` registers
 * a `z.meta` check's metadata again, id included, and two schemas with one id break the OpenAPI
 * document; registered metadata it inherits without the id. Module-level schemas are defined with
 * `define` (below).
 */
import { config } from 'zod/mini';
import { fieldMessage } from './field-messages.js';

config({ localeError: fieldMessage });

export * from 'zod/mini';

/**
 * A module-level schema is built as `export const X = z.define(() => …)` with the call marked
 * `@__PURE__` (a block comment before `z.define`), so that a bundle leaves out the schemas none of its
 * code uses — a function builds at cold start only
 * those it validates with (docs/benchmarks.md §3), while the OpenAPI document still builds them all.
 * esbuild assumes that every call may have side effects and keeps an unused `z.string().check(…)`
 * (and its construction at every cold start) unless the call is marked pure; a mark covers one call,
 * not a chain, and esbuild does not carry `@__NO_SIDE_EFFECTS__` to calls in other modules — hence one
 * marked call around the whole definition. The schema is built at once, when its module loads: this is
 * no lazy construction. test/bench/bundle-contents.test.ts checks which schemas each bundle holds;
 * test/unit/pure-schemas.test.ts fails on a module-level schema built without the mark.
 */
export const define = <T>(build: () => T): T => build();

/**
 * A schema that only some requests of a function need (one of its routes, one kind of message) is
 * built by its first use instead, once per process: `const x = z.onFirstUse(() => …)` (the call marked
 * `@__PURE__` like `define`), used as `x()`; where a schema value is wanted (a field of another schema,
 * an export), `z.define(() => z.lazy(…))`, whose inner schema zod builds on its first parse.
 * Only for what a call may never need: what every call needs is built at import (no work moved into
 * the first call).
 */
export const onFirstUse = <T>(build: () => T): (() => T) => {
  let built: T | undefined;
  return () => {
    built ??= build();
    return built;
  };
};
