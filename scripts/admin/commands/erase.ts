/** `erase --msisdn`: a person's registration, orders and evidence go; a record without person data stays. */
import { erasePerson } from '../../../lambdas/usecases/erase-person.js';
import { type AdminCommand, OperatorError, stringOption } from '../cli.js';

const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._:#/-]{0,63}$/;

export const eraseCommand: AdminCommand = {
  name: 'erase',
  summary: 'erase a person’s data on request: registration, orders, evidence (usage records stay)',
  synopsis: '--msisdn <mobile number> [--reference <ticket>]',
  help: [
    '--msisdn <number>     the person’s mobile number, e.g. +41783478228 or 41783478228',
    '--reference <ticket>  your reference for the request (kept in the erasure record)',
    'Deletes the registration (verify answers negative from then on) and every order placed for',
    'the number, by any SP, with its evidence (the partner’s signed JWS included), its terms link',
    'and its start call’s idempotency record. Keeps usage, AML access records and webhook',
    'deliveries (no person data) and writes an erasure record without person data:',
    '{"erased":{"registrations","orders","evidence"},"id","at","reference"}.',
    'Refuses, changing nothing, while an identification of the person is still running (exit 2).',
    'Finds the orders with one Query on the index GSI2 (by mobile number), whatever the table’s size;',
    'until index-orders has run once after upgrading, it also scans the table for older orders.',
  ],
  options: { msisdn: { type: 'string' }, reference: { type: 'string' } },
  async run({ values, connect, print }) {
    const msisdn = stringOption(values, 'msisdn');
    const reference = stringOption(values, 'reference');
    if (msisdn === undefined) throw new OperatorError('erase needs --msisdn <mobile number>.', true);
    if (!/^\+?[1-9]\d{7,14}$/.test(msisdn)) {
      throw new OperatorError('--msisdn must be a mobile number in international form, e.g. +41783478228.');
    }
    if (reference !== undefined && !REFERENCE.test(reference)) {
      throw new OperatorError('--reference must be up to 64 letters, digits and . _ : # / -');
    }
    const connection = await connect();
    try {
      const result = await erasePerson(connection.repository, { mobile: msisdn, reference });
      if (result.outcome === 'open-orders') {
        throw new OperatorError(
          `Identifications of this person are still running (${result.refIds.join(', ')}): nothing was erased; try again when they have ended.`,
        );
      }
      const { erased, id, at } = result.record;
      print(JSON.stringify({ erased, id, at, reference: result.record.reference }));
    } finally {
      connection.close();
    }
  },
};
