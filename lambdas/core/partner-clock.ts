/**
 * How far a partner's clock may run ahead of ours: a message's `iat` may differ from our clock by
 * this much either way (adapters/isp-message.ts), and a time the partner states as past — evidence's
 * `identified_at` and `verification.time` — may lie this far ahead of our clock, no further. Zod-free: the evidence schema
 * and its zod-free reader (isp-messages.ts) both read it.
 */
export const IAT_WINDOW_SECONDS = 300;

/**
 * A date and time with seconds and `Z` or an offset: the pattern `z.iso.datetime({ offset: true })`
 * checks (zod's `regexes.datetime`), a copy as ISO_DATE is; a test keeps the two equal.
 */
export const ISO_DATETIME_OFFSET =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|([+-](?:[01]\d|2[0-3]):[0-5]\d)))$/;

/**
 * Whether a date-time the partner states as past (already held to ISO_DATETIME_OFFSET) is not later
 * than our clock plus IAT_WINDOW_SECONDS. An unparsable value is not.
 */
export const isPastForPartner = (dateTime: string, nowMs = Date.now()): boolean =>
  Date.parse(dateTime) <= nowMs + IAT_WINDOW_SECONDS * 1000;

/**
 * A time the partner states as past — evidence's `identified_at` and `verification.time` — as the
 * evidence schema takes it: ISO_DATETIME_OFFSET, at most IAT_WINDOW_SECONDS ahead of our clock.
 */
export const isPartnerPastDateTime = (value: unknown, nowMs = Date.now()): value is string =>
  typeof value === 'string' && ISO_DATETIME_OFFSET.test(value) && isPastForPartner(value, nowMs);

/**
 * Whether evidence's `verification.time` (when the partner verified the document, OIDC4IDA's time
 * of the identity verification) does not lie after its `identified_at` (when it identified the
 * person), beyond IAT_WINDOW_SECONDS: the identification rests on the document's verification, so it
 * is complete only once that is done; the allowance is the partner's clocks' (its document check and
 * its operator console need not share one). Both already held to ISO_DATETIME_OFFSET; compared as
 * instants, each in its own offset.
 */
export const isVerifiedByIdentification = (verificationTime: string, identifiedAt: string): boolean =>
  Date.parse(verificationTime) <= Date.parse(identifiedAt) + IAT_WINDOW_SECONDS * 1000;
