// Which answer a refusal on a page gets, by the request's `Accept` (RFC 9110 §12.5.1): an HTML
// page or problem+json. One function, read by the page functions (lambdas/http/page-error-answer.ts)
// and by the local gateway emulation for the answers API Gateway makes itself on page paths.
//
// What callers send, and what they get on a page route:
// - browsers navigating (Chrome, Edge, Firefox, Safari): `text/html,…,*/*;q=0.8` — HTML ranks first;
// - curl, fetch(), Python requests, Go's net/http: `*/*` or no Accept at all — every type ranks
//   the same, and a page's own type, HTML, wins the tie (they get what the page itself answers);
// - programs that ask for JSON: `application/problem+json`, `application/json`, `application/*`,
//   axios' `application/json, text/plain, */*` — problem+json ranks above HTML, or ranks the same
//   and is named more closely (a type by name over the same weight through `*/*`).
// A JSON range counts for problem+json (a +json type is JSON, RFC 6839 §3.1), after the exact type
// and before `application/*`. Media type parameters other than `q` are not compared.

/**
 * The ranges that match a type, most specific first (RFC 9110 §12.5.1: the most specific decides
 * the quality), each with how closely it names the type (to break ties, below).
 */
const RANGES_MATCHING = {
  html: [
    ['text/html', 3],
    ['text/*', 1],
    ['*/*', 0],
  ],
  problemJson: [
    ['application/problem+json', 3],
    ['application/json', 2],
    ['application/*', 1],
    ['*/*', 0],
  ],
} as const satisfies Record<string, readonly (readonly [range: string, closeness: number])[]>;

/** A `q` parameter as RFC 9110 §12.4.2 writes it: 0 to 1, at most three decimals. */
const QVALUE = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/;

/**
 * The ranges of an Accept header with their weights; a range whose `q` is not a qvalue is left
 * out (as Accept-Language's in core/languages.ts), and so are ranges past the first 50.
 */
function mediaRanges(accept: string): Map<string, number> {
  const ranges = new Map<string, number>();
  for (const part of accept.split(',').slice(0, 50)) {
    const [range = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    if (!range.includes('/')) continue;
    const q = params.find((p) => /^q\s*=/.test(p));
    const value = q?.slice(q.indexOf('=') + 1).trim();
    if (value !== undefined && !QVALUE.test(value)) continue;
    // The first occurrence of a range counts.
    if (!ranges.has(range)) ranges.set(range, value === undefined ? 1 : Number(value));
  }
  return ranges;
}

/** A type's quality by the ranges, and how closely the deciding range names it (-1: none does). */
function qualityOf(
  ranges: Map<string, number>,
  matching: readonly (readonly [string, number])[],
): { q: number; closeness: number } {
  for (const [range, closeness] of matching) {
    const q = ranges.get(range);
    if (q !== undefined) return { q, closeness };
  }
  return { q: 0, closeness: -1 };
}

/**
 * Whether a refusal on a page is answered as problem+json rather than an HTML page: when the caller
 * weighs problem+json above HTML, or weighs them the same but names JSON more closely (axios'
 * `application/json, text/plain` and any type: JSON by name, HTML only through the wildcard). No Accept,
 * an empty one, a full tie, or neither acceptable: HTML, the page's own type.
 */
export function prefersProblemJson(accept: string | undefined): boolean {
  if (!accept?.trim()) return false;
  const ranges = mediaRanges(accept);
  const json = qualityOf(ranges, RANGES_MATCHING.problemJson);
  const html = qualityOf(ranges, RANGES_MATCHING.html);
  if (json.q === 0) return false;
  return json.q > html.q || (json.q === html.q && json.closeness > html.closeness);
}
