/** The patterns of a person's fields, shared by their zod rules (person-fields.ts) and zod-free readers. */

/**
 * A person's name: letters (any script), combining marks, spaces, apostrophes, hyphens, dots.
 * Written as the `new RegExp(…)` esbuild makes of the literal (for its `\p{…}` classes) and marked
 * pure, so that a bundle whose code uses no name rule leaves it out: constructing it parses the
 * Unicode letter and mark classes, about 0.4 ms at every cold start of a function that imports this
 * module. Apart from domain.ts so that a function that only reaches it through a lazily loaded
 * schema (the terms page's acceptance form) does not build it at import either.
 */
// biome-ignore lint/complexity/useRegexLiterals: a literal becomes an unmarked `new RegExp` call in the bundle.
export const PERSON_NAME = /* @__PURE__ */ new RegExp(
  "^\\p{L}([\\p{L}\\p{M}' .\\u2019-]*[\\p{L}\\p{M}.])?$",
  'u',
);
/** A mobile number in E.164: `+`, then 8 to 15 digits, the first not 0. */
export const E164 = /^\+[1-9]\d{7,14}$/;
