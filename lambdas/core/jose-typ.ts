/**
 * A JOSE header's `typ` compared as RFC 7515 §4.1.9 says: a media type, so case-insensitive, and a
 * value without a `/` is read with `application/` before it (`isp-event+jwt` and
 * `application/isp-event+jwt` are one type). jose compares the same way (its normalizeTyp).
 */
const normalizeTyp = (value: string): string =>
  (value.includes('/') ? value : `application/${value}`).toLowerCase();

/** Whether a header's `typ` (any JSON value) names the expected media type. */
export const isTyp = (typ: unknown, expected: string): boolean =>
  typeof typ === 'string' && normalizeTyp(typ) === normalizeTyp(expected);
