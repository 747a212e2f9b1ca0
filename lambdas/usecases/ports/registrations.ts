/** Port for the registrations: one per person (mobile number), what the verify call answers from. */
import type { Registration } from '../../core/registration.js';

export interface RegistrationStore {
  getRegistration(msisdn: string): Promise<Registration | undefined>;
  /** A newer identification of the same person replaces the registration. */
  putRegistration(registration: Registration): Promise<void>;
}
