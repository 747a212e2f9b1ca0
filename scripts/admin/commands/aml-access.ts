/** `aml-access`: every access to AML identification data, granted and refused, oldest first. */
import * as z from '../../../lambdas/core/zod.js';
import { type AdminCommand, OperatorError, stringOption, UUID } from '../cli.js';

/** `--since`: a calendar date (its start in UTC) or a date-time with Z or an offset. */
const SINCE = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const amlAccessCommand: AdminCommand = {
  name: 'aml-access',
  summary: 'list the accesses to AML identification data (granted and refused), oldest first',
  synopsis: '[--ref <refId>] [--since <ISO 8601 date-time>]',
  help: [
    '--ref <refId>         the accesses to one identification',
    '--since <date-time>   from then on, e.g. 2026-03-01T00:00:00Z (a date-time with Z or an offset;',
    '                      a date alone, e.g. 2026-03-01, from its start in UTC)',
    'One JSON object a line: {"at","refId","clientId","issuer","outcome","id"}.',
  ],
  options: { ref: { type: 'string' }, since: { type: 'string' } },
  async run({ values, connect, print }) {
    const ref = stringOption(values, 'ref');
    const sinceText = stringOption(values, 'since');
    if (ref !== undefined && !UUID.test(ref)) throw new OperatorError('--ref must be a refId (UUID).');
    let since: string | undefined;
    if (sinceText !== undefined) {
      // A real calendar date, or a date-time with its zone: new Date() alone reads 2026-02-30 as
      // 2 March and a date-time without a zone in the operator's own time zone.
      if (!z.safeParse(SINCE, sinceText).success) {
        throw new OperatorError(
          '--since must be a calendar date (2026-01-31, from its start in UTC) or a date-time with its zone (2026-01-31T00:00:00Z, 2026-01-31T01:00:00+01:00).',
        );
      }
      // Records are keyed by UTC ISO timestamps, so compare in that form.
      since = new Date(sinceText).toISOString();
    }
    const connection = await connect();
    try {
      for await (const r of connection.repository.amlAccessRecords({ refId: ref, since })) {
        const { at, refId, clientId, issuer, outcome, id } = r;
        print(JSON.stringify({ at, refId, clientId, issuer, outcome, id }));
      }
    } finally {
      connection.close();
    }
  },
};
