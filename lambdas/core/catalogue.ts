/**
 * The method catalogue an SP sees: the operator's ISP configuration, narrowed by the
 * eligibility rules of the law, by the SP's setup, and by the query filters (white paper,
 * "List the available methods" and "Setup Filter and Parameter").
 */
import type { ProvidersQuery } from './catalogue-schemas.js';
import {
  type IspConfig,
  JURISDICTIONS,
  type Jurisdiction,
  type Loa,
  METHOD_NAME,
  type ProviderView,
  type SpSetup,
} from './domain.js';
import { isIssuerName } from './field-guards.js';

export interface ProviderFilters {
  issuer?: string | undefined;
  jurisdiction?: Jurisdiction | undefined;
  loa?: Loa | undefined;
  offline?: boolean | undefined;
  realtimeMethod?: string | undefined;
  offlineMethod?: string | undefined;
  webflow?: boolean | undefined;
}

/**
 * The query's filters when every parameter is certainly what ProvidersQuery accepts, as it returns
 * them (`loa` a number, `offline` and `webflow` booleans), read without zod so that the function
 * builds no schema at cold start (docs/benchmarks.md §3); undefined for anything else, which the
 * schema then judges (test/unit/two-step-rules.test.ts holds the two together).
 */
export function wellFormedProvidersQuery(
  params: Readonly<Record<string, unknown>>,
): ProvidersQuery | undefined {
  const query: ProvidersQuery = {};
  for (const [name, value] of Object.entries(params)) {
    if (typeof value !== 'string') return undefined;
    switch (name) {
      case 'issuer':
        if (!isIssuerName(value)) return undefined;
        query.issuer = value;
        break;
      case 'jurisdiction': {
        const jurisdiction = JURISDICTIONS.find((j) => j === value);
        if (!jurisdiction) return undefined;
        query.jurisdiction = jurisdiction;
        break;
      }
      case 'loa':
        if (value !== '3' && value !== '4') return undefined;
        query.loa = value === '3' ? 3 : 4;
        break;
      case 'offline':
      case 'webflow':
        if (value !== 'true' && value !== 'false') return undefined;
        query[name] = value === 'true';
        break;
      case 'realtimeMethod':
      case 'offlineMethod':
        if (!METHOD_NAME.test(value)) return undefined;
        query[name] = value;
        break;
      default:
        return undefined;
    }
  }
  return query;
}

/** An offer: one issuer, a set of methods, with the LoA and jurisdictions it is valid for. */
export interface Offer {
  isp: IspConfig;
  loa: Loa;
  jurisdictions: Jurisdiction[];
  realtimeMethods: string[];
  offlineMethods: string[];
}

const JURISDICTION_ORDER: Jurisdiction[] = ['ZERTES', 'EIDAS'];
const sortJurisdictions = (js: Iterable<Jurisdiction>): Jurisdiction[] =>
  JURISDICTION_ORDER.filter((j) => new Set(js).has(j));

/** Auto-identification without a human operator may serve an advanced signature only. */
export function effectiveLoa(isp: IspConfig): Loa {
  return isp.operatorAssisted ? isp.loa : (Math.min(isp.loa, 3) as Loa);
}

/**
 * Jurisdictions in which `method` may be used by this SP. Video identification under ZertES is
 * reserved for financial intermediaries (white paper, "Identify once").
 */
export function methodJurisdictions(isp: IspConfig, method: string, sp: SpSetup): Jurisdiction[] {
  const allowed = isp.jurisdictions.filter((j) => sp.jurisdictions.includes(j));
  if (method === 'video' && !sp.financialIntermediary) return allowed.filter((j) => j !== 'ZERTES');
  return allowed;
}

function spAllowsMethod(sp: SpSetup, issuer: string, method: string): boolean {
  const allowed = sp.methods[issuer];
  if (allowed === undefined) return false;
  return allowed === '*' || allowed.includes(method);
}

/** An SP whose levels are all above what the partner reaches cannot use it. */
function spAcceptsLoa(sp: SpSetup, loa: Loa): boolean {
  return sp.loas.some((wanted) => wanted <= loa);
}

/**
 * The offers of one ISP for one SP. Methods that end up valid in different jurisdictions are
 * split into separate offers, so every offer's `jurisdiction` is true for all of its methods.
 */
