/** Registrations: one item per person (mobile number), read by the verify call with one GetItem. */
import type { Registration } from '../../core/registration.js';
import { registrationExpiry } from '../../core/retention.js';
import type { RegistrationStore } from '../../usecases/ports/registrations.js';
import type { Table } from './table.js';
import { keys, TTL_ATTRIBUTE } from './table-schema.js';
import { deleteItem, putItem } from './table-writes.js';

/** The verify call's one read (its bundle carries no write of registrations). */
export function registrationReads(table: Table): Pick<RegistrationStore, 'getRegistration'> {
  return {
    async getRegistration(msisdn: string): Promise<Registration | undefined> {
      return table.getItem<Registration>(() => keys.registration(msisdn));
    },
  };
}

export function registrationItems(
  table: Table,
): RegistrationStore & { deleteRegistration(msisdn: string): Promise<boolean> } {
  return {
    ...registrationReads(table),

    /** A newer identification of the same person replaces the registration. */
    async putRegistration(reg: Registration): Promise<void> {
      await putItem(table, {
        ...keys.registration(reg.msisdn),
        ...reg,
        [TTL_ATTRIBUTE]: registrationExpiry(reg),
      });
    },

    async deleteRegistration(msisdn: string): Promise<boolean> {
      return deleteItem(table, keys.registration(msisdn));
    },
  };
}
