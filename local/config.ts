/** Reads and checks the local stack's configuration file (default `config/local.json`). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rsaKeyRefusals } from '../lambdas/adapters/rsa-modulus.js';
import { issueLines } from '../lambdas/core/parse.js';
import { rsaKeyIssuesOfPartners } from '../lambdas/core/partner-keys.js';
import { type ServiceConfig, ServiceConfigSchema } from '../lambdas/core/service-config.js';
import { monthOf } from '../lambdas/core/usage.js';
import { enabledMethodsRefusals } from '../lambdas/usecases/seed-config.js';

export const DEFAULT_CONFIG_PATH = resolve(fileURLToPath(new URL('../config/local.json', import.meta.url)));

/** A configuration file the stack cannot run with; the message names the file and each issue. */
export class InvalidConfiguration extends Error {
  override name = 'InvalidConfiguration';
}

export function loadConfig(path = process.env.SRS_CONFIG ?? DEFAULT_CONFIG_PATH): ServiceConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const { code, message } = err as NodeJS.ErrnoException;
    throw new InvalidConfiguration(
      code === 'ENOENT'
        ? `No configuration file ${path}`
        : `Cannot read the configuration ${path}: ${message}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InvalidConfiguration(`The configuration ${path} is not JSON: ${(err as Error).message}`);
  }
  const parsed = ServiceConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const details = issueLines(parsed.error)
      .map((line) => `  ${line}`)
      .join('\n');
    throw new InvalidConfiguration(`Invalid configuration in ${path}:\n${details}`);
  }
  return parsed.data;
}

/**
 * The registration checks the schema cannot make, being asynchronous (a partner's RSA key against the
 * rule, whose last part is a prime test: core/partner-keys.ts rsaKeyIssuesOfPartners), run before the
 * stack seeds the configuration.
 */
export async function checkPartnerKeys(config: ServiceConfig): Promise<void> {
  const issues = await rsaKeyIssuesOfPartners(config.isps, rsaKeyRefusals);
  if (issues.length > 0)
    throw new InvalidConfiguration(`Invalid configuration:\n${issues.map((i) => `  ${i}`).join('\n')}`);
}

/**
 * The seeding refusals that need no table — SPs' dated methods against what they may use this month
 * (seed-config.ts enabledMethodsRefusals, ADR 0028) — asked before the stack starts anything, so that
 * such a file fails the start with its issues, as a schema issue does.
 */
export function checkEnabledMethods(config: ServiceConfig, now = new Date()): void {
  const issues = enabledMethodsRefusals(config, monthOf(now.toISOString()));
  if (issues.length > 0)
    throw new InvalidConfiguration(`Invalid configuration:\n${issues.map((i) => `  ${i}`).join('\n')}`);
}
