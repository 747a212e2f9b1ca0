import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { synth } from './helpers.js';

const FULL_CONTEXT = {
  spClients: JSON.stringify(['acme-signing']),
  alarmEmail: 'ops@example.com',
  smsSenderId: 'SRS',
};

function violationsOf(app: App): string[] {
  const report = new AwsSolutionsChecks().validateScope(app);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}`),
  );
}

interface Ack {
  path: string;
  id: string;
  reason: string;
}

function acknowledgementsOf(root: IConstruct): Ack[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && m.data)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: c.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutionsChecks', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each(['dev', 'test', 'prod'])('%s: no unacknowledged finding', (stage) => {
    const { app } = synth({ stage, ...FULL_CONTEXT });

    expect(violationsOf(app)).toEqual([]);
  });

  // The test stage has every construct the other stages have (plus the Test-ISP parts).
  it.each(['test'])(
    '%s: every acknowledgement gives a reason and answers a finding that would otherwise fail',
    (stage) => {
      const acks = acknowledgementsOf(synth({ stage, ...FULL_CONTEXT }).app);
      vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => {});
      const raw = new AwsSolutionsChecks().validateScope(synth({ stage, ...FULL_CONTEXT }).app).violations;

      expect(acks.length).toBeGreaterThan(0);
      for (const ack of acks) {
        expect(ack.reason.length, `${ack.id} at ${ack.path}`).toBeGreaterThan(40);
        const answered = raw.some(
          (v) =>
            v.ruleName === ack.id &&
            v.violatingResources.some(
              (r) => r.constructPath === ack.path || (r.constructPath ?? '').startsWith(`${ack.path}/`),
            ),
        );
        expect(answered, `${ack.id} at ${ack.path} acknowledges nothing`).toBe(true);
      }
    },
  );
});
