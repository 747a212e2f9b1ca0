/** `aml-access`: every access to AML identification data, granted and refused, oldest first. */
import { type AdminCommand, OperatorError, stringOption, UUID } from '../cli.js';

export const amlAccessCommand: AdminCommand = {
  name: 'aml-access',
  summary: 'list the accesses to AML identification data (granted and refused), oldest first',
  synopsis: '[--ref <refId>] [--since <ISO 8601 date-time>]',
  help: [
    '--ref <refId>         the accesses to one identification',
    '--since <date-time>   from then on, e.g. 2026-03-01T00:00:00Z',
    'One JSON object a line: {"at","refId","clientId","issuer","outcome","id"}.',
  ],
  options: { ref: { type: 'string' }, since: { type: 'string' } },
  async run({ values, connect, print }) {
    const ref = stringOption(values, 'ref');
    const sinceText = stringOption(values, 'since');
    if (ref !== undefined && !UUID.test(ref)) throw new OperatorError('--ref must be a refId (UUID).');
    let since: string | undefined;
    if (sinceText !== undefined) {
      const at = new Date(sinceText);
      if (Number.isNaN(at.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(sinceText)) {
        throw new OperatorError('--since must be an ISO 8601 date or date-time, e.g. 2026-01-31T00:00:00Z.');
      }
      // Records are keyed by UTC ISO timestamps, so compare in that form.
      since = at.toISOString();
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
