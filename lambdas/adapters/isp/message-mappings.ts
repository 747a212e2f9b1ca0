/**
 * Partner messages in shapes of the partner's own, mapped to ours: the mapping of each adapter whose
 * partner sends such messages, by the adapter's name (the catalogue's `adapter` field). Kept apart
 * from the adapters (`registry.ts`), so that the partner callback, which only reads messages, carries
 * none of their order-opening code — the http adapter with its settings schema was 13 KB and about
 * 2 ms of isp-callback's cold start (docs/benchmarks.md §3). Neither adapter maps today: the Test-ISP
 * and the partners behind the http adapter send our claims.
 */
import type { IspConfig } from '../../core/domain.js';
import type { IspMessageMapping } from '../../usecases/ports/partner.js';

const MAPPINGS: Record<string, IspMessageMapping> = {};

/** The mapping registered for an adapter; undefined where its partner sends our claims. */
export function messageMappingFor(adapter: string): IspMessageMapping | undefined {
  return Object.hasOwn(MAPPINGS, adapter) ? MAPPINGS[adapter] : undefined;
}

/** A partner message's claims in our shape: the mapping's hook for its kind, or the claims as they are. */
export function mapIspMessage(
  mapping: IspMessageMapping | undefined,
  kind: 'event' | 'evidence',
  claims: Record<string, unknown>,
  isp: IspConfig,
): Record<string, unknown> {
  const map = kind === 'event' ? mapping?.mapEvent : mapping?.mapEvidence;
  return map ? map.call(mapping, claims, isp) : claims;
}
