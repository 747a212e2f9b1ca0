/** Usage counts in tests: every event at zero, to spread the expected counts over. */
export const NO_EVENTS = {
  started: 0,
  'evidence-imported': 0,
  'terms-accepted': 0,
  'cancelled-user': 0,
  'cancelled-isp': 0,
  'cancelled-unsuccessful': 0,
  expired: 0,
  failed: 0,
} as const;
