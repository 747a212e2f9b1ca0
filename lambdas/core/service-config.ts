/**
 * The operator's configuration: the catalogue of partners and the SPs' setups. Read from a file by
 * the local stack and by the seeding tool (`npm run seed`) that writes it into the table in AWS.
 */
import type { IspConfig, SpSetup } from './domain.js';
import { DEFAULT_SP_SCOPES, JURISDICTIONS, METHOD_NAME, PARTNER_SCOPES } from './domain.js';
import { EnabledMethodsSchema } from './enabled-methods.js';
import { claimedIdentityId } from './fields.js';
import { secretVariablesOf } from './isp-http.js';
import { HttpAdapterSettings } from './isp-http-settings.js';
import { isLoopbackHttp } from './loopback.js';
import { namedTwice, namesEachOnce } from './named-once.js';
import { PartnerKeysSchema } from './partner-keys.js';
import { PriceSheetSchema, PriceSheetsSchema } from './price-sheet.js';
import { DEFAULT_TERMS_OF_USE } from './terms-of-use.js';
import { TermsOfUseSchema } from './terms-of-use-schema.js';
import * as z from './zod.js';

/**
 * A list of the configuration that stands for a set: `what` named twice is refused on the list's
 * path, as a partner's evidence naming a jurisdiction twice is (named-once.ts), instead of being
 * written as given.
 */
const setOf = <T extends z.ZodMiniType>(item: T, what: string) =>
  z.array(item).check(z.refine(namesEachOnce, { error: namedTwice(what) }));

const loa = /* @__PURE__ */ z.define(() => z.union([z.literal(3), z.literal(4)]));
const name = /* @__PURE__ */ z.define(() => z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/)));
const method = /* @__PURE__ */ z.define(() => z.string().check(z.regex(METHOD_NAME)));
const clientId = /* @__PURE__ */ z.define(() => z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/)));

/** A partner's backend as an OAuth client: it may introspect the order tokens addressed to it. */
export const IspClientSchema = /* @__PURE__ */ z.define(() =>
  z.strictObject({
    clientId,
    /** Local stack only: the client secret of the local authorization server. Never in AWS config. */
    clientSecret: z.optional(z.string().check(z.minLength(12))),
    scopes: z._default(setOf(z.enum(PARTNER_SCOPES), 'a scope').check(z.minLength(1)), [...PARTNER_SCOPES]),
  }),
);

export const IspConfigSchema = /* @__PURE__ */ z.define(() =>
  z.strictObject({
    issuer: name,
    adapter: z.string().check(z.minLength(1)),
    loa,
    jurisdictions: setOf(z.enum(JURISDICTIONS), 'a jurisdiction').check(z.minLength(1)),
    realtimeMethods: setOf(method, 'a method'),
    offlineMethods: z._default(setOf(method, 'a method'), []),
    offline: z.boolean(),
    webflow: z.boolean(),
    operatorAssisted: z._default(z.boolean(), true),
    identificationData: z._default(setOf(z.string(), 'a field'), []),
    additionalData: z._default(setOf(z.string(), 'a field'), []),
    defaultLocale: z._default(z.string(), 'en'),
    timeoutSeconds: z.number().check(z.int(), z.minimum(1), z.maximum(1_814_400)),
    orderValiditySeconds: z.number().check(z.int(), z.minimum(1), z.maximum(1_814_400)),
    /** Public keys (JWK, ES256 or RS256) this partner signs its callbacks with; checked in partner-keys.ts. */
    keys: z._default(PartnerKeysSchema, []),
    /** Adapter-specific settings (e.g. the partner's API URL for the generic HTTP adapter). */
    settings: z._default(z.record(z.string(), z.unknown()), {}),
    /** The partner's OAuth clients (Cognito app clients in AWS). */
    clients: z._default(z.array(IspClientSchema), []),
  }),
);

const jurisdictions = /* @__PURE__ */ z.define(() =>
  setOf(z.enum(JURISDICTIONS), 'a jurisdiction').check(z.minLength(1)),
);
/**
 * A claimed identity with the jurisdictions it signs under; a bare id (the earlier form) signs
 * under all of its SP's jurisdictions.
 */
export const ClaimedIdentityConfigSchema = /* @__PURE__ */ z.define(() =>
  z.union([claimedIdentityId, z.strictObject({ id: claimedIdentityId, jurisdictions })]),
);

