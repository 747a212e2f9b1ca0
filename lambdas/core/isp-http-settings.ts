/**
 * The settings of the generic HTTP adapter (`adapter: "http"` in the catalogue): their schema, read
 * with the configuration and by the adapter for each order it opens. The decisions the adapter makes
 * with them are in isp-http.ts, which loads no zod.
 */
import { ENV_VARIABLE_NAME } from './env-name.js';
import {
  collidingFieldPaths,
  FIELD_PATH,
  isAllowedPartnerUrl,
  isWithinBounds,
  JSON_POINTER,
  MAX_PARTNER_BUDGET_MS,
  NUMBER_SETTINGS,
  type NumberSetting,
  TOKEN_PARAMETER,
  worstCaseMs,
} from './isp-http.js';
import * as z from './zod.js';

/** The adapter settings' schema, built by the first parse (see HttpAdapterSettings). */
function httpAdapterSettingsSchema() {
  const partnerUrl = z.string().check(
    z.refine(isAllowedPartnerUrl, {
      error: 'Must be an https URL without credentials (http only to localhost, 127.0.0.1 or [::1]).',
    }),
  );
  /** The NAME of an environment variable holding a secret; secrets never appear in the configuration. */
  const envName = z
    .string()
    .check(z.regex(ENV_VARIABLE_NAME, { error: 'Must be an environment variable name (A-Z, 0-9, _).' }));
  /** A field name in the partner's request body; dots make nested objects (`person.givenName`). */
  const fieldPath = z.string().check(
    z.regex(FIELD_PATH, {
      error:
        'Must be a field name, or dotted names for nested objects (at most 5 levels), none of them __proto__, constructor or prototype.',
    }),
  );
  /** RFC 6901 JSON pointer into the partner's answer. */
  const jsonPointer = z.string().check(z.regex(JSON_POINTER, { error: 'Must be a JSON pointer, e.g. /id.' }));
  /** Our field under the partner's name; `null` leaves the field out; absent keeps our name. */
  const mapped = z.optional(z.nullable(fieldPath));
  /** A whole number within its bounds, its default when absent (NUMBER_SETTINGS). */
  const wholeSetting = (name: NumberSetting) => {
    const { min, max, fallback } = NUMBER_SETTINGS[name];
    return z._default(z.number().check(z.int(), z.minimum(min), z.maximum(max)), fallback);
  };

  return z
    .strictObject({
      /** Where orders are opened: `POST <ordersUrl>` with a JSON body. */
      ordersUrl: partnerUrl,
      auth: z.discriminatedUnion('type', [
        z.strictObject({ type: z.literal('bearer'), tokenEnv: envName }),
        z.strictObject({ type: z.literal('basic'), usernameEnv: envName, passwordEnv: envName }),
      ]),
      // Bounds and defaults: NUMBER_SETTINGS (isp-http.ts), which says what each is.
      timeoutMs: wholeSetting('timeoutMs'),
      retries: wholeSetting('retries'),
      retryBaseDelayMs: wholeSetting('retryBaseDelayMs'),
      maxRetryAfterMs: wholeSetting('maxRetryAfterMs'),
      requestFields: z.prefault(
        z.strictObject({
          refId: mapped,
          firstName: mapped,
          lastName: mapped,
          dob: mapped,
          email: mapped,
          mobile: mapped,
          language: mapped,
          method: mapped,
          loa: mapped,
          jurisdictions: mapped,
          expiresAt: mapped,
          orderToken: mapped,
          callbackUrl: mapped,
        }),
        {},
      ),
      /** Where the partner's answer holds its order id and the URL to send the person to. */
      response: z.prefault(
        z.strictObject({
          orderId: z._default(jsonPointer, '/orderId'),
          redirectUrl: z._default(jsonPointer, '/redirectUrl'),
        }),
        {},
      ),
      /** The order token is appended to the partner's redirect URL under this name; null: not appended. */
      redirectTokenParameter: z._default(z.nullable(z.string().check(z.regex(TOKEN_PARAMETER))), 'token'),
    })
    .check(
      z.superRefine((s, ctx) => {
        const collision = collidingFieldPaths(s);
        if (collision) {
          ctx.addIssue({
            code: 'custom',
            path: ['requestFields'],
            message: `Field names collide: ${collision[0]} and ${collision[1]}.`,
          });
          return;
        }
        // Only for a retry count that passed its own bound: the loop below is as long as it.
        const retriesInRange = isWithinBounds('retries', s.retries);
        if (retriesInRange && worstCaseMs(s) > MAX_PARTNER_BUDGET_MS) {
          ctx.addIssue({
            code: 'custom',
            path: ['timeoutMs'],
            message: `timeoutMs, retries and the waits could take ${worstCaseMs(s)} ms; at most ${MAX_PARTNER_BUDGET_MS} ms fit in a start call.`,
          });
        }
      }),
    );
}

/**
 * A partner's settings on the `http` adapter, validated with the configuration (service-config.ts
 * holds it for the seeding and the local stack). The adapter reads the settings of each order it
 * opens with `readHttpAdapterSettings` (isp-http.ts), held to this schema exactly by a test, so that
 * no deployed function carries it for the adapter (docs/benchmarks.md §3); its ~60 schemas and
 * checks are built by the first parse (`z.lazy`).
 */
export const HttpAdapterSettings = /* @__PURE__ */ z.define(() => z.lazy(httpAdapterSettingsSchema));
export type HttpAdapterSettings = z.output<typeof HttpAdapterSettings>;
