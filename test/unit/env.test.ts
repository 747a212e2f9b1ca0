/** The functions' environment: one validated place, failing with the variable's name, never its value. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  assertPartnerSecretsConfigured,
  InvalidEnvironment,
  optionalEnv,
  partnerSecretEnv,
  requiredEnv,
  retentionPolicyEnv,
  secondsEnvMs,
} from '../../lambdas/adapters/env.js';
import { DEFAULT_RETENTION } from '../../lambdas/core/retention.js';

/** The error a call throws (the tests below look at its message). */
function errorOf(call: () => unknown): Error | undefined {
  try {
    call();
  } catch (err) {
    return err as Error;
  }
  return undefined;
}

afterEach(() => vi.unstubAllEnvs());

describe('the environment', () => {
  it('returns a valid value and fails on a missing required one, naming it', () => {
    vi.stubEnv('TABLE_NAME', 'smart-registration');
    vi.stubEnv('STATE_MACHINE_ARN', '');

    expect(requiredEnv('TABLE_NAME')).toBe('smart-registration');
    expect(() => requiredEnv('STATE_MACHINE_ARN')).toThrow(
      new InvalidEnvironment('Missing required environment variable STATE_MACHINE_ARN'),
    );
  });

  it('refuses a value that breaks its rule without quoting the value (some are secrets)', () => {
    vi.stubEnv('ORDER_TOKEN_PRIVATE_JWK', 'not-json-secret-material');
    vi.stubEnv('PUBLIC_BASE_URL', 'ftp://srs.example.com');

    const jwk = errorOf(() => requiredEnv('ORDER_TOKEN_PRIVATE_JWK'));

    expect(jwk?.message).toBe('Environment variable ORDER_TOKEN_PRIVATE_JWK must be a JSON object');
    expect(jwk?.message).not.toContain('secret-material');
    expect(() => optionalEnv('PUBLIC_BASE_URL', 'https://fallback.example')).toThrow(
      /PUBLIC_BASE_URL must be an http\(s\) URL/,
    );
  });

  it('falls back when a variable is unset or empty, and reads seconds as milliseconds', () => {
    vi.stubEnv('SMS_SENDER_ID', '');
    vi.stubEnv('VERIFY_COUNT_FLUSH_SECONDS', '2.5');
    vi.stubEnv('CONFIG_CACHE_SECONDS', '-1');

    expect(optionalEnv('SMS_SENDER_ID')).toBeUndefined();
    expect(optionalEnv('TOKEN_URL', 'https://token.example/oauth2/token')).toBe(
      'https://token.example/oauth2/token',
    );
    expect(secondsEnvMs('VERIFY_COUNT_FLUSH_SECONDS', 1)).toBe(2500);
    expect(() => secondsEnvMs('CONFIG_CACHE_SECONDS', 60)).toThrow(
      /CONFIG_CACHE_SECONDS must be a number of seconds/,
    );
  });

  it('reads the retention policy from the RETENTION_* overrides, refusing a value that is not a whole number', () => {
    vi.stubEnv('RETENTION_ENDED_ORDER_DAYS', '14');
    vi.stubEnv('RETENTION_USAGE_YEARS', '');

    expect(retentionPolicyEnv()).toEqual({ ...DEFAULT_RETENTION, endedOrderDays: 14 });

    vi.stubEnv('RETENTION_AML_ACCESS_YEARS', '10.5');
    expect(() => retentionPolicyEnv()).toThrow(
      new InvalidEnvironment(
        'Environment variable RETENTION_AML_ACCESS_YEARS must be a whole number from 1 to 99999',
      ),
    );
  });
});

describe('partner secrets', () => {
  it('reads a listed variable, and fails on a missing one naming it', () => {
    vi.stubEnv('PARTNER_SECRETS', 'EXAMPLEIDENT_API_TOKEN,BANK_USER,BANK_PASSWORD');
    vi.stubEnv('EXAMPLEIDENT_API_TOKEN', 'token-value-1234');
    vi.stubEnv('BANK_USER', 'srs');
    vi.stubEnv('BANK_PASSWORD', '');

    expect(partnerSecretEnv('EXAMPLEIDENT_API_TOKEN')).toBe('token-value-1234');
    expect(() => assertPartnerSecretsConfigured()).toThrow(
      new InvalidEnvironment('Missing partner secret variable BANK_PASSWORD'),
    );
  });

  it('refuses a value with a line break without quoting it', () => {
    vi.stubEnv('PARTNER_SECRETS', 'EXAMPLEIDENT_API_TOKEN');
    vi.stubEnv('EXAMPLEIDENT_API_TOKEN', 'token-secret-part\r\nX-Injected: 1');

    const err = errorOf(() => assertPartnerSecretsConfigured());

    expect(err).toBeInstanceOf(InvalidEnvironment);
    expect(err?.message).toBe(
      'Partner secret variable EXAMPLEIDENT_API_TOKEN must be text on one line without control characters, not blank',
    );
    expect(err?.message).not.toContain('secret-part');
  });

  it('reads no variable the deployment did not list', () => {
    vi.stubEnv('PARTNER_SECRETS', 'EXAMPLEIDENT_API_TOKEN');
    vi.stubEnv('OTHER_TOKEN', 'other-token-value');

    expect(() => partnerSecretEnv('OTHER_TOKEN')).toThrow(
      /^The partner secret variable OTHER_TOKEN is not listed in PARTNER_SECRETS/,
    );
  });

  it.each(['SERIAL_NUMBER_KEY', 'AWS_SECRET_ACCESS_KEY', 'ORDER_TOKEN_PRIVATE_JWK', 'lower_case', 'A,,B'])(
    'refuses a list naming %s (the service’s or the runtime’s own, or not a name)',
    (listed) => {
      vi.stubEnv('PARTNER_SECRETS', listed);

      expect(() => assertPartnerSecretsConfigured()).toThrow(
        new InvalidEnvironment(
          "Environment variable PARTNER_SECRETS must be names of environment variables, comma-separated, none of them the service's own",
        ),
      );
    },
  );

  it('holds nothing to check when no partner needs a secret', () => {
    vi.stubEnv('PARTNER_SECRETS', '');

    expect(() => assertPartnerSecretsConfigured()).not.toThrow();
    expect(() => partnerSecretEnv('EXAMPLEIDENT_API_TOKEN')).toThrow(/not listed in PARTNER_SECRETS/);
  });
});
