import type { UsageRecord } from '../../lambdas/core/usage.js';

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

/**
 * `completed` BankIdent-Demo identifications of Demo Bank in `month`, as the registration step
 * records them (started, then terms accepted); their refIds begin with `refIdPrefix`.
 */
export function completedBankIdentifications(
  refIdPrefix: string,
  month: string,
  completed: number,
): UsageRecord[] {
  return Array.from({ length: completed }, (_, i) =>
    (['started', 'terms-accepted'] as const).map((event) => ({
      clientId: 'demo-bank',
      month,
      issuer: 'BankIdent-Demo',
      method: 'bank',
      event,
      refId: `${refIdPrefix}-${month}-${i}`,
      at: `${month}-10T09:00:00.000Z`,
    })),
  ).flat();
}
