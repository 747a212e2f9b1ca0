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
    .check(z.meta({ id: 'ProvidersQuery' })),
);
export type ProvidersQuery = z.infer<typeof ProvidersQuery>;

export const Provider = /* @__PURE__ */ z.define(() =>
  z
    .strictObject({
      loa: z.number().check(z.int()),
      issuer: z.string(),
      webflow: z.boolean(),
      jurisdiction: z.string().check(z.meta({ examples: ['ZERTES,EIDAS'] })),
      realtimeMethods: z.array(z.string()),
      offline: z.boolean(),
      identificationData: z.array(z.string()),
      additionalData: z.array(z.string()),
      defaultLocale: z.string(),
      offlineMethods: z.optional(
        z.array(z.string()).check(
          z.meta({
            description:
              'Our extension of the paper’s shape: the offline methods of this entry (present when it has any), usable as the start call’s `method` like `realtimeMethods`.',
            examples: [['courier']],
          }),
        ),
      ),
    })
    .check(z.meta({ id: 'Provider' })),
);
export const ProviderList = /* @__PURE__ */ z.define(() =>
  z.array(Provider).check(z.meta({ id: 'ProviderList' })),
);
