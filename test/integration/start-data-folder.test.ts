/**
 * `npm start` again on a data folder with a configuration that seeding refuses against what the
 * folder's table holds (an ended month re-priced, ADR 0025): what is refused and how to write it
 * anyway, exit 2, no stack trace, the table as it was; and the same start with
 * --reprice-ended-months, which writes it.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TERMS_OF_USE } from '../../lambdas/core/terms-of-use.js';
import { embeddedDocumentClient, startDynamo } from '../../local/dynamodb.js';
import { TABLE_NAME } from '../../local/stack.js';
import { ROOT } from '../support/admin.js';
import { spawnEntryPoint } from '../support/npm-start.js';
import { waitFor } from '../support/stack.js';

/** npm start's entry point with `args` to its exit, or to its banner and then Ctrl-C's SIGTERM. */
async function start(args: string[]) {
  const { child, stdout, stderr } = spawnEntryPoint(ROOT, {}, args);
  try {
    await waitFor(
      async () => child.exitCode !== null || stdout().includes('Press Ctrl-C to stop.'),
      (done) => done,
      { timeoutMs: 60_000 },
    );
    const ready = child.exitCode === null;
    if (ready) child.kill('SIGTERM');
    // A stop waits for what the start set going: over 30 s seen on a busy machine.
    await waitFor(
      async () => child.exitCode,
      (code) => code !== null,
      { timeoutMs: 120_000 },
    );
    return { ready, exitCode: child.exitCode, stderr: stderr() };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/** Every item of the data folder's table, read with the stack stopped. */
async function tableOf(dataDir: string) {
  const dynamo = await startDynamo({ dataDir, tableName: TABLE_NAME });
  const client = embeddedDocumentClient(dynamo.endpoint);
  try {
    const { Items = [] } = await client.send(new ScanCommand({ TableName: TABLE_NAME }));
    return Items.sort((a, b) => JSON.stringify([a.PK, a.SK]).localeCompare(JSON.stringify([b.PK, b.SK])));
  } finally {
    client.destroy();
    await dynamo.close();
  }
}

/** The parts of config/local.json these tests change. */
interface DemoConfig {
  serviceProviders: {
    clientId: string;
    methods: Record<string, string>;
    enabledMethods?: { issuer: string; method: string; from: string; until?: string }[];
    priceSheets: { from: string; monthlyFee: Record<string, string> }[];
  }[];
  termsOfUse?: unknown;
}

/** Demo Bank's methods since January 2026: everything its demo setup offers it. */
const SINCE_JANUARY = [
  { issuer: 'BankIdent-Demo', method: 'bank', from: '2026-01' },
  { issuer: 'eID-Demo', method: 'eid', from: '2026-01' },
  { issuer: 'Test-ISP', method: 'test', from: '2026-01' },
  { issuer: 'Test-ISP', method: 'video', from: '2026-01' },
  { issuer: 'VideoIdent-Demo', method: 'video', from: '2026-01' },
];

/** config/local.json with Demo Bank's methods dated from January 2026, then `change`d, written to `path`. */
function writeConfig(path: string, change: (config: DemoConfig) => void = () => {}): string {
  const config = JSON.parse(readFileSync(join(ROOT, 'config/local.json'), 'utf8')) as DemoConfig;
  const bank = config.serviceProviders[1];
  if (bank?.clientId !== 'demo-bank') throw new Error('config/local.json has demo-bank second');
  bank.enabledMethods = [...SINCE_JANUARY];
  change(config);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

describe('npm start on a data folder with a configuration seeding refuses against its table', () => {
  let folder: string;
  let dataDir: string;
  let repriced: string;
  const currentMonth = new Date().toISOString().slice(0, 7);

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'srs-start-data-'));
    dataDir = join(folder, 'data');
    // Arrange: a first start seeds demo-bank priced from 2026-01 (ended) and charged for its
    // methods since then, and the default terms of use
    const dated = writeConfig(join(folder, 'dated.json'));
    expect(await start(['--data-dir', dataDir, '--config', dated])).toMatchObject({
      ready: true,
      exitCode: 0,
    });
    repriced = writeConfig(join(folder, 'repriced.json'), (config) => {
      const sheet = config.serviceProviders[1]?.priceSheets[0];
      expect(sheet?.from).toBe('2026-01');
      if (sheet) sheet.monthlyFee.default = '65.00';
    });
  }, 300_000);
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('names the re-priced ended month, what to do, how to correct it on purpose, exits 2 and leaves the table as it was', async () => {
    const before = await tableOf(dataDir);
    expect(JSON.stringify(before)).toContain('"60.00"');

    const { ready, exitCode, stderr } = await start(['--data-dir', dataDir, '--config', repriced]);

    expect({ ready, exitCode }).toEqual({ ready: false, exitCode: 2 });
    expect(stderr.trim().split('\n')).toEqual([
      `npm start: seeding refuses the configuration ${repriced} against the table in the data folder ${dataDir}; nothing was started or written:`,
      `  serviceProviders.1.priceSheets: 2026-01 has ended and was priced with the sheet from 2026-01, which this configuration changes or leaves out; a price change is a new sheet from ${currentMonth} or later.`,
      `To correct those ended months on purpose (their statements change, which the SPs may have read already), start once with: npm start -- --port 0 --data-dir ${dataDir} --config ${repriced} --reprice-ended-months`,
    ]);
    expect(await tableOf(dataDir)).toEqual(before);
  }, 300_000);

  it('names an ended month whose monthly fees another method list would change, exits 2 and leaves the table as it was', async () => {
    // eID withdrawn from demo-bank, dated back to March: April on were charged for it
    const withdrawnInMarch = writeConfig(join(folder, 'withdrawn.json'), (config) => {
      const bank = config.serviceProviders[1];
      if (!bank) return;
      delete bank.methods['eID-Demo'];
      bank.enabledMethods = [
        ...SINCE_JANUARY.filter((m) => m.issuer !== 'eID-Demo'),
        { issuer: 'eID-Demo', method: 'eid', from: '2026-01', until: '2026-03' },
      ];
    });
    const before = await tableOf(dataDir);

    const { ready, exitCode, stderr } = await start(['--data-dir', dataDir, '--config', withdrawnInMarch]);

    expect({ ready, exitCode }).toEqual({ ready: false, exitCode: 2 });
    expect(stderr.trim().split('\n')).toEqual([
      `npm start: seeding refuses the configuration ${withdrawnInMarch} against the table in the data folder ${dataDir}; nothing was started or written:`,
      `  serviceProviders.1.enabledMethods: 2026-04 has ended, and to its monthly fees this configuration leaves out eID-Demo eid; a method enabled or withdrawn now is dated ${currentMonth}.`,
      `To correct those ended months on purpose (their statements change, which the SPs may have read already), start once with: npm start -- --port 0 --data-dir ${dataDir} --config ${withdrawnInMarch} --reprice-ended-months`,
    ]);
    expect(await tableOf(dataDir)).toEqual(before);
  }, 300_000);

  it('names a published terms-of-use version given another text, without the ended-month option, exits 2 and leaves the table as it was', async () => {
    const otherText = writeConfig(join(folder, 'terms.json'), (config) => {
      config.termsOfUse = {
        ...DEFAULT_TERMS_OF_USE,
        documents: {
          ...DEFAULT_TERMS_OF_USE.documents,
          en: { ...DEFAULT_TERMS_OF_USE.documents.en, title: 'Other terms' },
        },
      };
    });
    const before = await tableOf(dataDir);

    const { ready, exitCode, stderr } = await start(['--data-dir', dataDir, '--config', otherText]);

    expect({ ready, exitCode }).toEqual({ ready: false, exitCode: 2 });
    expect(stderr.trim().split('\n')).toEqual([
      `npm start: seeding refuses the configuration ${otherText} against the table in the data folder ${dataDir}; nothing was started or written:`,
      `  termsOfUse: Terms of use version ${DEFAULT_TERMS_OF_USE.version} is already published with another text: give the new text a new version.`,
    ]);
    expect(await tableOf(dataDir)).toEqual(before);
  }, 300_000);

  it('starts with --reprice-ended-months and writes the corrected price', async () => {
    expect(
      await start(['--data-dir', dataDir, '--config', repriced, '--reprice-ended-months']),
    ).toMatchObject({ ready: true, exitCode: 0 });
    const bank = (await tableOf(dataDir)).find(
      (item) => item.clientId?.S === 'demo-bank' && item.priceSheets,
    );
    expect(JSON.stringify(bank?.priceSheets)).toContain('"65.00"');
  }, 300_000);
});

