/**
 * ISP adapters are plug-ins implementing the partner port (usecases/ports/partner.ts): one per kind
 * of partner interface, chosen per issuer by the catalogue's `adapter` field (see `registry.ts`).
 */
import type { IspConfig } from '../../core/domain.js';
import type { IspAdapter } from '../../usecases/ports/partner.js';

/** A partner message's claims in our shape: the adapter's mapping, or the claims as they are. */
export function mapIspMessage(
  adapter: IspAdapter | undefined,
  kind: 'event' | 'evidence',
  claims: Record<string, unknown>,
  isp: IspConfig,
): Record<string, unknown> {
  const map = kind === 'event' ? adapter?.mapEvent : adapter?.mapEvidence;
  return map ? map.call(adapter, claims, isp) : claims;
}
