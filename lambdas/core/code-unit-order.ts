/**
 * Strings in UTF-16 code-unit order, the order of `<`. Unlike `localeCompare` (ICU collation of
 * the machine's locale: `acme` before `Zeta`, `Ä` beside `A` in German and after `Z` in Swedish),
 * it is the same on every machine, so what is sorted with it — a statement's lines, the usage API,
 * the admin command's CSV — is byte-identical wherever it is computed.
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
