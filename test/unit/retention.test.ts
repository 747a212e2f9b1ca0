/** The retention policy, pure: when each kind of item expires, and its overrides. */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETENTION,
  orderExpiry,
  registeredEvidenceExpiry,
  registrationExpiry,
  retentionPolicyFrom,
  verifyCounterExpiry,
  webhookDeliveryExpiry,
} from '../../lambdas/core/retention.js';
import { order, statusEntry } from './fixtures.js';

const epoch = (iso: string) => Date.parse(iso) / 1000;
const DAY = 86_400;

describe('orderExpiry', () => {
  it('an order that ended without a registration: 30 days after it ended', () => {
    const o = order({
      statuses: [statusEntry('created', 0), statusEntry('cancelled', 60, { kind: 'user' })],
    });

    expect(orderExpiry(o, DEFAULT_RETENTION)).toBe(epoch('2025-03-01T11:00:00Z') + 30 * DAY);
  });

  it('an order that ended in a registration: 90 days after the terms were accepted', () => {
    const o = order({
      statuses: [statusEntry('created', 0), statusEntry('data-ready', 10), statusEntry('terms-accepted', 20)],
    });

    expect(orderExpiry(o, DEFAULT_RETENTION)).toBe(epoch('2025-03-01T10:20:00Z') + 90 * DAY);
  });

  it('an open order: 30 days after the latest it can end (partner timeout, then 14 days for the terms)', () => {
    const o = order({ timeoutSeconds: 7200 });

    expect(orderExpiry(o, DEFAULT_RETENTION)).toBe(epoch('2025-03-01T12:00:00Z') + 14 * DAY + 30 * DAY);
  });
});

describe('registrations and their evidence', () => {
  it('a registration expires when its validity ends; its evidence 11 years later', () => {
    expect(registrationExpiry({ validUntil: '2030-01-10T08:00:00.000Z' })).toBe(
      epoch('2030-01-10T08:00:00Z'),
    );
    expect(registeredEvidenceExpiry('2030-01-10T08:00:00.000Z', DEFAULT_RETENTION)).toBe(
      epoch('2030-01-10T08:00:00Z') + Math.round(11 * 365.25 * DAY),
    );
  });
});

describe('verifyCounterExpiry', () => {
  it('counts from the end of the month (December rolls into the next year)', () => {
    expect(verifyCounterExpiry('2026-12', DEFAULT_RETENTION)).toBe(
      epoch('2027-01-01T00:00:00Z') + Math.round(10 * 365.25 * DAY),
    );
  });
});

describe('webhookDeliveryExpiry', () => {
  it('a delivery log entry: 30 days after the delivery was created, or as set', () => {
    expect(webhookDeliveryExpiry('2026-03-01T10:00:00.000Z', DEFAULT_RETENTION)).toBe(
      epoch('2026-03-31T10:00:00Z'),
    );
    expect(
      webhookDeliveryExpiry('2026-03-01T10:00:00.000Z', { ...DEFAULT_RETENTION, webhookDeliveryDays: 7 }),
    ).toBe(epoch('2026-03-08T10:00:00Z'));
  });
});

describe('retentionPolicyFrom', () => {
  it('takes the defaults, and whole numbers from RETENTION_* variables', () => {
    expect(retentionPolicyFrom({})).toEqual(DEFAULT_RETENTION);
    expect(retentionPolicyFrom({ RETENTION_ENDED_ORDER_DAYS: '7', RETENTION_USAGE_YEARS: '' })).toEqual({
      ...DEFAULT_RETENTION,
      endedOrderDays: 7,
    });
  });

  it.each(['0', '-1', '1.5', 'ten', '999999'])('refuses %s', (value) => {
    expect(() => retentionPolicyFrom({ RETENTION_REGISTERED_ORDER_DAYS: value })).toThrow(
      /RETENTION_REGISTERED_ORDER_DAYS must be a whole number/,
    );
  });
});
