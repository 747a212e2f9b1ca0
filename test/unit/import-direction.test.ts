/**
 * The dependency direction (DESIGN.md: core ← use cases ← adapters and handlers) is a lint rule:
 * Biome's noRestrictedImports, per folder, in biome.json. `npm run lint` applies it to the tree;
 * this test shows that the rule as configured refuses each wrong import and lets each right one
 * pass, by linting probe files laid out like lambdas/ in a scratch folder with the project's
 * biome.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

/** [probe file, the import it makes, refused?] */
const PROBES: [string, string, boolean][] = [
  ['lambdas/core/to-adapter.ts', "import { Repository as X } from '../adapters/dynamo/repository.js';", true],
  ['lambdas/core/to-usecase.ts', "import { mutateOrder as X } from '../usecases/order-mutation.js';", true],
  ['lambdas/core/to-ports.ts', "import type { OrderStore as X } from '../usecases/ports/orders.js';", true],
  ['lambdas/core/to-sdk.ts', "import { DynamoDBClient as X } from '@aws-sdk/client-dynamodb';", true],
  ['lambdas/core/to-fs.ts', "import { readFileSync as X } from 'node:fs';", true],
  ['lambdas/core/to-core.ts', "import { problems as X } from './problems.js';", false],
  [
    'lambdas/usecases/to-adapter.ts',
    "import type { Repository as X } from '../adapters/dynamo/repository.js';",
    true,
  ],
  ['lambdas/usecases/to-http.ts', "import { httpHandler as X } from '../http/handler.js';", true],
  ['lambdas/usecases/to-handler.ts', "import { handler as X } from '../handlers/verify.js';", true],
  ['lambdas/usecases/to-sdk.ts', "import { SNSClient as X } from '@aws-sdk/client-sns';", true],
  ['lambdas/usecases/to-core.ts', "import { problems as X } from '../core/problems.js';", false],
  ['lambdas/usecases/to-port.ts', "import type { OrderStore as X } from './ports/orders.js';", false],
  ['lambdas/usecases/to-usecase.ts', "import { mutateOrder as X } from './order-mutation.js';", false],
  [
    'lambdas/usecases/ports/to-adapter.ts',
    "import type { SmsSender as X } from '../../adapters/sms.js';",
    true,
  ],
  ['lambdas/usecases/ports/to-core.ts', "import type { Order as X } from '../../core/order.js';", false],
  [
    'lambdas/adapters/to-usecase.ts',
    "import { mutateOrder as X } from '../usecases/order-mutation.js';",
    true,
  ],
  ['lambdas/adapters/to-handler.ts', "import { handler as X } from '../handlers/verify.js';", true],
  ['lambdas/adapters/to-http.ts', "import { httpHandler as X } from '../http/handler.js';", true],
  [
    'lambdas/adapters/to-port.ts',
    "import type { OrderStore as X } from '../usecases/ports/orders.js';",
    false,
  ],
  [
    'lambdas/adapters/isp/to-port.ts',
    "import type { IspAdapter as X } from '../../usecases/ports/partner.js';",
    false,
  ],
  ['lambdas/adapters/to-core.ts', "import { ConditionFailed as X } from '../core/errors.js';", false],
  ['lambdas/handlers/to-local.ts', "import { startLocalStack as X } from '../../local/stack.js';", true],
  ['lambdas/handlers/to-lib.ts', "import { StatelessStack as X } from '../../lib/stateless-stack.js';", true],
  [
    'lambdas/handlers/to-usecase.ts',
    "import { mutateOrder as X } from '../usecases/order-mutation.js';",
    false,
  ],
  [
    'lambdas/handlers/to-adapter.ts',
    "import { tableRepository as X } from '../adapters/aws-clients.js';",
    false,
  ],
];

let scratch: string;
let refused: Set<string>;

beforeAll(() => {
  // Prepare: the project's lint configuration (without its git settings) and the probe files.
  scratch = mkdtempSync(join(tmpdir(), 'srs-import-direction-'));
  const config = JSON.parse(readFileSync(join(ROOT, 'biome.json'), 'utf8')) as Record<string, unknown>;
  delete config.vcs;
  writeFileSync(join(scratch, 'biome.json'), JSON.stringify(config));
  for (const [file, statement] of PROBES) {
    mkdirSync(dirname(join(scratch, file)), { recursive: true });
    writeFileSync(join(scratch, file), `${statement}\n\nexport const probe = X;\n`);
  }

  // Act: one lint run over them.
  const run = spawnSync(join(ROOT, 'node_modules/.bin/biome'), ['lint', '--reporter=json', '.'], {
    cwd: scratch,
    encoding: 'utf8',
  });
  const report = JSON.parse(run.stdout) as {
    diagnostics: { category: string; location: { path: string } }[];
  };
  refused = new Set(
    report.diagnostics
      .filter((d) => d.category === 'lint/style/noRestrictedImports')
      .map((d) => d.location.path),
  );
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the import direction lint rule', () => {
  it.each(PROBES.filter(([, , wrong]) => wrong))('refuses %s: %s', (file) => {
    expect(refused.has(file)).toBe(true);
  });

  it.each(PROBES.filter(([, , wrong]) => !wrong))('lets %s pass: %s', (file) => {
    expect(refused.has(file)).toBe(false);
  });
});
