/**
 * The fault run (bench/fault-run.ts) end to end with a small N, a high fault rate and one crash of
 * the stack: its invariants hold, counted from the table and the SMS outbox. No timing is asserted
 * (docs/benchmarks.md §6 has the 1,000-identification run). Also: the log scanner and the fault-line
 * counter find what they are meant to find.
 */
import { describe, expect, it } from 'vitest';
import { countFaultLines, planOf, runFaultRun, scanLogs } from '../../bench/fault-run.js';
import { optionsFromArgs } from '../../bench/run.js';

describe('npm run bench -- --faults', () => {
  it('reads its flags: 1,000 identifications, 20 at a time, one restart half way by default', () => {
    const request = optionsFromArgs(['--faults', '0.05', '--seed', '3']);

    expect(request).toMatchObject({
      kind: 'faults',
      options: { rate: 0.05, n: 1000, concurrency: 20, restartAfter: 500, seed: 3 },
    });
    expect(request.out).toMatch(/bench\/results\/faults\.json$/);
    expect(optionsFromArgs(['--faults', '0.5', '--n', '20', '--restart-after', '0']).options).toMatchObject({
      n: 20,
      restartAfter: 0,
    });
    expect(() => optionsFromArgs(['--faults', '5%'])).toThrow(/--faults must be a rate/);
    expect(optionsFromArgs([]).kind).toBe('bench');
  });

  it('20 identifications under 20% faults and a SIGKILL of the stack: none lost or duplicated, each ending explained', async () => {
    const f = await runFaultRun({
      n: 20,
      concurrency: 5,
      rate: 0.2,
      seed: 20261129,
      restartAfter: 10,
      identificationTimeoutMs: 240_000,
    });

    const context = [...f.lostCases, ...f.driverErrors].join('\n');
    for (const invariant of f.invariants)
      expect(invariant, `${invariant.detail}\n${context}`).toMatchObject({ ok: true });
    expect(f.lost).toBe(0);
    expect(f.duplicatedOrders).toBe(0);
    expect(f.restart).toMatchObject({ afterStarted: 10 });
    // Every identification is in the table in a final status its plan or its failure explains.
    const planned = { accept: 18, cancel: 2 };
    expect(f.expected).toEqual(planned);
    const failed = f.outcomes.failed ?? 0;
    expect(Object.values(f.outcomes).reduce((a, b) => a + b, 0)).toBe(20);
    expect((f.outcomes['terms-accepted'] ?? 0) + (f.outcomes['cancelled/user'] ?? 0) + failed).toBe(20);
    for (const c of f.failed) expect(c.reason).toEqual(expect.any(String));
    expect(f.registrations.count).toBe(f.outcomes['terms-accepted'] ?? 0);
    // Faults were injected and retried, at the emulations and at the partner.
    expect(Object.keys(f.injected).some((k) => k.startsWith('dynamodb '))).toBe(true);
    expect(Object.keys(f.retries).some((k) => k.startsWith('dynamodb attempt'))).toBe(true);
    expect(Object.values(f.injected).reduce((a, b) => a + b, 0)).toBeGreaterThan(20);
    // The logs were read at INFO, with every person's data and token to look for.
    expect(f.logScan.lines).toBeGreaterThan(100);
    expect(f.logScan.needles).toBeGreaterThan(20 * 6);
  }, 600_000);
});

describe('the fault run’s counting', () => {
  const person = {
    firstName: 'Fraab',
    lastName: 'Zqkkaab',
    dob: '1942-03-04',
    email: 'fault.1.1@example.org',
  };
  const identification = { index: 1, plan: planOf(1), mobile: '+41771100001', person };

  it('finds the run’s person data and tokens in a log line, and anything shaped like a token', () => {
    const lines = [
      '{"level":"INFO","message":"request handled","status":200}',
      '{"level":"INFO","message":"x","name":"Zqkkaab"}',
      '{"msisdn":"41771100001"}',
      '{"dob":"1942-03-04"}',
      'GET /terms/abcdefghijklmnopqrstuvwxyz0123',
      'authorization: eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig',
      '{"message":"a secret","value":"s3cr3t-token-value"}',
    ];

    const scan = scanLogs(lines, [identification], new Set(['s3cr3t-token-value']));

    expect(scan.hits).toEqual([
      { line: 2, what: 'last name' },
      { line: 3, what: 'mobile number' },
      { line: 4, what: 'date of birth' },
      { line: 5, what: 'a terms link' },
      { line: 6, what: 'a JWT' },
      { line: 7, what: 'token or link' },
    ]);
    expect(scan.lines).toBe(7);
  });

  it('sums the emulations’ [fault] lines by kind and variant', () => {
    expect(
      countFaultLines([
        '[fault] injected dynamodb ThrottlingException',
        '[fault] injected dynamodb ThrottlingException',
        '[fault] retry dynamodb attempt 2',
        '{"level":"INFO"}',
        '[fault] injected task Lambda.ServiceException-after-run',
      ]),
    ).toEqual({
      injected: { 'dynamodb ThrottlingException': 2, 'task Lambda.ServiceException-after-run': 1 },
      retried: { 'dynamodb attempt 2': 1 },
    });
  });

  it('plans every tenth identification as given up by the person', () => {
    expect(Array.from({ length: 20 }, (_, i) => planOf(i)).filter((p) => p === 'cancel')).toHaveLength(2);
  });
});
