/** `usage --month`: a month's counts per SP × partner × method, verify calls, and each SP's statement. */
import { MONTH, USAGE_EVENTS } from '../../../lambdas/core/usage.js';
import { usageMonthNotBegun } from '../../../lambdas/core/usage-report.js';
import { type MonthlyUsage, monthlyUsage } from '../../../lambdas/usecases/monthly-usage.js';
import { type AdminCommand, OperatorError, stringOption } from '../cli.js';

const CLIENT_ID = /^[A-Za-z0-9_-]{1,128}$/;

type Line = Record<string, unknown>;

/** The records of one SP's month, as the JSON lines print them. */
function linesOf({ usage, statement }: MonthlyUsage): Line[] {
  const { month, clientId } = usage;
  return [
    ...usage.identifications.map((u) => ({
      record: 'identifications',
      month,
      clientId,
      issuer: u.issuer,
      method: u.method,
      ...u.counts,
    })),
    ...usage.verify.map((v) => ({ record: 'verify', month, clientId, ...v })),
    { record: 'statement', ...statement },
  ];
}

const CSV_COLUMNS = [
  'record',
  'month',
  'clientId',
  'issuer',
  'method',
  'claimedIdentity',
  ...USAGE_EVENTS,
  'calls',
  'positive',
  'negative',
  'item',
  'quantity',
  'unitPrice',
  'amount',
  'currency',
  'priceSheetFrom',
  'monthlyFeeMethods',
] as const;

/** RFC 4180: quote a field with a comma, quote or line break; double the quotes. */
function csvField(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One table: the count lines, then each statement as its charges and a total row. */
function csvRowsOf(lines: Line[]): Line[] {
  return lines.flatMap((line): Line[] => {
    if (line.record !== 'statement') return [line];
    const { month, clientId, currency, priceSheetFrom, monthlyFeeMethods, total } = line;
    const statement = { month, clientId, currency, priceSheetFrom, monthlyFeeMethods };
    const charges = (line.charges as Line[]).map((c) => ({ record: 'charge', ...statement, ...c }));
    return [...charges, { record: 'total', ...statement, amount: total }];
  });
}

export const usageCommand: AdminCommand = {
  name: 'usage',
  summary: 'a month’s usage per SP, partner and method, verify calls, and each SP’s statement',
  synopsis: '--month <YYYY-MM> [--client <clientId>] [--format json|csv]',
  help: [
    '--month <YYYY-MM>     the calendar month (UTC)',
    '--client <clientId>   one SP only (default: every SP with a setup)',
    '--format json|csv     json (default): one object a line, "record" says which:',
    '                        identifications  {month, clientId, issuer, method, <count per event>}',
    '                        verify           {month, clientId, claimedIdentity, calls, positive, negative}',
    '                        statement        {month, clientId, name, monthlyFeeMethods, priceSheetFrom, currency,',
    '                                          charges[], total}',
    '                      csv: one table with a header; statements as "charge" and "total" rows',
    `Events: ${USAGE_EVENTS.join(', ')}.`,
    'Prices come from the SP setup’s price sheet in effect that month (priceSheetFrom: its from);',
    'before its first sheet, or without any, charges are empty and currency, total and priceSheetFrom null.',
    'Monthly fees are for the methods the setup’s enabledMethods date in that month (monthlyFeeMethods',
    'enabled-that-month), or, for a setup without them, for the methods it may use now (offered-now).',
  ],
  options: { month: { type: 'string' }, client: { type: 'string' }, format: { type: 'string' } },
  async run({ values, connect, print }) {
    const month = stringOption(values, 'month');
    const client = stringOption(values, 'client');
    const format = stringOption(values, 'format') ?? 'json';
    if (month === undefined) throw new OperatorError('usage needs --month <YYYY-MM>.', true);
    if (!MONTH.test(month)) throw new OperatorError('--month must be a month YYYY-MM, e.g. 2026-11.');
    // The API's rule (GET /api/usage): no statement of monthly fees for a month that has not begun.
    if (usageMonthNotBegun(month, new Date()).length > 0)
      throw new OperatorError(`--month ${month} has not begun (UTC): it has no usage and no statement yet.`);
    if (client !== undefined && !CLIENT_ID.test(client))
      throw new OperatorError('--client must be a client id.');
    if (format !== 'json' && format !== 'csv') throw new OperatorError('--format must be json or csv.');

    const connection = await connect();
    try {
      const { repository } = connection;
      const clientIds = client ? [client] : (await repository.listSpSetups()).map((sp) => sp.clientId);
      const lines: Line[] = [];
      for (const clientId of clientIds) {
        const found = await monthlyUsage(repository, clientId, month);
        if (!found) throw new OperatorError(`No SP setup for client ${clientId}.`);
        lines.push(...linesOf(found));
      }
      if (format === 'json') {
        for (const line of lines) print(JSON.stringify(line));
        return;
      }
      print(CSV_COLUMNS.join(','));
      for (const row of csvRowsOf(lines)) print(CSV_COLUMNS.map((c) => csvField(row[c])).join(','));
    } finally {
      connection.close();
    }
  },
};
