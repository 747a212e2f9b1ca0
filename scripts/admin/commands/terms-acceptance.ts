/** `terms-acceptance`: the acceptance record of a registration (or of one order's acceptance). */
import { normaliseMsisdn } from '../../../lambdas/core/registration.js';
import { type AdminCommand, OperatorError, stringOption, UUID } from '../cli.js';

export const termsAcceptanceCommand: AdminCommand = {
  name: 'terms-acceptance',
  summary: 'show which terms-of-use version a person accepted, when, in which language, through which order',
  synopsis: '(--msisdn <number> | --ref <refId>)',
  help: [
    '--msisdn <number>     the registration of this mobile number (its current acceptance), e.g. 41783478228',
    '--ref <refId>         the acceptance recorded on one identification order',
    'One JSON object: {"msisdn","refId","termsVersion","termsLanguage","acceptedAt","registered","validUntil"};',
    'one line on stderr and exit code 2 when there is no such registration or acceptance.',
  ],
  options: { msisdn: { type: 'string' }, ref: { type: 'string' } },
  async run({ values, connect, print }) {
    const msisdn = stringOption(values, 'msisdn');
    const ref = stringOption(values, 'ref');
    if (msisdn === undefined && ref === undefined) throw new OperatorError('Give --msisdn or --ref.', true);
    // Both would name two records (or one twice): which one is printed must not be a guess.
    if (msisdn !== undefined && ref !== undefined)
      throw new OperatorError('Give --msisdn or --ref, not both.', true);
    if (msisdn !== undefined && !/^\+?[1-9]\d{7,14}$/.test(msisdn)) {
      throw new OperatorError(
        '--msisdn must be an international number of 8 to 15 digits, e.g. 41783478228.',
      );
    }
    if (ref !== undefined && !UUID.test(ref)) throw new OperatorError('--ref must be a refId (UUID).');
    const connection = await connect();
    try {
      const { repository } = connection;
      let record: Record<string, unknown> | undefined;
      if (msisdn !== undefined) {
        const reg = await repository.getRegistration(normaliseMsisdn(msisdn));
        if (reg) {
          record = {
            msisdn: reg.msisdn,
            refId: reg.refId,
            termsVersion: reg.termsVersion ?? null,
            termsLanguage: reg.termsLanguage ?? null,
            acceptedAt: reg.termsAcceptedAt,
            registered: true,
            validUntil: reg.validUntil,
          };
        }
      } else {
        const order = await repository.getOrder(ref as string);
        if (order?.acceptance) {
          const reg = await repository.getRegistration(normaliseMsisdn(order.person.mobile));
          record = {
            msisdn: normaliseMsisdn(order.person.mobile),
            refId: order.refId,
            termsVersion: order.acceptance.termsVersion ?? null,
            termsLanguage: order.acceptance.termsLanguage ?? null,
            acceptedAt: order.acceptance.acceptedAt,
            // Whether this acceptance is the one the person's registration now rests on.
            registered: reg?.refId === order.refId,
            validUntil: reg?.refId === order.refId ? reg.validUntil : null,
          };
        }
      }
      if (!record) {
        throw new OperatorError(
          msisdn !== undefined ? 'No registration for this number.' : 'No accepted terms on this order.',
        );
      }
      print(JSON.stringify(record));
    } finally {
      connection.close();
    }
  },
};