describe('npm start on a data folder it cannot use', () => {
  let folder: string;
  let dataDir: string;
  /** A copy of the data folder to damage, and the start on it. */
  const copy = (name: string) => {
    const damaged = join(folder, name);
    cpSync(dataDir, damaged, { recursive: true });
    return damaged;
  };
  /** Its exit code and stderr's lines; the start must not get ready. */
  const refused = async (onFolder: string) => {
    const { ready, exitCode, stderr } = await start(['--data-dir', onFolder]);
    return { ready, exitCode, lines: stderr.trim().split('\n') };
  };

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'srs-start-damaged-'));
    dataDir = join(folder, 'data');
    // Arrange: started twice, so that LevelDB wrote the first start's log into a table file
    expect(await start(['--data-dir', dataDir])).toMatchObject({ ready: true, exitCode: 0 });
    expect(await start(['--data-dir', dataDir])).toMatchObject({ ready: true, exitCode: 0 });
  }, 300_000);
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it.each(['local-secrets.json', 'oauth-signing-key.json'])(
    'names a key file cut short (%s) and what to do, exits 2 and leaves it as it was',
    async (name) => {
      const damaged = copy(`cut-${name}`);
      const file = join(damaged, name);
      writeFileSync(file, readFileSync(file, 'utf8').slice(0, 20));
      const before = readFileSync(file, 'utf8');

      const { ready, exitCode, lines } = await refused(damaged);

      expect({ ready, exitCode, lines: lines.length }).toEqual({ ready: false, exitCode: 2, lines: 1 });
      expect(lines[0]).toMatch(
        new RegExp(
          `^npm start: the data folder ${escaped(damaged)} cannot be used: ${escaped(name)} is not JSON \\(.+\\), cut short or edited: restore it from a copy, or move the folder aside and start with an empty one`,
        ),
      );
      expect(readFileSync(file, 'utf8')).toBe(before);
    },
    300_000,
  );

  it.each([
    ['a list', () => '[]'],
    [
      'its public part only',
      (saved: string) => {
        const { kty, n, e } = JSON.parse(saved) as Record<string, string>;
        return JSON.stringify({ kty, n, e });
      },
    ],
    ['null', () => 'null'],
  ])(
    'names an OAuth signing key file of another shape (%s), exits 2 and leaves it as it was',
    async (shape, reshape) => {
      const damaged = copy(`reshaped-${shape.replaceAll(' ', '-')}`);
      const file = join(damaged, 'oauth-signing-key.json');
      writeFileSync(file, reshape(readFileSync(file, 'utf8')));
      const before = readFileSync(file, 'utf8');

      const { ready, exitCode, lines } = await refused(damaged);

      expect({ ready, exitCode, lines }).toEqual({
        ready: false,
        exitCode: 2,
        lines: [
          `npm start: the data folder ${damaged} cannot be used: oauth-signing-key.json is not an RS256 private key (JWK) that signs, edited or from elsewhere: restore it from a copy, or move the folder aside and start with an empty one (the folder keeps the table, keys, SMS outbox and waiting identifications).`,
        ],
      });
      expect(readFileSync(file, 'utf8')).toBe(before);
    },
    300_000,
  );

  it.each([
    ['null', 'null'],
    ['a list', '[]'],
    ['a secret of another kind', '{"serialNumberKey": 5}'],
  ])(
    'names a local secrets file of another shape (%s), exits 2 and leaves it as it was',
    async (shape, text) => {
      const damaged = copy(`secrets-${shape.replaceAll(' ', '-')}`);
      const file = join(damaged, 'local-secrets.json');
      writeFileSync(file, text);

      const { ready, exitCode, lines } = await refused(damaged);

      expect({ ready, exitCode, lines }).toEqual({
        ready: false,
        exitCode: 2,
        lines: [
          `npm start: the data folder ${damaged} cannot be used: local-secrets.json is not an object of the local secrets, edited or from elsewhere: restore it from a copy, or move the folder aside and start with an empty one (the folder keeps the table, keys, SMS outbox and waiting identifications).`,
        ],
      });
      expect(readFileSync(file, 'utf8')).toBe(text);
    },
    300_000,
  );

  it('names a table whose files are cut short, exits 2', async () => {
    const damaged = copy('table-cut');
    const tables = readdirSync(join(damaged, 'dynamodb')).filter((name) => name.endsWith('.ldb'));
    expect(tables.length).toBeGreaterThan(0);
    for (const name of tables) truncateSync(join(damaged, 'dynamodb', name), 100);

    const { ready, exitCode, lines } = await refused(damaged);

    expect({ ready, exitCode, lines: lines.length }).toEqual({ ready: false, exitCode: 2, lines: 1 });
    expect(lines[0]).toMatch(
      new RegExp(
        `^npm start: the data folder ${escaped(damaged)} cannot be used: its table \\(dynamodb/\\) cannot be read \\(.+\\): restore it from a copy, or move the folder aside`,
      ),
    );
  }, 300_000);

  it('says that another npm start holds the folder, exits 2, and the running one goes on', async () => {
    const held = copy('held');
    const running = spawnEntryPoint(ROOT, {}, ['--data-dir', held]);
    try {
      await waitFor(
        async () => running.child.exitCode !== null || running.stdout().includes('Press Ctrl-C to stop.'),
        (done) => done,
        { timeoutMs: 60_000 },
      );
      expect(running.child.exitCode).toBeNull();

      expect(await refused(held)).toEqual({
        ready: false,
        exitCode: 2,
        lines: [
          `npm start: the data folder ${held} is in use by another process (another npm start on it?): stop that one, or start with another --data-dir.`,
        ],
      });
      expect(running.child.exitCode).toBeNull();
    } finally {
      running.child.kill('SIGTERM');
      await waitFor(
        async () => running.child.exitCode,
        (code) => code !== null,
        { timeoutMs: 30_000 },
      );
    }
  }, 300_000);
});

/** `text` as a regular expression matching it literally. */
function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
