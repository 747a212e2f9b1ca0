/** Shared vocabulary of the domain. Pure types and constants. */

import { namedTwice } from './named-once.js';
import { unicodePattern, unicodeRegExp } from './unicode-pattern.js';

/** OAuth scopes of the API (the resource server `srs` in Cognito). */
export const RESOURCE_SERVER = 'srs';
export const SCOPES = {
  read: `${RESOURCE_SERVER}/read`,
  write: `${RESOURCE_SERVER}/write`,
  introspect: `${RESOURCE_SERVER}/introspect`,
} as const;
export type Scope = (typeof SCOPES)[keyof typeof SCOPES];
/** What an SP client may ask for unless its setup says otherwise (in Cognito and locally alike). */
export const DEFAULT_SP_SCOPES: readonly Scope[] = [SCOPES.read, SCOPES.write];
/** What a partner's backend client may ask for: introspecting order tokens, nothing else. */
export const PARTNER_SCOPES = [SCOPES.introspect] as const;

/**
 * The characters free text never contains, as members of a character class: C0/C1 controls, format
 * characters (bidi overrides, zero-width tricks), line and paragraph separators, and lone surrogates
 * (`\\p{Cs}` under the `u` flag: half a pair is no character, and UTF-8 cannot carry it).
 */
export const UNSAFE_CHARACTERS = '\\p{Cc}\\p{Cf}\\p{Cs}\\p{Zl}\\p{Zp}';
/**
 * Free text: none of UNSAFE_CHARACTERS (the pattern's `source` is what the OpenAPI document shows).
 * Built on first use (unicode-pattern.ts); printable ASCII and Latin-1 but the soft hyphen (a format
 * character) are free text without it.
 */
const safeText = /* @__PURE__ */ unicodePattern(
  /^[\x20-\x7E\xA0-\xAC\xAE-\xFF]*$/,
  () => new RegExp(`^[^${UNSAFE_CHARACTERS}]*$`, 'u'),
);
export const safeTextPattern = (): RegExp => safeText.pattern();
/** Whether `value` matches the free text pattern (ASCII and Latin-1 text without building it). */
export const matchesSafeText = (value: string): boolean => safeText.test(value);

/** A mobile number as the verify call takes it: an optional `+`, then 8 to 15 digits, the first not 0. */
export const MSISDN = /^\+?[1-9]\d{7,14}$/;

/**
 * A partner's issuer name in the catalogue: letters and digits, then also spaces, `.`, `_` and `-`.
 * Built on first use (unicode-pattern.ts); an ASCII name is decided without it. Its source is a
 * string (unicodeRegExp): as a literal, V8 built its classes when it parsed the bundle (~0.2 ms).
 */
const issuerName = /* @__PURE__ */ unicodePattern(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, () =>
  unicodeRegExp('^[\\p{L}\\p{N}][\\p{L}\\p{N} ._-]*$'),
);
export const issuerNamePattern = (): RegExp => issuerName.pattern();
/** Whether `value` matches the issuer name pattern (an ASCII one without building it). */
export const matchesIssuerName = (value: string): boolean => issuerName.test(value);
/** The longest issuer name, in code points. */
export const ISSUER_MAX = 100;
/** An identification method's name (`video`, `courier`, …). */
export const METHOD_NAME = /^[a-z][a-z0-9-]{0,31}$/;

export const JURISDICTIONS = ['ZERTES', 'EIDAS'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];
/** A list of jurisdictions is a set (named-once.ts), so it holds at most as many as there are. */
export const JURISDICTIONS_MAX = JURISDICTIONS.length;
export const REPEATED_JURISDICTION = namedTwice('a jurisdiction');

/** 3 = advanced electronic signature (AES), 4 = qualified (QES). */
export const LOAS = [3, 4] as const;
export type Loa = (typeof LOAS)[number];

/**
 * A claimed identity's id (the signing service account an SP signs under) is part of a DynamoDB
 * key: ASCII letters and digits, then also `.`, `_`, `:` and `-`, at most 128 characters.
 */
