/**
 * The provider catalogue's query and answer (GET /api/providers).
 */
import { issuerName, jurisdiction, methodName } from './catalogue-fields.js';
import * as z from './zod.js';

const booleanParam = /* @__PURE__ */ z.define(() =>
  z.pipe(
    z.enum(['true', 'false']),
    z.transform((v) => v === 'true'),
  ),
);

export const ProvidersQuery = /* @__PURE__ */ z.define(() =>
  z
    .strictObject({
      issuer: z.optional(issuerName),
      jurisdiction: z.optional(jurisdiction),
      loa: z.optional(
        z.pipe(
          z.enum(['3', '4']),
          z.transform((v) => Number(v) as 3 | 4),
        ),
      ),
      offline: z.optional(booleanParam),
      realtimeMethod: z.optional(methodName),
      /** Our extension: entries that offer this offline method (courier, point of sale). */
      offlineMethod: z.optional(methodName),
      webflow: z.optional(booleanParam),
    })
    .register(z.globalRegistry, { id: 'ProvidersQuery' }),
);
export type ProvidersQuery = z.infer<typeof ProvidersQuery>;

export const Provider = /* @__PURE__ */ z.define(() =>
  z
    .strictObject({
      loa: z.number().check(z.int()),
      issuer: z.string(),
      webflow: z.boolean(),
      jurisdiction: z.string().register(z.globalRegistry, { examples: ['ZERTES,EIDAS'] }),
      realtimeMethods: z.array(z.string()),
      offline: z.boolean(),
      identificationData: z.array(z.string()),
      additionalData: z.array(z.string()),
      defaultLocale: z.string(),
      offlineMethods: z.optional(
        z.array(z.string()).register(z.globalRegistry, {
          description:
            'Our extension of the paper’s shape: the offline methods of this entry (present when it has any), usable as the start call’s `method` like `realtimeMethods`.',
          examples: [['courier']],
        }),
      ),
    })
    .register(z.globalRegistry, { id: 'Provider' }),
);
export const ProviderList = /* @__PURE__ */ z.define(() =>
  z.array(Provider).register(z.globalRegistry, { id: 'ProviderList' }),
);
