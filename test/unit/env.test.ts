/** The functions' environment: one validated place, failing with the variable's name, never its value. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidEnvironment, optionalEnv, requiredEnv, secondsEnvMs } from '../../lambdas/adapters/env.js';

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

    const jwk = (() => {
      try {
        requiredEnv('ORDER_TOKEN_PRIVATE_JWK');
      } catch (err) {
        return err as Error;
      }
    })();

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
});