const SpConfigObject = /* @__PURE__ */ z.define(() =>
  z
    .strictObject({
      clientId,
      /** Local stack only: the client secret of the local authorization server. Never in AWS config. */
      clientSecret: z.optional(z.string().check(z.minLength(12))),
      name: z.string().check(z.minLength(1), z.maxLength(200)),
      methods: z.record(z.string(), z.union([z.literal('*'), setOf(method, 'a method')])),
      jurisdictions,
      loas: setOf(loa, 'an assurance level').check(z.minLength(1)),
      financialIntermediary: z.boolean(),
      amlContracts: z._default(setOf(z.string(), 'an issuer'), []),
      claimedIdentities: z._default(z.array(ClaimedIdentityConfigSchema), []),
      /** How long the person may take to choose the method, for starts without issuer and method. */
      methodChoiceSeconds: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(1_814_400))),
      /** OAuth scopes the client may ask for. */
      scopes: z._default(setOf(z.string(), 'a scope'), [...DEFAULT_SP_SCOPES]),
      /**
       * The prices of its monthly statements (`npm run admin -- usage`), each sheet from the month it
       * takes effect, oldest first; a month before the first one, or without any, is counted, not priced.
       */
      priceSheets: z.optional(PriceSheetsSchema),
      /** One sheet for every month: the form before price history (ADR 0025). */
      priceSheet: z.optional(PriceSheetSchema),
      /**
       * The methods enabled for it, each from the month it was enabled in until the month it was
       * withdrawn in: what each month's monthly fees are for (ADR 0028). Without it, every month's
       * fees are for the methods its catalogue offers it now.
       */
      enabledMethods: z.optional(EnabledMethodsSchema),
    })
    .check(
      z.refine((sp) => sp.priceSheet === undefined || sp.priceSheets === undefined, {
        path: ['priceSheet'],
        error: 'Give priceSheets or priceSheet, not both: add this sheet to priceSheets with its from.',
      }),
    ),
);

export const SpConfigSchema = /* @__PURE__ */ z.define(() =>
  z.pipe(
    SpConfigObject,
    z.transform((sp) => ({
      ...sp,
      claimedIdentities: sp.claimedIdentities.map((ci) =>
        typeof ci === 'string' ? { id: ci, jurisdictions: [...sp.jurisdictions] } : ci,
      ),
    })),
  ),
);

/** Settings of the adapters that define a schema for them, by adapter name. */
const ADAPTER_SETTINGS: Record<string, z.ZodMiniType> = { http: HttpAdapterSettings };

/**
 * Where the partners' settings name a URL of plain http to the loopback interface, as
 * `isps.<i>.settings.ordersUrl`: what a stage that allows none (production, loopback.ts) refuses.
 */
export function loopbackHttpPartnerUrls(config: Pick<ServiceConfig, 'isps'>): string[] {
  return config.isps.flatMap((isp, i) => {
    if (isp.adapter !== 'http') return [];
    const ordersUrl = (isp.settings as { ordersUrl?: unknown } | undefined)?.ordersUrl;
    const url = typeof ordersUrl === 'string' ? URL.parse(ordersUrl) : null;
    return url !== null && isLoopbackHttp(url) ? [`isps.${i}.settings.ordersUrl`] : [];
  });
}

/**
 * The environment variables the partners' settings name for their secrets, each once: what the
 * functions that open orders must hold (PARTNER_SECRETS; docs/isp-integration.md).
 */
export function partnerSecretVariables(config: Pick<ServiceConfig, 'isps'>): string[] {
  const names = config.isps.flatMap((isp) => {
    if (isp.adapter !== 'http') return [];
    const parsed = HttpAdapterSettings.safeParse(isp.settings);
    return parsed.success ? secretVariablesOf(parsed.data) : [];
  });
  return [...new Set(names)];
}

