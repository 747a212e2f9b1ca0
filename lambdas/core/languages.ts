/** Which of the service's languages a request names or a browser prefers. */
import { LANGUAGES, type Language } from './domain.js';

/** A language the service speaks (its code exactly, as a page's `lang` parameter gives it), else undefined. */
export function spokenLanguage(value: string | undefined): Language | undefined {
  return (LANGUAGES as readonly string[]).includes(value ?? '') ? (value as Language) : undefined;
}

/**
 * The language a browser prefers among those the service speaks (RFC 9110 §12.5.4
 * `Accept-Language`: ranges by weight, `de-CH` matches `de`, `q=0` excludes), else undefined.
 */
export function preferredLanguage(acceptLanguage: string | undefined): Language | undefined {
  if (!acceptLanguage) return undefined;
  const ranges = acceptLanguage
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [range = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => /^q=/i.test(p));
      const weight = q ? Number(q.slice(2)) : 1;
      return { primary: range.trim().toLowerCase().split('-')[0] ?? '', weight, index };
    })
    .filter((r) => Number.isFinite(r.weight) && r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const { primary } of ranges) {
    const spoken = spokenLanguage(primary);
    if (spoken) return spoken;
  }
  return undefined;
}