export function offersFor(isp: IspConfig, sp: SpSetup): Offer[] {
  const loa = effectiveLoa(isp);
  if (!spAcceptsLoa(sp, loa)) return [];
  const groups = new Map<string, Offer>();
  const add = (method: string, kind: 'realtimeMethods' | 'offlineMethods') => {
    if (!spAllowsMethod(sp, isp.issuer, method)) return;
    const jurisdictions = methodJurisdictions(isp, method, sp);
    if (jurisdictions.length === 0) return;
    const key = jurisdictions.join(',');
    let offer = groups.get(key);
    if (!offer) {
      offer = { isp, loa, jurisdictions, realtimeMethods: [], offlineMethods: [] };
      groups.set(key, offer);
    }
    offer[kind].push(method);
  };
  for (const m of isp.realtimeMethods) add(m, 'realtimeMethods');
  for (const m of isp.offlineMethods) add(m, 'offlineMethods');
  return [...groups.values()];
}

export function matchesFilters(offer: Offer, f: ProviderFilters): boolean {
  if (f.issuer !== undefined && offer.isp.issuer.toLowerCase() !== f.issuer.toLowerCase()) return false;
  if (f.jurisdiction !== undefined && !offer.jurisdictions.includes(f.jurisdiction)) return false;
  // "In case the SP announces LOA 4 only identification methods with LOA 4 are listed."
  if (f.loa !== undefined && offer.loa < f.loa) return false;
  if (f.offline !== undefined && offer.isp.offline !== f.offline) return false;
  if (f.webflow !== undefined && offer.isp.webflow !== f.webflow) return false;
  if (f.realtimeMethod !== undefined && !offer.realtimeMethods.includes(f.realtimeMethod)) return false;
  if (f.offlineMethod !== undefined && !offer.offlineMethods.includes(f.offlineMethod)) return false;
  return true;
}

export function toProviderView(offer: Offer): ProviderView {
  return {
    loa: offer.loa,
    issuer: offer.isp.issuer,
    webflow: offer.isp.webflow,
    jurisdiction: sortJurisdictions(offer.jurisdictions).join(','),
    realtimeMethods: [...offer.realtimeMethods],
    offline: offer.isp.offline,
    identificationData: [...offer.isp.identificationData],
    additionalData: [...offer.isp.additionalData],
    defaultLocale: offer.isp.defaultLocale,
    // Added only where there are some, so the paper's entries keep their exact shape.
    ...(offer.offlineMethods.length > 0 ? { offlineMethods: [...offer.offlineMethods] } : {}),
  };
}

/** The catalogue for one SP and one query, in the paper's response shape. */
export function catalogueFor(isps: IspConfig[], sp: SpSetup, filters: ProviderFilters): ProviderView[] {
  return isps
    .flatMap((isp) => offersFor(isp, sp))
    .filter((offer) => matchesFilters(offer, filters))
    .map(toProviderView);
}

export interface MethodChoice {
  issuer: string;
  method: string;
  jurisdiction?: Jurisdiction | undefined;
  assuranceLevel?: Loa | undefined;
}

export type MethodDecision =
  | { ok: true; isp: IspConfig; loa: Loa; jurisdictions: Jurisdiction[]; offline: boolean }
  | { ok: false; field: 'issuer' | 'method' | 'jurisdiction' | 'assuranceLevel'; message: string };

/** Whether this SP may start an identification with this issuer and method, and on what terms. */
export function decideMethod(isps: IspConfig[], sp: SpSetup, choice: MethodChoice): MethodDecision {
  const isp = isps.find((i) => i.issuer.toLowerCase() === choice.issuer.toLowerCase());
  if (!isp || !sp.methods[isp.issuer]) {
    return { ok: false, field: 'issuer', message: 'Unknown issuer, or not in your setup.' };
  }
  const offer = offersFor(isp, sp).find(
    (o) => o.realtimeMethods.includes(choice.method) || o.offlineMethods.includes(choice.method),
  );
  if (!offer) {
    return { ok: false, field: 'method', message: `Method is not offered to you by ${isp.issuer}.` };
  }
  if (choice.jurisdiction !== undefined && !offer.jurisdictions.includes(choice.jurisdiction)) {
    return {
      ok: false,
      field: 'jurisdiction',
      message: `Method ${choice.method} is available to you under ${offer.jurisdictions.join(',')} only.`,
    };
  }
  if (choice.assuranceLevel !== undefined && choice.assuranceLevel > offer.loa) {
    return {
      ok: false,
      field: 'assuranceLevel',
      message: `Method ${choice.method} reaches LoA ${offer.loa} only.`,
    };
  }
  return {
    ok: true,
    isp,
    loa: offer.loa,
    jurisdictions: choice.jurisdiction ? [choice.jurisdiction] : offer.jurisdictions,
    offline: offer.offlineMethods.includes(choice.method),
  };
}
