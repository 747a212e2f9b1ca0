/**
 * The operator's command line: `npm run admin -- [where] <command> [options]`, `--help` for the
 * list. Commands live in scripts/admin/commands/ (one module each, listed in COMMANDS below); the
 * table they work on is found by scripts/admin/connection.ts. Output is JSON lines (or CSV where a
 * command says so) on stdout; a problem is one line on stderr and exit code 2, never a stack trace.
 */
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { type AdminCommand, GLOBAL_HELP, GLOBAL_OPTIONS, OperatorError } from './admin/cli.js';
import { amlAccessCommand } from './admin/commands/aml-access.js';
import { eraseCommand } from './admin/commands/erase.js';
import { indexOrdersCommand } from './admin/commands/index-orders.js';
import { seedCommand } from './admin/commands/seed.js';
import { termsAcceptanceCommand } from './admin/commands/terms-acceptance.js';
import { usageCommand } from './admin/commands/usage.js';
import { connect } from './admin/connection.js';

const COMMANDS: readonly AdminCommand[] = [
  seedCommand,
  usageCommand,
  eraseCommand,
  indexOrdersCommand,
  amlAccessCommand,
  termsAcceptanceCommand,
];

const PROGRAM = 'npm run admin --';

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    `Usage: ${PROGRAM} [--local | --stage <stage> | --table <name>] <command> [options]`,
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Where the table is (one of):',
    ...GLOBAL_HELP.map((l) => `  ${l}`),
    '',
    `${PROGRAM} <command> --help shows a command's options.`,
  ].join('\n');
}

function commandHelp(command: AdminCommand): string {
  return [
    `Usage: ${PROGRAM} [--local | --stage <stage> | --table <name>] ${command.name} ${command.synopsis}`.trimEnd(),
    '',
    `${command.summary.charAt(0).toUpperCase()}${command.summary.slice(1)}.`,
    ...(command.help.length ? ['', ...command.help.map((l) => `  ${l}`)] : []),
    '',
    'Where the table is:',
    ...GLOBAL_HELP.map((l) => `  ${l}`),
  ].join('\n');
}

/** The command is the first word that is not an option or an option's value. */
function splitCommand(args: string[]): { name: string | undefined; rest: string[] } {
  const takesValue = new Set(
    Object.entries(GLOBAL_OPTIONS as ParseArgsOptionsConfig)
      .filter(([, o]) => o.type === 'string')
      .map(([n]) => `--${n}`),
  );
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') break;
    if (!arg.startsWith('-')) return { name: arg, rest: [...args.slice(0, i), ...args.slice(i + 1)] };
    if (takesValue.has(arg)) i++;
  }
  return { name: undefined, rest: args };
}

async function main(argv: string[]): Promise<number> {
  const { name, rest } = splitCommand(argv);
  const command = COMMANDS.find((c) => c.name === name);
  if (name !== undefined && !command) throw new OperatorError(`Unknown command "${name}".`, true);

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...GLOBAL_OPTIONS, ...command?.options },
      strict: true,
      allowPositionals: (command?.positionals?.max ?? 0) > 0,
      tokens: true,
    });
  } catch (err) {
    throw new OperatorError((err as Error).message, true);
  }
  const { values, positionals, tokens } = parsed;
  // parseArgs keeps the last of a repeated option: `erase --msisdn A --msisdn B` would erase B.
  const given = new Set<string>();
  for (const token of tokens ?? []) {
    if (token.kind !== 'option') continue;
    if (given.has(token.name)) throw new OperatorError(`--${token.name} is given more than once.`, true);
    given.add(token.name);
  }
  if (!command) {
    console.log(overview());
    return values.help ? 0 : 2;
  }
  if (values.help) {
    console.log(commandHelp(command));
    return 0;
  }
  const { min, max } = command.positionals ?? { min: 0, max: 0 };
  if (positionals.length < min || positionals.length > max) {
    throw new OperatorError(`${command.name} takes: ${command.synopsis}`, true);
  }
  await command.run({
    values,
    positionals,
    connect: () => connect(values),
    print: (line) => process.stdout.write(`${line}\n`),
  });
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  if (err instanceof OperatorError) {
    console.error(`admin: ${err.message}${err.showUsage ? ` (${PROGRAM} --help)` : ''}`);
    process.exitCode = 2;
  } else {
    // Unexpected: still one line — the name and message, no stack.
    const e = err as Error;
    console.error(`admin: unexpected ${e?.name ?? 'error'}: ${e?.message?.split('\n')[0] ?? String(err)}`);
    process.exitCode = 1;
  }
}