export const ServiceConfigSchema = /* @__PURE__ */ z.define(() =>
  z
    .strictObject({
      $comment: z.optional(z.string()),
      isps: z.array(IspConfigSchema).check(z.minLength(1)),
      serviceProviders: z.array(SpConfigSchema),
      /** The terms of use new acceptances get; the service's own default when absent. */
      termsOfUse: z._default(TermsOfUseSchema, DEFAULT_TERMS_OF_USE),
    })
    .check(
      z.superRefine((config, ctx) => {
        config.isps.forEach((isp, i) => {
          const schema = ADAPTER_SETTINGS[isp.adapter];
          const parsed = schema?.safeParse(isp.settings);
          for (const issue of parsed?.error?.issues ?? []) {
            ctx.addIssue({
              code: 'custom',
              path: ['isps', i, 'settings', ...issue.path],
              message: issue.message,
            });
          }
        });
        // A claimed identity is one SP's (it is a table key), and signs only where its SP may.
        const claimedBy = new Map<string, string>();
        config.serviceProviders.forEach((sp, i) => {
          sp.claimedIdentities.forEach((ci, j) => {
            const path = ['serviceProviders', i, 'claimedIdentities', j];
            const owner = claimedBy.get(ci.id);
            if (owner !== undefined)
              ctx.addIssue({
                code: 'custom',
                path,
                message: `Claimed identity ${ci.id} is already one of ${owner}.`,
              });
            claimedBy.set(ci.id, sp.clientId);
            // Checks run even when an entry failed its own schema (and so was not normalised).
            for (const j2 of Array.isArray(ci.jurisdictions) ? ci.jurisdictions : [])
              if (!sp.jurisdictions.includes(j2))
                ctx.addIssue({
                  code: 'custom',
                  path: [...path, 'jurisdictions'],
                  message: `${j2} is not a jurisdiction of ${sp.clientId}.`,
                });
          });
        });
        // A price names a method some partner offers: a mistyped one ("vidoe") would never apply,
        // and the method it meant would be priced with the sheet's default instead.
        // Like the checks above, this runs on entries that failed their own schema: nothing is assumed.
        const listed = (methods: unknown): unknown[] => (Array.isArray(methods) ? methods : []);
        const offered = new Set(
          config.isps.flatMap((isp) => [...listed(isp.realtimeMethods), ...listed(isp.offlineMethods)]),
        );
        config.serviceProviders.forEach((sp, i) => {
          const sheets = Array.isArray(sp.priceSheets)
            ? sp.priceSheets.map((sheet, j) => ({ sheet, path: ['priceSheets', j] }))
            : [{ sheet: sp.priceSheet, path: ['priceSheet'] }];
          for (const { sheet, path } of sheets)
            for (const item of ['monthlyFee', 'completedIdentification'] as const) {
              const prices: unknown = sheet?.[item];
              if (typeof prices !== 'object' || prices === null) continue;
              for (const key of Object.keys(prices))
                if (key !== 'default' && !offered.has(key))
                  ctx.addIssue({
                    code: 'custom',
                    path: ['serviceProviders', i, ...path, item, key],
                    message: `No partner offers a method ${key}: name a method of the catalogue, or default.`,
                  });
            }
        });
        // One issuer is one partner: a second entry would be written over the first.
        const issuers = new Set<string>();
        config.isps.forEach((isp, i) => {
          if (issuers.has(isp.issuer))
            ctx.addIssue({
              code: 'custom',
              path: ['isps', i, 'issuer'],
              message: `Issuer ${isp.issuer} is used twice.`,
            });
          issuers.add(isp.issuer);
        });
        // One client id is one party: an SP or a partner, never both, never twice.
        const seen = new Set<string>();
        const ids = [
          ...config.serviceProviders.map((sp, i) => ({
            id: sp.clientId,
            path: ['serviceProviders', i, 'clientId'],
          })),
          ...config.isps.flatMap((isp, i) =>
            isp.clients.map((c, j) => ({ id: c.clientId, path: ['isps', i, 'clients', j, 'clientId'] })),
          ),
        ];
        for (const { id, path } of ids) {
          if (seen.has(id)) ctx.addIssue({ code: 'custom', path, message: `Client id ${id} is used twice.` });
          seen.add(id);
        }
      }),
    ),
);

export type ServiceConfig = z.output<typeof ServiceConfigSchema>;
export type SpConfig = z.output<typeof SpConfigSchema>;
export type IspEntry = z.output<typeof IspConfigSchema>;

export function toSpSetup(sp: SpConfig): SpSetup {
  const { clientSecret: _secret, scopes: _scopes, ...setup } = sp;
  return setup;
}

/** What the table holds of a partner: its client secrets (local only) stay out. */
export function toIspConfig(isp: IspEntry): IspConfig {
  return { ...isp, clients: isp.clients.map(({ clientId, scopes }) => ({ clientId, scopes })) };
}

/** Every OAuth client of the configuration (SPs and partners), for the local authorization server. */
export function oauthClientsOf(
  config: ServiceConfig,
): { clientId: string; clientSecret?: string; scopes: string[] }[] {
  return [...config.serviceProviders, ...config.isps.flatMap((isp) => isp.clients)];
}
