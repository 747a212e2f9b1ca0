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
