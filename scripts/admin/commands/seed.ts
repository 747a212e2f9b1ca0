/** `seed <config.json>`: writes the catalogue, the SP setups and their claimed identities. */
import { readFileSync } from 'node:fs';
import { rsaKeyRefusals } from '../../../lambdas/adapters/rsa-modulus.js';
import { ConditionFailed } from '../../../lambdas/core/errors.js';
import { allowsLoopbackHttp, LOOPBACK_HTTP_REFUSED_IN_PRODUCTION } from '../../../lambdas/core/loopback.js';
import { issueLines } from '../../../lambdas/core/parse.js';
import { rsaKeyIssuesOfPartners } from '../../../lambdas/core/partner-keys.js';
import { loopbackHttpPartnerUrls, ServiceConfigSchema } from '../../../lambdas/core/service-config.js';
import { type SeedOutcome, seedConfig } from '../../../lambdas/usecases/seed-config.js';
import { type AdminCommand, OperatorError } from '../cli.js';
import { stageNamedBy } from '../connection.js';

export const seedCommand: AdminCommand = {
  name: 'seed',
  summary:
    'write the catalogue and the SP setups from a configuration file (idempotent; removes claimed identities it no longer has)',
  synopsis: '[--reprice-ended-months] <config.json>',
  help: [
    'Writes the partners, the SP setups, their claimed identities and the terms of use (a version is',
    'written once: another text under a published version is refused) — the same code the local stack',
    'seeds config/local.json with. Schema: lambdas/core/service-config.ts. A claimed identity the file',
    'no longer has is deleted (verify stops answering positive under it); registrations are kept.',
    'A partner URL of http to localhost, 127.0.0.1 or [::1] is refused for a production table (https only):',
    'one --stage prod names, or a --table whose stage tag or name says prod; a --table whose stage',
    'cannot be told (no tag or name of local, dev, test, prod) takes none either.',
    'A price history (priceSheets) that would price a month that has ended otherwise than the seeded one',
    'is refused, nothing written: a price change is a new sheet from the current month or later. So are',
    'dated methods (enabledMethods) that would charge an ended month for other methods, or left out once',
    'seeded: a method enabled or withdrawn now is dated with the current month; entries on now or later',
    "for methods the SP's methods do not allow, a method they allow that no entry dates, or a from after",
    'the current month (ADR 0028). An until of the current month or a later one for a method still in the',
    "SP's methods withdraws it with that month's end: the catalogue follows the dates (ADR 0030).",
    '--reprice-ended-months  write it anyway: the correction of a past price or of past methods, which',
    '                        changes the statements of those months (GET /api/usage, usage) the SP may',
    '                        already have read.',
    'Prints {"seeded":{…},"removed":{"claimedIdentities":[…]}}.',
  ],
  options: { 'reprice-ended-months': { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals, connect, print }) {
    const file = positionals[0] as string;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new OperatorError(`Cannot read ${file}: ${(err as Error).message}`);
    }
    const parsed = ServiceConfigSchema.safeParse(raw);
    if (!parsed.success) {
      const issues = issueLines(parsed.error).join('; ');
      throw new OperatorError(`Invalid configuration in ${file}: ${issues}`);
    }
    // Partner URLs of http to the loopback interface go to a test stage's table only: the stage
    // --local or --stage names is known now; a table given by name is asked once connected.
    const loopbackUrls = loopbackHttpPartnerUrls(parsed.data);
    const loopbackIssues = (stage: string) =>
      `Invalid configuration in ${file} for stage ${stage}: ${loopbackUrls.map((path) => `${path}: ${LOOPBACK_HTTP_REFUSED_IN_PRODUCTION}`).join('; ')}`;
    const named = stageNamedBy(values);
    if (loopbackUrls.length > 0 && named !== undefined && !allowsLoopbackHttp(named))
      throw new OperatorError(loopbackIssues(named));
    const keyIssues = await rsaKeyIssuesOfPartners(parsed.data.isps, rsaKeyRefusals);
    if (keyIssues.length > 0)
      throw new OperatorError(`Invalid configuration in ${file}: ${keyIssues.join('; ')}`);
    const connection = await connect();
    try {
      if (loopbackUrls.length > 0 && named === undefined) {
        const table = await connection.stage();
        if (table.stage === undefined)
          throw new OperatorError(
            `Cannot tell which stage table ${connection.tableName} belongs to: ${table.unknownBecause}. A partner URL of http to the loopback interface (${loopbackUrls.join(', ')}) is seeded into a test stage's table only: name it with --stage or --local.`,
          );
        if (!allowsLoopbackHttp(table.stage))
          throw new OperatorError(`${loopbackIssues(table.stage)} (table ${connection.tableName})`);
      }
      let outcome: SeedOutcome;
      try {
        outcome = await seedConfig(connection.repository, parsed.data, {
          repriceEndedMonths: values['reprice-ended-months'] === true,
        });
      } catch (err) {
        // A terms-of-use version published before with another text, or an ended month re-priced.
        if (err instanceof ConditionFailed) throw new OperatorError(err.message);
        throw err;
      }
      const { isps, serviceProviders } = parsed.data;
      print(
        JSON.stringify({
          seeded: { isps: isps.length, serviceProviders: serviceProviders.length },
          removed: { claimedIdentities: outcome.removedClaimedIdentities },
        }),
      );
    } finally {
      connection.close();
    }
  },
};
