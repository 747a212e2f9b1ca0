/**
 * How far a partner's clock may run ahead of ours: a message's `iat` may differ from our clock by
 * this much either way (adapters/isp-message.ts), and a time the partner states as past — evidence's
 * `identified_at` — may lie this far ahead of our clock, no further. Zod-free: the evidence schema
 * and its zod-free reader (isp-messages.ts) both read it.
 */
export const IAT_WINDOW_SECONDS = 300;

/**
 * Whether a date-time the partner states as past (already held to ISO_DATETIME_OFFSET) is not later
 * than our clock plus IAT_WINDOW_SECONDS. An unparsable value is not.
 */
export const isPastForPartner = (dateTime: string, nowMs = Date.now()): boolean =>
  Date.parse(dateTime) <= nowMs + IAT_WINDOW_SECONDS * 1000;
