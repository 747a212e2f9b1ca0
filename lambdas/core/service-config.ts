/**
 * The operator's configuration: the catalogue of partners and the SPs' setups. Read from a file by
 * the local stack and by the seeding tool (`npm run seed`) that writes it into the table in AWS.
 */
import { z } from 'zod';
import type { IspConfig, SpSetup } from './domain.js';
import { JURISDICTIONS } from './domain.js';

const loa = z.union([z.literal(3), z.literal(4)]);
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/);
const method = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/);

export const IspConfigSchema = z.strictObject({
  issuer: name,
  adapter: z.string().min(1),
  loa,
  jurisdictions: z.array(z.enum(JURISDICTIONS)).min(1),
  realtimeMethods: z.array(method),
  offlineMethods: z.array(method).default([]),
  offline: z.boolean(),
  webflow: z.boolean(),
  operatorAssisted: z.boolean().default(true),
  identificationData: z.array(z.string()).default([]),
  additionalData: z.array(z.string()).default([]),
  defaultLocale: z.string().default('en'),
  timeoutSeconds: z.number().int().min(1).max(1_814_400),
  orderValiditySeconds: z.number().int().min(1).max(1_814_400),
  /** Public keys (JWK) this partner signs its callbacks with. */
  keys: z.array(z.record(z.string(), z.unknown())).default([]),
  /** Adapter-specific settings (e.g. the partner's API URL for the generic HTTP adapter). */
  settings: z.record(z.string(), z.unknown()).default({}),
});

export const SpConfigSchema = z.strictObject({
  clientId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  /** Local stack only: the client secret of the local authorization server. Never in AWS config. */
  clientSecret: z.string().min(12).optional(),
  name: z.string().min(1).max(200),
  methods: z.record(z.string(), z.union([z.literal('*'), z.array(method)])),
  jurisdictions: z.array(z.enum(JURISDICTIONS)).min(1),
  loas: z.array(loa).min(1),
  financialIntermediary: z.boolean(),
  amlContracts: z.array(z.string()).default([]),
  claimedIdentities: z.array(z.string().min(1).max(255)).default([]),
  /** OAuth scopes the client may ask for. */
  scopes: z.array(z.string()).default(['srs/read', 'srs/write']),
});

export const ServiceConfigSchema = z.strictObject({
  $comment: z.string().optional(),
  isps: z.array(IspConfigSchema).min(1),
  serviceProviders: z.array(SpConfigSchema),
});

export type ServiceConfig = z.output<typeof ServiceConfigSchema>;
export type SpConfig = z.output<typeof SpConfigSchema>;
export type IspEntry = z.output<typeof IspConfigSchema>;

export function toSpSetup(sp: SpConfig): SpSetup {
  const { clientSecret: _secret, scopes: _scopes, ...setup } = sp;
  return setup;
}

export function toIspConfig(isp: IspEntry): IspConfig {
  return isp;
}
