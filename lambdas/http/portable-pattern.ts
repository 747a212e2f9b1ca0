/**
 * JSON Schema `pattern`s that common OpenAPI tools compile. The service validates names and free
 * text with Unicode property classes (`\p{L}`, `\p{Cc}` …, see core/schemas.ts); Python's `re`
 * (schemathesis), Java before 7 and ECMAScript without the `u` flag cannot compile them. The
 * document publishes the same rule with each property class spelt out as `\uXXXX` ranges of the
 * Basic Multilingual Plane — equal to the full rule for every character up to U+FFFF (characters
 * beyond it are judged by the service alone) — and keeps the original in `x-unicode-pattern`.
 */

const PROPERTY_CLASS = /\\[pP]\{[A-Za-z_=]+\}/g;
const cache = new Map<string, string>();

const hex = (cp: number) => `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;

/** `\p{L}` → the BMP code point ranges it matches, as `\u0041-\u005A\u0061-\u007A…` (class body). */
function bmpRanges(propertyClass: string): string {
  const cached = cache.get(propertyClass);
  if (cached !== undefined) return cached;
  const test = new RegExp(`^${propertyClass}$`, 'u');
  let out = '';
  let start = -1;
  // Surrogates (U+D800–U+DFFF) are not characters on their own: never part of a range.
  for (let cp = 0; cp <= 0x10000; cp++) {
    const inClass = cp < 0x10000 && !(cp >= 0xd800 && cp <= 0xdfff) && test.test(String.fromCharCode(cp));
    if (inClass && start < 0) start = cp;
    if (!inClass && start >= 0) {
      const end = cp - 1;
      out +=
        end === start ? hex(start) : end === start + 1 ? hex(start) + hex(end) : `${hex(start)}-${hex(end)}`;
      start = -1;
    }
  }
  cache.set(propertyClass, out);
  return out;
}

/** Whether a pattern needs rewriting for tools without Unicode property classes. */
export function hasPropertyClass(pattern: string): boolean {
  return /\\[pP]\{/.test(pattern);
}

/**
 * The pattern with every `\p{…}` expanded: inside a character class to its ranges, outside one to
 * a class of them. Negated classes (`\P{…}`) outside a character class are not used by our rules
 * and are refused rather than mistranslated.
 */
export function portablePattern(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\') {
      PROPERTY_CLASS.lastIndex = i;
      const m = PROPERTY_CLASS.exec(pattern);
      if (m && m.index === i) {
        const negated = m[0][1] === 'P';
        if (negated && inClass) throw new Error(`Cannot translate ${m[0]} inside a character class`);
        const ranges = bmpRanges(negated ? `\\p${m[0].slice(2)}` : m[0]);
        out += inClass ? ranges : `[${negated ? '^' : ''}${ranges}]`;
        i += m[0].length - 1;
        continue;
      }
      out += c + (pattern[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass) inClass = false;
    out += c;
  }
  return out;
}
