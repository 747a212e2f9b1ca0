/** Ports for the operator's configuration: catalogue, SP setups, claimed identities, terms of use. */
import type { IspConfig, Jurisdiction, SpSetup } from '../../core/domain.js';
import type { TermsOfUse } from '../../core/terms-of-use.js';

export interface ClaimedIdentity {
  claimedIdentity: string;
  clientId: string;
  jurisdictions: Jurisdiction[];
}

export interface ConfigReader {
  getSpSetup(clientId: string): Promise<SpSetup | undefined>;
  getClaimedIdentity(id: string): Promise<ClaimedIdentity | undefined>;
  getIsp(issuer: string): Promise<IspConfig | undefined>;
  listIsps(): Promise<IspConfig[]>;
}

export interface ConfigWriter {
  putSpSetup(sp: SpSetup): Promise<void>;
  putClaimedIdentity(ci: ClaimedIdentity): Promise<void>;
  /** Every claimed identity written by putClaimedIdentity (the seeded ones). */
  listClaimedIdentities(): Promise<ClaimedIdentity[]>;
  /** Removes one; verify no longer finds it. Removing one that is not there changes nothing. */
  deleteClaimedIdentity(id: string): Promise<void>;
  putIsp(isp: IspConfig): Promise<void>;
  /**
   * Publishes a version and makes it current. The same text again changes nothing; another text
   * under a published version is refused with ConditionFailed.
   */
  publishTermsOfUse(terms: TermsOfUse): Promise<void>;
}

export interface TermsOfUseReader {
  /** The current terms of use; undefined before the operator published any. */
  getCurrentTermsOfUse(): Promise<TermsOfUse | undefined>;
  getTermsOfUse(version: string): Promise<TermsOfUse | undefined>;
}
