/**
 * A pattern with Unicode property classes (`\p{L}`, `\p{Cc}` …), built on first use, with a subset
 * of it written without them tried first. V8 parses such classes when it constructs the RegExp
 * (0.1–0.5 ms each, e.g. every letter of every script for `\p{L}`) and compiles them at the first
 * tests, so a module constant costs every cold start that imports it, although nearly every value a
 * reader checks (a Latin name, ASCII free text) is decided by the subset (docs/benchmarks.md §3).
 * The zod schemas use `pattern()` (the OpenAPI document shows its source); the readers `test()`.
 * test/unit/two-step-rules.test.ts holds each subset to its pattern over the whole BMP.
 */
export interface UnicodePattern {
  /** The pattern itself, built by the first call. */
  pattern(): RegExp;
  /** Whether the pattern matches `value`; built only for a value the subset does not match. */
  test(value: string): boolean;
}

export function unicodePattern(subset: RegExp, build: () => RegExp): UnicodePattern {
  let built: RegExp | undefined;
  const pattern = () => {
    built ??= build();
    return built;
  };
  return { pattern, test: (value) => subset.test(value) || pattern().test(value) };
}

/**
 * A `u` pattern built from its source text when called. V8 checks a RegExp literal when it parses
 * the bundle, and for a `\p{…}` class builds the class then — at every cold start, even inside a
 * function never called (~0.2 ms for `\p{L}\p{N}`) — and esbuild's minifier writes
 * `new RegExp('…', 'u')` with a constant source back as a literal; through this call the source
 * stays a string until the pattern is built (test/bench/bundle-contents.test.ts checks the bundles).
 */
export function unicodeRegExp(source: string): RegExp {
  return new RegExp(source, 'u');
}
