/** The operator's configuration: the catalogue (ISPs), SP setups, claimed identities, terms of use. */
import { createHash } from 'node:crypto';
import type { IspConfig, SpSetup } from '../../core/domain.js';
import type { TermsOfUse } from '../../core/terms-of-use.js';
import type {
  ClaimedIdentity,
  ConfigReader,
  ConfigWriter,
  TermsOfUseReader,
} from '../../usecases/ports/config.js';
import { entity, type Table } from './table.js';
import { CLAIMED_IDENTITIES_PARTITION, keys, SETUPS_PARTITION } from './table-schema.js';
import { conditionalPut, deleteItem, putItem } from './table-writes.js';

/** JSON with object keys sorted, so equal content hashes equally whatever the key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The verify call's one configuration read (its bundle carries no other). */
export function claimedIdentityReads(table: Table): Pick<ConfigReader, 'getClaimedIdentity'> {
  return {
    async getClaimedIdentity(id: string): Promise<ClaimedIdentity | undefined> {
      return table.getItem<ClaimedIdentity>(() => keys.claimedIdentity(id));
    },
  };
}

export function configItems(
  table: Table,
): ConfigReader & ConfigWriter & TermsOfUseReader & { listSpSetups(): Promise<SpSetup[]> } {
  /** Every item of a GSI1 partition, in its sort key's order. */
  async function listedOnGsi1<T>(partition: string): Promise<T[]> {
    const items: T[] = [];
    for await (const item of table.queryAll({
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': partition },
    }))
      items.push(entity<T>(item) as T);
    return items;
  }

  return {
    async getSpSetup(clientId: string): Promise<SpSetup | undefined> {
      return table.getItem<SpSetup>(() => keys.spSetup(clientId));
    },

    async putSpSetup(sp: SpSetup): Promise<void> {
      await putItem(table, { ...keys.spSetup(sp.clientId), ...keys.spSetupListed(sp.clientId), ...sp });
    },

    /** Every SP setup, by client id (GSI1 `SETUPS`; for the operator, never on a request path). */
    async listSpSetups(): Promise<SpSetup[]> {
      return listedOnGsi1<SpSetup>(SETUPS_PARTITION);
    },

    ...claimedIdentityReads(table),

    async putClaimedIdentity(ci: ClaimedIdentity): Promise<void> {
      await putItem(table, {
        ...keys.claimedIdentity(ci.claimedIdentity),
        ...keys.claimedIdentityListed(ci.claimedIdentity),
        ...ci,
      });
    },

    /**
     * Every claimed identity seeded (GSI1 `CLAIMEDIDS`), and those a version before that listing
     * wrote without its keys (a filtered Scan: for seeding by the operator, never on a request path).
     */
    async listClaimedIdentities(): Promise<ClaimedIdentity[]> {
      const listed = await listedOnGsi1<ClaimedIdentity>(CLAIMED_IDENTITIES_PARTITION);
      for await (const item of table.scanAll({
        FilterExpression: 'begins_with(PK, :claimed) AND SK = :sk AND attribute_not_exists(GSI1PK)',
        ExpressionAttributeValues: { ':claimed': 'CLAIMED#', ':sk': keys.claimedIdentity('any').SK },
      }))
        listed.push(entity<ClaimedIdentity>(item) as ClaimedIdentity);
      return listed;
    },

    async deleteClaimedIdentity(id: string): Promise<void> {
      await deleteItem(table, keys.claimedIdentity(id));
    },

    async listIsps(): Promise<IspConfig[]> {
      const isps: IspConfig[] = [];
      for await (const item of table.queryAll({
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.catalogue().PK },
      }))
        isps.push(entity<IspConfig>(item) as IspConfig);
      return isps;
    },

    async getIsp(issuer: string): Promise<IspConfig | undefined> {
      return table.getItem<IspConfig>(() => keys.isp(issuer));
    },

    async putIsp(isp: IspConfig): Promise<void> {
      await putItem(table, { ...keys.isp(isp.issuer), ...isp });
    },

    /**
     * Publishes a terms-of-use version and makes it the current one. A version is written once: the
     * same text again changes nothing, another text under a published version is refused
     * (ConditionFailed), so a recorded acceptance always names the text the person saw.
     */
    async publishTermsOfUse(terms: TermsOfUse): Promise<void> {
      const sha256 = createHash('sha256').update(canonicalJson(terms)).digest('hex');
      await conditionalPut(
        table,
        { ...keys.termsOfUse(terms.version), ...terms, sha256 },
        { condition: 'attribute_not_exists(PK) OR sha256 = :sha256', values: { ':sha256': sha256 } },
        `Terms of use version ${terms.version} is already published with another text: give the new text a new version.`,
      );
      await putItem(table, { ...keys.currentTermsOfUse(), ...terms, sha256 });
    },

    async getCurrentTermsOfUse(): Promise<TermsOfUse | undefined> {
      const item = await table.getItem<TermsOfUse & { sha256?: string }>(() => keys.currentTermsOfUse());
      if (!item) return undefined;
      const { sha256: _sha, ...terms } = item;
      return terms;
    },

    async getTermsOfUse(version: string): Promise<TermsOfUse | undefined> {
      const item = await table.getItem<TermsOfUse & { sha256?: string }>(() => keys.termsOfUse(version));
      if (!item) return undefined;
      const { sha256: _sha, ...terms } = item;
      return terms;
    },
  };
}