export const CLAIMED_IDENTITY_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** A claimed identity of an SP: it selects the signing key and its CA, hence the legal areas. */
export interface ClaimedIdentitySetup {
  id: string;
  /** The jurisdictions a signature under this identity is made under: verify demands them all. */
  jurisdictions: Jurisdiction[];
}

export const LANGUAGES = ['en', 'de', 'fr', 'it'] as const;
export type Language = (typeof LANGUAGES)[number];

/** One identification partner offering one or more methods, as configured by the operator. */
export interface IspConfig {
  issuer: string;
  /** Key of the ISP adapter plug-in that talks to this partner (e.g. `test-isp`). */
  adapter: string;
  /** LoA the partner's identification reaches, before eligibility rules. */
  loa: Loa;
  jurisdictions: Jurisdiction[];
  /** Online methods: the person is identified in one sitting (video, bank, eid, auto, test). */
  realtimeMethods: string[];
  /** Methods that need a visit or a delivery (courier, pos). */
  offlineMethods: string[];
  /** The paper's `offline` flag: the partner also offers an offline process. */
  offline: boolean;
  /** The paper's `webflow` flag: identification without a breach of media. */
  webflow: boolean;
  /** False for auto-identification without a human operator (caps the LoA at 3). */
  operatorAssisted: boolean;
  identificationData: string[];
  additionalData: string[];
  defaultLocale: string;
  /** How long we wait for the partner before the order expires. */
  timeoutSeconds: number;
  /** How long the person's order token / target URL stays valid. */
  orderValiditySeconds: number;
  /** Public keys (JWK) the partner signs its callbacks with; several during a key rotation. */
  keys: Record<string, unknown>[];
  /** Adapter-specific settings (e.g. the partner's API URL for the generic HTTP adapter). */
  settings: Record<string, unknown>;
  /** The partner's backend as an OAuth client (e.g. to call token introspection); never a secret here. */
  clients?: IspClient[];
}

/** An OAuth client of an identification partner's backend. */
export interface IspClient {
  clientId: string;
  scopes: string[];
}

/** The SP's contract: which partners and methods, legal areas and levels it may use. */
export interface SpSetup {
  clientId: string;
  name: string;
  /** issuer → allowed methods, or `*` for all methods of that issuer. */
  methods: Record<string, string[] | '*'>;
  jurisdictions: Jurisdiction[];
  loas: Loa[];
  financialIntermediary: boolean;
  /** Issuers with which this SP has an anti-money-laundering contract. */
  amlContracts: string[];
  /** The claimed identities (signing service accounts) this SP signs under, each with its jurisdictions. */
  claimedIdentities: ClaimedIdentitySetup[];
  /**
   * What the SP pays (monthly fees, completed identifications, verify calls), each sheet from the
   * month it takes effect, oldest first; none: not priced (statement.ts `priceSheetIn`).
   */
  priceSheets?: import('./price-sheet.js').DatedPriceSheet[];
  /** One sheet for every month: the form before price history (ADR 0025), still seeded and read. */
  priceSheet?: import('./price-sheet.js').PriceSheet;
  /**
   * The methods enabled for it month by month, what its monthly fees are for (ADR 0028); none: each
   * month's fees are for what its catalogue offers it now (statement.ts `monthlyFeeMethodsIn`).
   */
  enabledMethods?: import('./enabled-methods.js').EnabledMethod[];
  /** How long the person may take to choose the method (default METHOD_CHOICE_SECONDS). */
  methodChoiceSeconds?: number | undefined;
}

/** The catalogue entry exactly as the white paper shows it. */
export interface ProviderView {
  loa: number;
  issuer: string;
  webflow: boolean;
  jurisdiction: string;
  realtimeMethods: string[];
  offline: boolean;
  identificationData: string[];
  additionalData: string[];
  defaultLocale: string;
  /**
   * Our extension of the paper's shape: the offline methods (courier, point of sale) of this entry,
   * present only when it has any — the start call's `method`, as `realtimeMethods` are.
   */
  offlineMethods?: string[];
}
